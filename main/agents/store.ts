import { randomUUID } from 'node:crypto';
import { basename, resolve, sep } from 'node:path';
import type { MessageInfo, ProjectInfo, SessionInfo, SessionStatus } from '../../app/contract/agents.ts';
import type { AgentMessage, TokenUsage } from '../../app/messages.ts';
import type { Statement } from 'better-sqlite3';
import type { Db, Migration } from '../db/database.ts';
import type { NewMessage, SessionFacts } from './types.ts';

export const agentMigrations: Migration[] = [
  {
    id: 'agents/create-projects-sessions-messages',
    up(db) {
      db.exec(`
        CREATE TABLE projects (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          path TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
          id TEXT PRIMARY KEY,
          project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
          provider TEXT NOT NULL,
          origin TEXT NOT NULL CHECK (origin IN ('transcript', 'run')),
          model TEXT,
          title TEXT NOT NULL DEFAULT '',
          status TEXT NOT NULL CHECK (status IN ('running', 'success', 'error', 'stopped')),
          started_at TEXT NOT NULL,
          ended_at TEXT,
          last_activity_at TEXT NOT NULL,
          cwd TEXT,
          git_branch TEXT,
          external_id TEXT,
          message_count INTEGER NOT NULL DEFAULT 0,
          tool_call_count INTEGER NOT NULL DEFAULT 0,
          turn_count INTEGER NOT NULL DEFAULT 0,
          input_tokens INTEGER NOT NULL DEFAULT 0,
          output_tokens INTEGER NOT NULL DEFAULT 0,
          cache_read_tokens INTEGER NOT NULL DEFAULT 0,
          cache_write_tokens INTEGER NOT NULL DEFAULT 0,
          peak_tokens INTEGER NOT NULL DEFAULT 0,
          reported_cost_usd REAL,
          error_category TEXT,
          error_message TEXT
        );
        CREATE INDEX sessions_project ON sessions(project_id, started_at DESC);
        CREATE INDEX sessions_status ON sessions(status);
        CREATE INDEX sessions_external ON sessions(external_id) WHERE external_id IS NOT NULL;
        CREATE TABLE messages (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          timestamp TEXT NOT NULL,
          type TEXT NOT NULL,
          role TEXT NOT NULL,
          content TEXT NOT NULL,
          tool_call TEXT,
          tool_result TEXT,
          usage TEXT,
          usage_key TEXT,
          cost_usd REAL,
          error TEXT,
          raw TEXT NOT NULL
        );
        CREATE INDEX messages_session ON messages(session_id, timestamp, seq);
        CREATE INDEX messages_usage_key ON messages(session_id, usage_key) WHERE usage_key IS NOT NULL;
        CREATE TABLE import_files (
          path TEXT PRIMARY KEY,
          provider TEXT NOT NULL,
          offset INTEGER NOT NULL DEFAULT 0,
          size INTEGER NOT NULL DEFAULT 0,
          inode INTEGER NOT NULL DEFAULT 0,
          mtime_ms REAL NOT NULL DEFAULT 0,
          line_count INTEGER NOT NULL DEFAULT 0,
          malformed_count INTEGER NOT NULL DEFAULT 0,
          unknown_count INTEGER NOT NULL DEFAULT 0,
          session_id TEXT,
          skipped INTEGER NOT NULL DEFAULT 0,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE unknown_records (
          key TEXT PRIMARY KEY,
          source_path TEXT NOT NULL,
          session_id TEXT,
          record_type TEXT NOT NULL,
          raw TEXT NOT NULL
        );
        CREATE TABLE agent_source_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    // Repeated usage is now recognised from the previous record (see insertMessages); the index only slowed imports.
    id: 'agents/drop-usage-key-index',
    up(db) {
      db.exec('DROP INDEX messages_usage_key');
    },
  },
  {
    // A retried run starts the agent again, and the agent gives each start a session of its own:
    // every id a run's agent reported marks a transcript the run already shows.
    id: 'agents/run-agent-ids',
    up(db) {
      db.exec(`
        CREATE TABLE run_agent_ids (
          agent_id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE
        );
        INSERT OR IGNORE INTO run_agent_ids (agent_id, session_id)
          SELECT external_id, id FROM sessions WHERE origin = 'run' AND external_id IS NOT NULL;
      `);
    },
  },
];

/** Where a transcript file stands: how far it has been read and what it looked like then. */
export interface FileCursor {
  path: string;
  provider: string;
  offset: number;
  size: number;
  inode: number;
  mtimeMs: number;
  lineCount: number;
  malformedCount: number;
  unknownCount: number;
  sessionId: string | null;
  /** The file belongs to a session the app ran itself; its content arrived through the run. */
  skipped: boolean;
}

interface SessionRow {
  id: string;
  project_id: string | null;
  project_name: string | null;
  provider: string;
  origin: 'transcript' | 'run';
  model: string | null;
  title: string;
  status: SessionStatus;
  started_at: string;
  ended_at: string | null;
  last_activity_at: string;
  cwd: string | null;
  git_branch: string | null;
  message_count: number;
  tool_call_count: number;
  turn_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  peak_tokens: number;
  reported_cost_usd: number | null;
  error_category: SessionInfo['errorCategory'];
  error_message: string | null;
}

interface MessageRow {
  id: string;
  session_id: string;
  project_id: string | null;
  provider: string;
  timestamp: string;
  type: AgentMessage['type'];
  role: AgentMessage['role'];
  content: string;
  tool_call: string | null;
  tool_result: string | null;
  usage: string | null;
  cost_usd: number | null;
  error: string | null;
}

/** A message as stored: `index` in its conversation, `seq` its row (the search index uses it as rowid). */
export type StoredMessage = AgentMessage & { index: number; seq: number };

export interface TokenTotals {
  input: number;
  output: number;
  cacheRead: number;
  cacheWrite: number;
}

/** Estimates a cost from the price table; null when the model has no price. */
export type CostEstimator = (model: string | null, tokens: TokenTotals) => number | null;

export interface SessionCompletion {
  status: Exclude<SessionStatus, 'running'>;
  endedAt: string;
  errorCategory?: SessionInfo['errorCategory'];
  errorMessage?: string | null;
}

/** Messages per INSERT statement: 13 columns each stays under SQLite's 32,766 bound parameters. */
const INSERT_ROWS = 100;

const SESSION_SELECT = `
  SELECT s.*, p.name AS project_name FROM sessions s LEFT JOIN projects p ON p.id = s.project_id`;

/** The same path, written the same way, with no trailing separator. */
export function canonicalPath(path: string): string {
  const full = resolve(path);
  return full.length > 1 && full.endsWith(sep) ? full.slice(0, -1) : full;
}

function contains(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

function usageTotal(u: TokenUsage): number {
  return (u.input_tokens ?? 0) + (u.output_tokens ?? 0) + (u.cache_read_input_tokens ?? 0) + (u.cache_creation_input_tokens ?? 0);
}

/**
 * Projects, sessions, their messages (each with its raw record) and the
 * import cursors of transcript files. Every write that belongs together is
 * one transaction; re-inserting a message with a known id changes nothing.
 */
export class SessionStore {
  readonly #db: Db;
  readonly #estimate: CostEstimator;
  /** The last API call whose usage was counted, per session: its other content blocks follow it directly. */
  readonly #lastUsageKey = new Map<string, string | null>();
  readonly #sessionAggregate;
  readonly #sessionProject;

  readonly #statements = new Map<string, Statement>();
  #insertFull: Statement | undefined;

  /** Prepared once, reused: preparing is far dearer than running. */
  #q(sql: string): Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  constructor(db: Db, estimate: CostEstimator = () => null) {
    this.#db = db;
    this.#estimate = estimate;
    this.#sessionAggregate = db.prepare(`
      UPDATE sessions SET
        message_count = message_count + @messages,
        tool_call_count = tool_call_count + @toolCalls,
        turn_count = turn_count + @turns,
        input_tokens = input_tokens + @input,
        output_tokens = output_tokens + @output,
        cache_read_tokens = cache_read_tokens + @cacheRead,
        cache_write_tokens = cache_write_tokens + @cacheWrite,
        peak_tokens = max(peak_tokens, @peak),
        reported_cost_usd = CASE WHEN @cost IS NULL THEN reported_cost_usd ELSE coalesce(reported_cost_usd, 0) + @cost END,
        last_activity_at = max(last_activity_at, @last)
      WHERE id = @id`);
    this.#sessionProject = db.prepare('SELECT project_id FROM sessions WHERE id = ?').pluck();
  }

  get db(): Db {
    return this.#db;
  }

  // Projects

  listProjects(): ProjectInfo[] {
    const rows = this.#db
      .prepare(
        `SELECT p.id, p.name, p.path, p.created_at,
           (SELECT count(*) FROM sessions s WHERE s.project_id = p.id) AS session_count,
           (SELECT count(*) FROM sessions s WHERE s.project_id = p.id AND s.status = 'running') AS live_count
         FROM projects p ORDER BY p.name COLLATE NOCASE, p.path`,
      )
      .all() as { id: string; name: string; path: string; created_at: string; session_count: number; live_count: number }[];
    return rows.map((r) => ({ id: r.id, name: r.name, path: r.path, createdAt: r.created_at, sessionCount: r.session_count, liveCount: r.live_count }));
  }

  getProject(id: string): ProjectInfo | undefined {
    return this.listProjects().find((p) => p.id === id);
  }

  /** Adds the folder as a project and claims the sessions that ran inside it. */
  addProject(path: string, name: string | undefined, now = new Date()): ProjectInfo {
    const folder = canonicalPath(path);
    const id = randomUUID();
    this.#db.transaction(() => {
      this.#q('INSERT INTO projects (id, name, path, created_at) VALUES (?, ?, ?, ?)').run(id, name?.trim() || basename(folder) || folder, folder, now.toISOString());
      this.reattachSessions();
    })();
    return this.getProject(id)!;
  }

  removeProject(id: string): boolean {
    return this.#db.transaction(() => {
      const removed = this.#q('DELETE FROM projects WHERE id = ?').run(id).changes > 0;
      if (removed) this.reattachSessions();
      return removed;
    })();
  }

  projectPathTaken(path: string): boolean {
    return this.#q('SELECT 1 FROM projects WHERE path = ?').get(canonicalPath(path)) !== undefined;
  }

  /** The project whose folder holds `cwd` most closely (nested projects win over their parents). */
  projectFor(cwd: string | undefined | null): string | null {
    if (!cwd) return null;
    const path = canonicalPath(cwd);
    let best: { id: string; path: string } | null = null;
    for (const p of this.#q('SELECT id, path FROM projects').all() as { id: string; path: string }[]) {
      if (contains(p.path, path) && (!best || p.path.length > best.path.length)) best = p;
    }
    return best?.id ?? null;
  }

  /** Re-derives every session's project from its working folder (after projects change). */
  reattachSessions(): void {
    const update = this.#q('UPDATE sessions SET project_id = ? WHERE id = ?');
    for (const s of this.#q('SELECT id, cwd, project_id FROM sessions').all() as { id: string; cwd: string | null; project_id: string | null }[]) {
      const project = this.projectFor(s.cwd);
      if (project !== s.project_id) update.run(project, s.id);
    }
  }

  // Sessions

  hasSession(id: string): boolean {
    return this.#q('SELECT 1 FROM sessions WHERE id = ?').get(id) !== undefined;
  }

  /** The app-run session that owns this agent-side id (reported by any of its attempts), if any. */
  runSessionFor(externalId: string): string | null {
    const owner = this.#q("SELECT session_id FROM run_agent_ids WHERE agent_id = ? UNION ALL SELECT id FROM sessions WHERE origin = 'run' AND id = ? LIMIT 1").pluck().get(externalId, externalId);
    return (owner as string | undefined) ?? null;
  }

  /** A run starts its agent again: until the new start reports its session id, new transcript files could be its own. */
  awaitAgentId(sessionId: string): void {
    this.#q("UPDATE sessions SET external_id = NULL WHERE id = ? AND origin = 'run'").run(sessionId);
  }

  /** Runs the app started that are still marked running. */
  runningRuns(): string[] {
    return this.#q("SELECT id FROM sessions WHERE origin = 'run' AND status = 'running'").pluck().all() as string[];
  }

  /** A run the app started is under way and its agent (this attempt's) has not said its own session id yet. */
  runAwaitingAgentId(): boolean {
    return this.#q("SELECT 1 FROM sessions WHERE origin = 'run' AND status = 'running' AND external_id IS NULL LIMIT 1").get() !== undefined;
  }

  /**
   * Creates the session on first sight, otherwise fills in what was unknown.
   * Returns true when it was created.
   */
  upsertSession(facts: SessionFacts, origin: 'transcript' | 'run', status: SessionStatus, fallbackTime: string): boolean {
    const existing = this.#q('SELECT model, title, cwd, git_branch, external_id FROM sessions WHERE id = ?').get(facts.id) as
      | { model: string | null; title: string; cwd: string | null; git_branch: string | null; external_id: string | null }
      | undefined;
    if (!existing) {
      const at = facts.timestamp ?? fallbackTime;
      // A record without a time (a summary) says nothing about activity; the first message will.
      const lastActivity = facts.timestamp ?? '';
      this.#q(
        `INSERT INTO sessions (id, project_id, provider, origin, model, title, status, started_at, last_activity_at, cwd, git_branch, external_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(facts.id, this.projectFor(facts.cwd), facts.provider, origin, facts.model ?? null, facts.title ?? '', status, at, lastActivity, facts.cwd ?? null, facts.gitBranch || null, facts.externalId ?? null);
      this.#rememberAgentId(facts, origin);
      return true;
    }
    this.#rememberAgentId(facts, origin);
    // Records can arrive out of order (a summary first, subagent files later): the session starts at its earliest one.
    if (facts.timestamp) this.#q('UPDATE sessions SET started_at = ? WHERE id = ? AND started_at > ?').run(facts.timestamp, facts.id, facts.timestamp);
    const patch: Record<string, string> = {};
    if (facts.model && facts.model !== existing.model) patch.model = facts.model;
    if (facts.title && !existing.title) patch.title = facts.title;
    if (facts.cwd && !existing.cwd) patch.cwd = facts.cwd;
    if (facts.gitBranch && !existing.git_branch) patch.git_branch = facts.gitBranch;
    if (facts.externalId && !existing.external_id) patch.external_id = facts.externalId;
    const keys = Object.keys(patch);
    if (keys.length) {
      this.#q(`UPDATE sessions SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE id = @id`).run({ ...patch, id: facts.id });
      if (patch.cwd) this.#q('UPDATE sessions SET project_id = ? WHERE id = ?').run(this.projectFor(patch.cwd), facts.id);
    }
    return false;
  }

  #rememberAgentId(facts: SessionFacts, origin: 'transcript' | 'run'): void {
    if (facts.externalId && origin === 'run') this.#q('INSERT OR IGNORE INTO run_agent_ids (agent_id, session_id) VALUES (?, ?)').run(facts.externalId, facts.id);
  }

  /** A summary (from a transcript) is a better title than the first prompt. */
  setTitle(id: string, title: string): void {
    this.#q('UPDATE sessions SET title = ? WHERE id = ?').run(title, id);
  }

  setStatus(id: string, status: SessionStatus): void {
    this.#q('UPDATE sessions SET status = ?, ended_at = CASE WHEN ? = \'running\' THEN NULL ELSE ended_at END WHERE id = ?').run(status, status, id);
  }

  complete(id: string, done: SessionCompletion): void {
    this.#db
      .prepare('UPDATE sessions SET status = ?, ended_at = ?, error_category = ?, error_message = ? WHERE id = ?')
      .run(done.status, done.endedAt, done.errorCategory ?? null, done.errorMessage ?? null, id);
  }

  getSession(id: string): SessionInfo | undefined {
    const row = this.#q(`${SESSION_SELECT} WHERE s.id = ?`).get(id) as SessionRow | undefined;
    return row ? this.#summary(row) : undefined;
  }

  listSessions(filter: { projectId?: string; status?: SessionStatus; limit?: number } = {}): SessionInfo[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.projectId !== undefined) {
      where.push('s.project_id = ?');
      params.push(filter.projectId);
    }
    if (filter.status) {
      where.push('s.status = ?');
      params.push(filter.status);
    }
    const sql = `${SESSION_SELECT} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY s.last_activity_at DESC LIMIT ?`;
    return (this.#q(sql).all(...params, filter.limit ?? 200) as SessionRow[]).map((r) => this.#summary(r));
  }

  /** Running transcript sessions whose last message is older than `before` (ISO). */
  idleTranscriptSessions(before: string): string[] {
    return this.#q("SELECT id FROM sessions WHERE status = 'running' AND origin = 'transcript' AND last_activity_at < ?").pluck().all(before) as string[];
  }

  lastMessage(sessionId: string): { type: string; content: string; error: string | null } | undefined {
    return this.#q('SELECT type, content, error FROM messages WHERE session_id = ? ORDER BY timestamp DESC, seq DESC LIMIT 1').get(sessionId) as
      | { type: string; content: string; error: string | null }
      | undefined;
  }

  tokensOf(id: string): TokenTotals & { model: string | null } {
    const r = this.#q('SELECT input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, model FROM sessions WHERE id = ?').get(id) as SessionRow | undefined;
    return { input: r?.input_tokens ?? 0, output: r?.output_tokens ?? 0, cacheRead: r?.cache_read_tokens ?? 0, cacheWrite: r?.cache_write_tokens ?? 0, model: r?.model ?? null };
  }

  // Messages

  /**
   * Stores the messages that are new (by id) and updates their sessions'
   * totals. Call inside a transaction for speed; returns what was inserted,
   * with the project it now belongs to.
   */
  insertMessages(messages: readonly NewMessage[]): StoredMessage[] {
    const inserted: StoredMessage[] = [];
    const projectCache = new Map<string, string | null>();
    const positions = new Map<string, number>();
    // Session totals change once per session per batch, not once per message.
    const totals = new Map<string, { id: string; messages: number; toolCalls: number; turns: number; input: number; output: number; cacheRead: number; cacheWrite: number; peak: number; cost: number | null; last: string }>();
    const seqs = this.#insertRows(messages);
    messages.forEach((m, i) => {
      const seq = seqs[i];
      if (seq === undefined) return;
      let usage = m.usage;
      if (usage && m.usageKey) {
        // Claude Code writes one record per content block, each repeating the call's usage: count it once.
        let last = this.#lastUsageKey.get(m.sessionId);
        if (last === undefined) {
          last = (this.#q('SELECT usage_key FROM messages WHERE session_id = ? AND usage_key IS NOT NULL AND seq < ? ORDER BY seq DESC LIMIT 1').pluck().get(m.sessionId, seq) as string | undefined) ?? null;
        }
        if (last === m.usageKey) usage = undefined;
        this.#lastUsageKey.set(m.sessionId, m.usageKey);
      }
      let total = totals.get(m.sessionId);
      if (!total) {
        total = { id: m.sessionId, messages: 0, toolCalls: 0, turns: 0, input: 0, output: 0, cacheRead: 0, cacheWrite: 0, peak: 0, cost: null as number | null, last: '' };
        totals.set(m.sessionId, total);
      }
      total.messages += 1;
      if (m.type === 'tool_call') total.toolCalls += 1;
      if (m.role === 'user' && m.type === 'text' && !m.sidechain) total.turns += 1;
      if (usage) {
        total.input += usage.input_tokens ?? 0;
        total.output += usage.output_tokens ?? 0;
        total.cacheRead += usage.cache_read_input_tokens ?? 0;
        total.cacheWrite += usage.cache_creation_input_tokens ?? 0;
        total.peak = Math.max(total.peak, usageTotal(usage));
      }
      if (m.cost_usd !== undefined) total.cost = (total.cost ?? 0) + m.cost_usd;
      if (m.timestamp > total.last) total.last = m.timestamp;
      let projectId = projectCache.get(m.sessionId);
      if (projectId === undefined) {
        projectId = (this.#sessionProject.get(m.sessionId) as string | null | undefined) ?? null;
        projectCache.set(m.sessionId, projectId);
      }
      let index = positions.get(m.sessionId);
      if (index === undefined) index = this.#q('SELECT message_count FROM sessions WHERE id = ?').pluck().get(m.sessionId) as number;
      else index += 1;
      positions.set(m.sessionId, index);
      const { raw: _raw, usageKey: _key, sidechain: _sidechain, ...message } = m;
      inserted.push({ ...message, projectId, index, seq });
    });
    for (const total of totals.values()) this.#sessionAggregate.run(total);
    return inserted;
  }

  /**
   * Inserts the rows many to a statement (one call into SQLite per
   * INSERT_ROWS messages rather than per message) and returns, by position,
   * the row each new message got; a known id (or one repeated in the batch)
   * gets none. No RETURNING: it costs more than the rare look-up it spares.
   */
  #insertRows(messages: readonly NewMessage[]): (number | undefined)[] {
    const seqs: (number | undefined)[] = new Array(messages.length);
    for (let start = 0; start < messages.length; start += INSERT_ROWS) {
      const end = Math.min(messages.length, start + INSERT_ROWS);
      const params: unknown[] = [];
      for (let i = start; i < end; i++) {
        const m = messages[i]!;
        params.push(
          m.id,
          m.sessionId,
          m.timestamp,
          m.type,
          m.role,
          m.content,
          m.tool_call ? JSON.stringify(m.tool_call) : null,
          m.tool_result ? JSON.stringify(m.tool_result) : null,
          m.usage ? JSON.stringify(m.usage) : null,
          m.usage ? (m.usageKey ?? null) : null,
          m.cost_usd ?? null,
          m.error ?? null,
          m.raw,
        );
      }
      const count = end - start;
      const result = this.#insertStatement(count).run(params);
      if (result.changes === 0) continue;
      // New rows take ascending seqs, one above the last, in VALUES order (the table has no AUTOINCREMENT).
      const last = Number(result.lastInsertRowid);
      if (result.changes === count) {
        for (let i = 0; i < count; i++) seqs[start + i] = last - count + 1 + i;
        continue;
      }
      // Some were known: the new rows are the highest seqs; match them by id, the first of repeated ids winning.
      const rows = this.#q('SELECT id, seq FROM messages WHERE seq > ? AND seq <= ?').all(last - result.changes, last) as { id: string; seq: number }[];
      const byId = new Map(rows.map((r) => [r.id, r.seq]));
      for (let i = start; i < end; i++) {
        const id = messages[i]!.id;
        const seq = byId.get(id);
        if (seq !== undefined) {
          seqs[i] = seq;
          byId.delete(id);
        }
      }
    }
    return seqs;
  }

  #insertStatement(rows: number): Statement {
    // The full-size statement is kept aside: looking it up by its long SQL text costs more than running it.
    if (rows === INSERT_ROWS) return (this.#insertFull ??= this.#buildInsert(rows));
    return this.#buildInsert(rows);
  }

  #buildInsert(rows: number): Statement {
    return this.#q(
      `INSERT INTO messages (id, session_id, timestamp, type, role, content, tool_call, tool_result, usage, usage_key, cost_usd, error, raw)
       VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
       ON CONFLICT(id) DO NOTHING`,
    );
  }

  messages(sessionId: string): MessageInfo[] {
    const rows = this.#db
      .prepare(
        `SELECT m.id, m.session_id, s.project_id, s.provider, m.timestamp, m.type, m.role, m.content, m.tool_call, m.tool_result, m.usage, m.cost_usd, m.error
         FROM messages m JOIN sessions s ON s.id = m.session_id WHERE m.session_id = ? ORDER BY m.timestamp, m.seq`,
      )
      .all(sessionId) as MessageRow[];
    return rows.map((r, index) => messageInfo(r, index));
  }

  rawRecord(messageId: string): string | undefined {
    return this.#q('SELECT raw FROM messages WHERE id = ?').pluck().get(messageId) as string | undefined;
  }

  // Import cursors

  cursor(path: string): FileCursor | undefined {
    const r = this.#q('SELECT * FROM import_files WHERE path = ?').get(path) as
      | { path: string; provider: string; offset: number; size: number; inode: number; mtime_ms: number; line_count: number; malformed_count: number; unknown_count: number; session_id: string | null; skipped: number }
      | undefined;
    if (!r) return undefined;
    return {
      path: r.path,
      provider: r.provider,
      offset: r.offset,
      size: r.size,
      inode: r.inode,
      mtimeMs: r.mtime_ms,
      lineCount: r.line_count,
      malformedCount: r.malformed_count,
      unknownCount: r.unknown_count,
      sessionId: r.session_id,
      skipped: r.skipped === 1,
    };
  }

  saveCursor(c: FileCursor, now = new Date()): void {
    this.#q(
      `INSERT INTO import_files (path, provider, offset, size, inode, mtime_ms, line_count, malformed_count, unknown_count, session_id, skipped, updated_at)
       VALUES (@path, @provider, @offset, @size, @inode, @mtimeMs, @lineCount, @malformedCount, @unknownCount, @sessionId, @skipped, @updatedAt)
       ON CONFLICT(path) DO UPDATE SET offset = excluded.offset, size = excluded.size, inode = excluded.inode, mtime_ms = excluded.mtime_ms,
         line_count = excluded.line_count, malformed_count = excluded.malformed_count, unknown_count = excluded.unknown_count,
         session_id = excluded.session_id, skipped = excluded.skipped, updated_at = excluded.updated_at`,
    ).run({ ...c, skipped: c.skipped ? 1 : 0, updatedAt: now.toISOString() });
  }

  cursorPaths(provider: string): string[] {
    return this.#q('SELECT path FROM import_files WHERE provider = ?').pluck().all(provider) as string[];
  }

  forgetFile(path: string): void {
    this.#q('DELETE FROM import_files WHERE path = ?').run(path);
  }

  importTotals(): { files: number; malformed: number; unknown: number } {
    const r = this.#q('SELECT count(*) AS files, coalesce(sum(malformed_count), 0) AS malformed, coalesce(sum(unknown_count), 0) AS unknown FROM import_files').get() as {
      files: number;
      malformed: number;
      unknown: number;
    };
    return r;
  }

  /** Keeps a record this app cannot read yet, so nothing the agent wrote is lost. */
  keepUnknown(key: string, sourcePath: string, sessionId: string | null, recordType: string, raw: string): void {
    this.#q('INSERT OR IGNORE INTO unknown_records (key, source_path, session_id, record_type, raw) VALUES (?, ?, ?, ?, ?)').run(key, sourcePath, sessionId, recordType, raw);
  }

  #summary(r: SessionRow): SessionInfo {
    const tokens = { input: r.input_tokens, output: r.output_tokens, cacheRead: r.cache_read_tokens, cacheWrite: r.cache_write_tokens };
    const estimated = r.reported_cost_usd === null ? this.#estimate(r.model, tokens) : null;
    return {
      id: r.id,
      projectId: r.project_id,
      projectName: r.project_name,
      provider: r.provider,
      origin: r.origin,
      model: r.model,
      title: r.title || 'Untitled session',
      status: r.status,
      startedAt: r.started_at,
      endedAt: r.ended_at,
      lastActivityAt: r.last_activity_at || r.started_at,
      cwd: r.cwd,
      gitBranch: r.git_branch,
      messageCount: r.message_count,
      toolCallCount: r.tool_call_count,
      turnCount: r.turn_count,
      inputTokens: r.input_tokens + r.cache_read_tokens + r.cache_write_tokens,
      outputTokens: r.output_tokens,
      peakTokens: r.peak_tokens,
      costUsd: r.reported_cost_usd ?? estimated,
      costSource: r.reported_cost_usd !== null ? 'reported' : estimated !== null ? 'estimated' : 'unknown',
      errorCategory: r.error_category,
      errorMessage: r.error_message,
    };
  }
}

function messageInfo(r: MessageRow, index: number): MessageInfo {
  const m: MessageInfo = {
    id: r.id,
    sessionId: r.session_id,
    projectId: r.project_id,
    provider: r.provider,
    timestamp: r.timestamp,
    type: r.type,
    role: r.role,
    content: r.content,
    index,
  };
  if (r.tool_call) m.tool_call = JSON.parse(r.tool_call);
  if (r.tool_result) m.tool_result = JSON.parse(r.tool_result);
  if (r.usage) m.usage = JSON.parse(r.usage);
  if (r.cost_usd !== null) m.cost_usd = r.cost_usd;
  if (r.error !== null) m.error = r.error;
  return m;
}
