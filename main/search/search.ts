import type { MessageSearchHit, SearchAllResult, Segment, TaskSearchHit } from '../../app/contract/search.ts';
import { SEARCH_LIMIT_MAX } from '../../app/contract/search.ts';
import type { AgentMessage } from '../../app/messages.ts';
import type { Db, Migration } from '../db/database.ts';

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
];

/** Private-use characters mark matches inside snippets; they are removed from indexed text first. */
const MARK_OPEN = '\uE000';
const MARK_CLOSE = '\uE001';
const MARKS = /[\uE000\uE001]/g;
/** Enough text for a snippet to find the match in a long tool result, without indexing megabytes. */
export const INDEXED_CHARS = 8_000;
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
  onChange(listener: (task: IndexableTask) => void): () => void;
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

/** Messages worth finding: what people and agents said and did, not token counters. */
const searchable = (m: Pick<AgentMessage, 'type'>) => m.type !== 'cost';

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

/** Stored messages into the index, marks removed and text capped as `indexable` does. */
const INDEX_STORED_SQL = `
  INSERT INTO search_messages (rowid, content, session_id, project_id, message_id)
  SELECT m.seq, substr(replace(replace(m.content, char(57344), ''), char(57345), ''), 1, ${INDEXED_CHARS}), m.session_id, s.project_id, m.id
  FROM messages m JOIN sessions s ON s.id = m.session_id`;

export const MESSAGE_SEARCH_SQL = `
  SELECT h.seq, h.message_id, h.session_id, h.snip, h.score, s.title, s.project_id, m.role, m.timestamp
  FROM (
    SELECT rowid AS seq, message_id, session_id,
      snippet(search_messages, 0, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snip, rank AS score
    FROM search_messages WHERE search_messages MATCH ? ORDER BY rank LIMIT ?
  ) h
  LEFT JOIN sessions s ON s.id = h.session_id
  LEFT JOIN messages m ON m.seq = h.seq`;

export const TASK_SEARCH_SQL = `
  SELECT rowid AS task_id,
    highlight(search_tasks, 0, '${MARK_OPEN}', '${MARK_CLOSE}') AS title,
    snippet(search_tasks, 1, '${MARK_OPEN}', '${MARK_CLOSE}', '…', ${SNIPPET_TOKENS}) AS snip,
    status, assignee, rank AS score
  FROM search_tasks WHERE search_tasks MATCH ? ORDER BY rank LIMIT ?`;

/**
 * Full-text search over agent messages and board tasks (SQLite FTS5).
 * Messages are indexed as they are stored, tasks as they change.
 */
export class SearchService {
  readonly #db: Db;
  readonly #insertMessage;
  readonly #indexRange;
  readonly #messageSearch;
  readonly #taskSearch;
  #tasks: TaskFeed | undefined;
  #unsubscribe: (() => void) | undefined;

  constructor(db: Db) {
    this.#db = db;
    this.#insertMessage = db.prepare('INSERT INTO search_messages (rowid, content, session_id, project_id, message_id) VALUES (?, ?, ?, ?, ?)');
    this.#indexRange = db.prepare(`${INDEX_STORED_SQL} WHERE m.seq BETWEEN ? AND ? AND m.type <> 'cost'`);
    this.#messageSearch = db.prepare(MESSAGE_SEARCH_SQL);
    this.#taskSearch = db.prepare(TASK_SEARCH_SQL);
  }

  /** Follows the task board: every change is re-indexed at once. */
  attachTasks(feed: TaskFeed): void {
    this.#unsubscribe?.();
    this.#tasks = feed;
    this.#unsubscribe = feed.onChange((task) => this.indexTask(task));
  }

  detach(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  /** Indexes one stored message (`seq` is its row in `messages`). Real time: called as messages arrive. */
  indexMessage(message: Pick<AgentMessage, 'id' | 'sessionId' | 'projectId' | 'type' | 'content'> & { seq: number }): void {
    if (!searchable(message)) return;
    this.#insertMessage.run(message.seq, indexable(message.content), message.sessionId, message.projectId, message.id);
  }

  /**
   * Indexes the stored messages with `seq` from `first` to `last` in one
   * statement: the text is read from `messages` inside SQLite instead of
   * crossing into JavaScript and back once per message. Real time: the
   * pipeline calls it for each batch it stores, in the same transaction.
   */
  indexStored(first: number, last: number): void {
    this.#indexRange.run(first, last);
  }

  indexTask(task: IndexableTask): void {
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM search_tasks WHERE rowid = ?').run(task.id);
      this.#db
        .prepare('INSERT INTO search_tasks (rowid, title, description, assignee, status) VALUES (?, ?, ?, ?, ?)')
        .run(task.id, indexable(task.title), indexable(task.description), task.assignee ?? '', task.status);
    })();
  }

  status(): { messages: number; tasks: number } {
    return {
      messages: this.#db.prepare('SELECT count(*) FROM search_messages').pluck().get() as number,
      tasks: this.#db.prepare('SELECT count(*) FROM search_tasks').pluck().get() as number,
    };
  }

  /** Makes sure the index covers what is stored; rebuilds when it is missing rows. */
  init(): { messages: number; tasks: number } {
    const indexed = this.status();
    const stored = this.#db.prepare("SELECT count(*) FROM messages WHERE type <> 'cost'").pluck().get() as number;
    const tasks = this.#tasks?.list().length ?? 0;
    if (indexed.messages !== stored || indexed.tasks !== tasks) return this.rebuild();
    return indexed;
  }

  rebuild(): { messages: number; tasks: number } {
    this.#db.transaction(() => {
      this.#db.exec('DELETE FROM search_messages');
      this.#db.exec(`${INDEX_STORED_SQL} WHERE m.type <> 'cost'`);
      this.#db.exec('DELETE FROM search_tasks');
      for (const task of this.#tasks?.list() ?? []) this.indexTask(task);
    })();
    return this.status();
  }

  /** Ranked (bm25) hits grouped by kind, with snippets as plain segments. Never throws on odd input. */
  all(query: string, limit = 20): SearchAllResult {
    const { match, terms } = toFtsQuery(query);
    const capped = Math.max(1, Math.min(SEARCH_LIMIT_MAX, limit));
    if (!match) return { query, terms, messages: [], tasks: [] };
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
