import { basename, dirname, join } from 'node:path';

/**
 * The message index lives in its own SQLite file next to the app database,
 * written by a worker thread (index-worker.ts) while the main thread stores
 * messages: the two files are written on two cores at once. The index is
 * derived data; whatever happens to its file, it is rebuilt from `messages`.
 */

/** Private-use characters mark matches inside snippets; they are removed from indexed text first. */
export const MARK_OPEN = '\uE000';
export const MARK_CLOSE = '\uE001';
/** Enough text for a snippet to find the match in a long tool result, without indexing megabytes. */
export const INDEXED_CHARS = 8_000;

/**
 * The index file's format, kept in its `user_version`. Files from before it
 * was recorded read 0 and hold the same tables; a file of a higher format
 * was written by a newer Switchboard and is left exactly as it is.
 */
export const INDEX_FILE_FORMAT = 1;

/** `switchboard.db` → `switchboard-search.db`, in the same folder. */
export function searchIndexPath(databasePath: string): string {
  return join(dirname(databasePath), `${basename(databasePath).replace(/\.db$/, '')}-search.db`);
}

/** The FTS5 table, in whichever schema `schema` names (`main` in the worker, `search` where it is attached). */
export function messageTableSql(schema: string): string {
  return `CREATE VIRTUAL TABLE IF NOT EXISTS ${schema}.search_messages USING fts5(
      content, session_id UNINDEXED, project_id UNINDEXED, message_id UNINDEXED,
      tokenize = 'porter unicode61 remove_diacritics 2'
    )`;
}

/** How far the index has read `messages` (every seq up to it is indexed) and which app database it belongs to. */
export function stateTableSql(schema: string): string {
  return `CREATE TABLE IF NOT EXISTS ${schema}.index_state (
      id INTEGER PRIMARY KEY CHECK (id = 1),
      source TEXT NOT NULL,
      indexed_through INTEGER NOT NULL
    )`;
}

/**
 * Indexes the stored messages with `from < seq <= to`, read from the app
 * database attached as `app`: marks removed and text capped, token counters
 * left out (they are not worth finding).
 */
export const INDEX_RANGE_SQL = `
  INSERT INTO main.search_messages (rowid, content, session_id, project_id, message_id)
  SELECT m.seq, substr(replace(replace(m.content, char(57344), ''), char(57345), ''), 1, ${INDEXED_CHARS}), m.session_id, s.project_id, m.id
  FROM app.messages m JOIN app.sessions s ON s.id = m.session_id
  WHERE m.seq > ? AND m.seq <= ? AND m.type <> 'cost'`;

/** What the main thread asks of the index worker. */
export type IndexRequest = { type: 'catch-up' } | { type: 'rebuild' } | { type: 'close' };

/** What the worker reports: progress while it indexes, `idle` when it found nothing more, `rebuilt` after a rebuild. */
export type IndexReport = { type: 'indexed' | 'idle' | 'rebuilt'; through: number } | { type: 'closed' };

export interface IndexWorkerData {
  searchPath: string;
  databasePath: string;
  /** Messages per transaction: small enough that searches see progress, large enough to merge few segments. */
  chunk: number;
  /** One Int32 the main thread sets to 1 when the app closes: the worker stops between transactions. */
  closing: SharedArrayBuffer;
}
