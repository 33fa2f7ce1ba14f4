import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import type { MessageSearchHit, SearchAllResult, Segment, TaskSearchHit } from '../../app/contract/search.ts';
import { SEARCH_LIMIT_MAX } from '../../app/contract/search.ts';
import { DatabaseNewerError, PAGE_SIZE, type Db, type Migration } from '../db/database.ts';
import type { Logger } from '../log/logger.ts';
import { INDEX_FILE_FORMAT, INDEXED_CHARS, MARK_CLOSE, MARK_OPEN, messageTableSql, searchIndexPath, stateTableSql } from './index-file.ts';
import { INDEX_WORKER_ENTRY, MessageIndexer } from './indexer.ts';

export const searchMigrations: Migration[] = [
  {
    id: 'search/create-fts-tables',
    up(db) {
      db.exec(`
        CREATE VIRTUAL TABLE search_messages USING fts5(
          content, session_id UNINDEXED, project_id UNINDEXED, message_id UNINDEXED,
          tokenize = 'porter unicode61 remove_diacritics 2'
        );
        CREATE VIRTUAL TABLE search_tasks USING fts5(
          title, description, assignee, status,
          tokenize = 'porter unicode61 remove_diacritics 2'
        );
        INSERT INTO search_tasks (search_tasks, rank) VALUES ('rank', 'bm25(10.0, 2.0, 1.0, 0.5)');
      `);
    },
  },
  {
    // The message index moved to its own file, built on a second core (see index-file.ts).
    // `instance` names this database, so an index file left from another one is recognised and started over.
    id: 'search/message-index-in-own-file',
    up(db) {
      db.exec(`
        DROP TABLE search_messages;
        CREATE TABLE search_index_source (id INTEGER PRIMARY KEY CHECK (id = 1), instance TEXT NOT NULL);
      `);
      db.prepare('INSERT INTO search_index_source (id, instance) VALUES (1, ?)').run(randomUUID());
    },
  },
];

const MARKS = /[\uE000\uE001]/g;
const MAX_TERMS = 12;
const MAX_TERM_LENGTH = 64;
const SNIPPET_TOKENS = 16;

/** The task fields the index needs; the board's TaskService provides them. */
export interface IndexableTask {
  id: number;
  title: string;
  description: string;
  assignee: string | null;
  status: string;
}

/** A source of tasks: the board when it exists. */
export interface TaskFeed {
  list(): IndexableTask[];
  /** `kind` is `deleted` when the task left the board. */
  onChange(listener: (task: IndexableTask, kind: string) => void): () => void;
}

/**
 * Turns whatever the user typed into an FTS5 query that cannot fail: only
 * words survive, each quoted as a plain string, the last one also as a
 * prefix so results follow typing. Operators, quotes, column filters and
 * parentheses are searched as the words they contain, or dropped.
 */
export function toFtsQuery(input: string): { match: string | null; terms: string[] } {
  const words = input.normalize('NFKC').match(/[\p{L}\p{N}]+/gu) ?? [];
  const terms: string[] = [];
  for (const word of words) {
    const term = word.slice(0, MAX_TERM_LENGTH);
    if (!terms.some((t) => t.toLowerCase() === term.toLowerCase())) terms.push(term);
    if (terms.length === MAX_TERMS) break;
  }
  if (terms.length === 0) return { match: null, terms };
  const quoted = terms.map((t) => `"${t}"`);
  quoted[quoted.length - 1] = `${quoted[quoted.length - 1]}*`;
  return { match: quoted.join(' '), terms };
}

/** Splits a snippet with match marks into plain segments the renderer shows as text. */
export function toSegments(marked: string): Segment[] {
  const segments: Segment[] = [];
  let match = false;
  let text = '';
  for (const ch of marked) {
    if (ch === MARK_OPEN || ch === MARK_CLOSE) {
      if (text) segments.push({ text, match });
      text = '';
      match = ch === MARK_OPEN;
    } else {
      text += ch;
    }
  }
  if (text) segments.push({ text, match });
  return segments;
}

const indexable = (text: string) => text.replace(MARKS, '').slice(0, INDEXED_CHARS);

interface MessageRow {
  seq: number;
  message_id: string;
  session_id: string;
  snip: string;
  score: number;
  title: string | null;
  project_id: string | null;
  role: string | null;
  timestamp: string | null;
}

interface TaskRow {
  task_id: number;
  title: string;
  snip: string;
  status: string;
  assignee: string | null;
  score: number;
}

/** The session comes from the message itself: a message the index filed under another session (a subagent's, moved to its own) opens where it is. */
export const MESSAGE_SEARCH_SQL = `
  SELECT h.seq, h.message_id, coalesce(m.session_id, h.session_id) AS session_id, h.snip, h.score, s.title, s.project_id, m.role, m.timestamp
  FROM (
    SELECT rowid AS seq, message_id, session_id,
      snippet(search_messages, 0, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snip, rank AS score
    FROM search.search_messages WHERE search_messages MATCH ? ORDER BY rank LIMIT ?
  ) h
  LEFT JOIN messages m ON m.seq = h.seq
  LEFT JOIN sessions s ON s.id = coalesce(m.session_id, h.session_id)`;

export const TASK_SEARCH_SQL = `
  SELECT rowid AS task_id,
    highlight(search_tasks, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS title,
    snippet(search_tasks, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snip,
    status, assignee, rank AS score
  FROM search_tasks WHERE search_tasks MATCH ? ORDER BY rank LIMIT ?`;

export interface SearchOptions {
  log: Logger;
  /** The index worker's entry (Electron passes its bundled file). */
  workerEntry?: string;
}

/**
 * How SQLite records a statement of index-file.ts in its schema (without `IF NOT EXISTS` and the
 * schema name): a table of the same name written by another program or version differs from it.
 */
const asStored = (sql: string) => sql.replace('IF NOT EXISTS search.', '');

/** SQLite's words for a file that is not a database or is damaged. */
const UNREADABLE = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * Full-text search over agent messages and board tasks (SQLite FTS5).
 * Tasks are indexed as they change, in the app database. Messages are
 * indexed in their own file (attached here as `search`) by a worker thread
 * moments after they are committed; a search first waits for the index to
 * catch up with what is stored, so it always sees every stored message.
 */
export class SearchService {
  readonly #db: Db;
  readonly #log: Logger;
  readonly #indexer: MessageIndexer;
  readonly #messageSearch;
  readonly #taskSearch;
  #tasks: TaskFeed | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(db: Db, options: SearchOptions) {
    this.#db = db;
    this.#log = options.log;
    const searchPath = searchIndexPath(db.name);
    const statement = db.prepare('SELECT coalesce(max(seq), 0) FROM messages').pluck();
    const newest = () => statement.get() as number;
    const indexedThrough = this.#attach(searchPath, newest);
    this.#indexer = new MessageIndexer({
      entry: options.workerEntry ?? INDEX_WORKER_ENTRY,
      searchPath,
      databasePath: db.name,
      log: options.log,
      newest,
      indexedThrough,
    });
    this.#messageSearch = db.prepare(MESSAGE_SEARCH_SQL);
    this.#taskSearch = db.prepare(TASK_SEARCH_SQL);
  }

  /**
   * Attaches the index file, creating it when missing and starting it over
   * when it is damaged, belongs to another database or is ahead of this
   * one. Returns how far it has indexed.
   */
  #attach(path: string, newest: () => number): number {
    try {
      return this.#open(path, newest());
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code !== 'string' || !UNREADABLE.test(code)) throw err;
      this.#log.warn(`search: the index file ${path} is damaged (${(err as Error).message}); building a new one`);
      if (this.#db.prepare("SELECT 1 FROM pragma_database_list WHERE name = 'search'").get()) this.#db.exec('DETACH DATABASE search');
      for (const suffix of ['', '-wal', '-shm']) rmSync(path + suffix, { force: true });
      return this.#open(path, newest());
    }
  }

  /** `newest`: the last stored message's seq; an index that claims more is not this database's. */
  #open(path: string, newest: number): number {
    const db = this.#db;
    db.prepare('ATTACH DATABASE ? AS search').run(path);
    const format = db.pragma('search.user_version', { simple: true }) as number;
    if (format > INDEX_FILE_FORMAT) {
      db.exec('DETACH DATABASE search');
      throw new DatabaseNewerError(path, `its index format is ${format}, and this version knows ${INDEX_FILE_FORMAT}`);
    }
    db.pragma(`search.page_size = ${PAGE_SIZE}`);
    db.pragma('search.journal_mode = WAL');
    db.pragma('search.synchronous = NORMAL');
    const check = db.pragma('search.quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(String(check)), { code: 'SQLITE_CORRUPT' });
    const source = db.prepare('SELECT instance FROM search_index_source').pluck().get() as string;
    return db.transaction(() => {
      const tables = this.#indexTables();
      const ours = tables.size === 2 && tables.get('search_messages') === asStored(messageTableSql('search')) && tables.get('index_state') === asStored(stateTableSql('search'));
      const state = ours ? (db.prepare('SELECT source, indexed_through FROM search.index_state').get() as { source: string; indexed_through: number } | undefined) : undefined;
      if (state && state.source === source && state.indexed_through <= newest) {
        if (format < INDEX_FILE_FORMAT) db.pragma(`search.user_version = ${INDEX_FILE_FORMAT}`);
        return state.indexed_through;
      }
      if (state) this.#log.info('search: the index file belongs to another database; building it anew');
      else if (tables.size) this.#log.info('search: the index file holds tables this version did not write; building it anew');
      db.exec('DROP TABLE IF EXISTS search.search_messages');
      db.exec('DROP TABLE IF EXISTS search.index_state');
      db.exec(messageTableSql('search'));
      db.exec(stateTableSql('search'));
      db.prepare('INSERT INTO search.index_state (id, source, indexed_through) VALUES (1, ?, 0)').run(source);
      db.pragma(`search.user_version = ${INDEX_FILE_FORMAT}`);
      return 0;
    })();
  }

  /** The index file's tables of the names this version uses, with the SQL that created them. */
  #indexTables(): Map<string, string> {
    const rows = this.#db.prepare("SELECT name, sql FROM search.sqlite_schema WHERE name IN ('search_messages', 'index_state')").all() as { name: string; sql: string }[];
    return new Map(rows.map((r) => [r.name, r.sql]));
  }

  /** Follows the task board: every change is re-indexed at once. */
  attachTasks(feed: TaskFeed): void {
    this.#unsubscribe?.();
    this.#tasks = feed;
    this.#unsubscribe = feed.onChange((task, kind) => {
      if (kind === 'deleted') this.#db.prepare('DELETE FROM search_tasks WHERE rowid = ?').run(task.id);
      else this.indexTask(task);
    });
  }

  /** Messages were committed: they become searchable in moments. */
  messagesStored(): void {
    this.#indexer.wake();
  }

  /** Resolves when every message stored so far is searchable. */
  settled(): Promise<void> {
    return this.#indexer.settled();
  }

  /** Indexes what was stored while the app was closed (or before a crash), in the background. */
  start(): void {
    this.#indexer.wake();
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    await this.#indexer.close();
  }

  indexTask(task: IndexableTask): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM search_tasks WHERE rowid = ?').run(task.id);
      this.#db
        .prepare('INSERT INTO search_tasks (rowid, title, description, assignee, status) VALUES (?, ?, ?, ?, ?)')
        .run(task.id, indexable(task.title), indexable(task.description), task.assignee ?? '', task.status);
    })();
  }

  /** What is indexed at this moment. */
  status(): { messages: number; tasks: number } {
    return {
      messages: this.#db.prepare('SELECT count(*) FROM search.search_messages').pluck().get() as number,
      tasks: this.#db.prepare('SELECT count(*) FROM search_tasks').pluck().get() as number,
    };
  }

  /** Waits until the index covers what is stored; re-indexes the tasks when they differ from the board. */
  async init(): Promise<{ messages: number; tasks: number }> {
    const tasks = this.#tasks?.list().length ?? 0;
    if (this.status().tasks !== tasks) this.#reindexTasks();
    await this.settled();
    return this.status();
  }

  async rebuild(): Promise<{ messages: number; tasks: number }> {
    this.#reindexTasks();
    await this.#indexer.rebuild();
    return this.status();
  }

  #reindexTasks(): void {
    this.#db.transaction(() => {
      this.#db.exec('DELETE FROM search_tasks');
      for (const task of this.#tasks?.list() ?? []) this.indexTask(task);
    })();
  }

  /** Ranked (bm25) hits grouped by kind, with snippets as plain segments. Never throws on odd input. */
  async all(query: string, limit = 20): Promise<SearchAllResult> {
    const { match, terms } = toFtsQuery(query);
    const capped = Math.max(1, Math.min(SEARCH_LIMIT_MAX, limit));
    if (!match) return { query, terms, messages: [], tasks: [] };
    await this.settled();
    const messages = (this.#messageSearch.all(match, capped) as MessageRow[]).map(
      (r): MessageSearchHit => ({
        kind: 'message',
        messageId: r.message_id,
        sessionId: r.session_id,
        projectId: r.project_id,
        sessionTitle: r.title || 'Untitled session',
        role: r.role ?? 'assistant',
        timestamp: r.timestamp ?? '',
        snippet: toSegments(r.snip),
        score: r.score,
      }),
    );
    const tasks = (this.#taskSearch.all(match, capped) as TaskRow[]).map(
      (r): TaskSearchHit => ({
        kind: 'task',
        taskId: r.task_id,
        title: toSegments(r.title),
        snippet: toSegments(r.snip),
        status: r.status,
        assignee: r.assignee || null,
        score: r.score,
      }),
    );
    return { query, terms, messages, tasks };
  }
}
