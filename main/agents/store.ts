import type { CostSource, MessageInfo, ModelUsageInfo, SessionInfo, SessionStatus } from '../../app/contract/agents.ts';
import type { AgentMessage, TokenUsage } from '../../app/messages.ts';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import { preparedOnce } from '../db/statements.ts';
import { ProjectStore } from './project-store.ts';
import type { CallTokens, NewMessage, ReportedUsage, SessionFacts, SubagentLink } from './types.ts';

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
  user_title: string | null;
  hidden: number;
  project_hidden: number | null;
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
  denied_tool_count: number;
  parent_session_id: string | null;
  parent_tool_use_id: string | null;
  subagent_count: number;
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

/** Estimates a cost from the price table; null when the model has no price. */
export type CostEstimator = (model: string | null, tokens: CallTokens) => number | null;

interface UsageGroupRow {
  session_id: string;
  model: string | null;
  calls: number;
  input: number;
  output: number;
  cache_read: number;
  write_5m: number;
  write_1h: number;
  reported: number | null;
  reported_calls: number;
}

function tokensFrom(usage: TokenUsage): CallTokens {
  return { input: usage.input_tokens ?? 0, output: usage.output_tokens ?? 0, cacheRead: usage.cache_read_input_tokens ?? 0, cacheWrite5m: usage.cache_creation_input_tokens ?? 0, cacheWrite1h: 0 };
}

/**
 * Usage added up per model, priced: what the agent reported where it did, else an estimate from
 * the price table. Rows come from `usageGroups` (one group per model and per reported-or-not).
 */
export function priceGroups(rows: readonly UsageGroupRow[], estimate: CostEstimator): ModelUsageInfo[] {
  const byModel = new Map<string, ModelUsageInfo>();
  for (const r of rows) {
    const key = r.model ?? '';
    let m = byModel.get(key);
    if (!m) {
      m = { model: r.model, calls: 0, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, costUsd: null, costSource: 'unknown' };
      byModel.set(key, m);
    }
    m.calls += r.calls;
    m.inputTokens += r.input;
    m.outputTokens += r.output;
    m.cacheReadTokens += r.cache_read;
    m.cacheWrite5mTokens += r.write_5m;
    m.cacheWrite1hTokens += r.write_1h;
    const cost = r.reported_calls > 0 ? r.reported : estimate(r.model, { input: r.input, output: r.output, cacheRead: r.cache_read, cacheWrite5m: r.write_5m, cacheWrite1h: r.write_1h });
    if (cost === null) continue;
    m.costUsd = (m.costUsd ?? 0) + cost;
    const source: CostSource = r.reported_calls > 0 ? 'reported' : 'estimated';
    m.costSource = m.costSource === 'unknown' || m.costSource === source ? source : 'estimated';
  }
  return [...byModel.values()].sort((a, b) => (b.costUsd ?? 0) - (a.costUsd ?? 0) || b.outputTokens - a.outputTokens);
}

/** The cost of several models together: estimated as soon as one part is, unknown when no part has a price. */
export function totalCost(models: readonly ModelUsageInfo[]): { costUsd: number | null; costSource: CostSource } {
  const priced = models.filter((m) => m.costUsd !== null);
  if (!priced.length) return { costUsd: null, costSource: 'unknown' };
  const costUsd = priced.reduce((sum, m) => sum + m.costUsd!, 0);
  const unpriced = models.some((m) => m.costUsd === null && m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWrite5mTokens + m.cacheWrite1hTokens > 0);
  return { costUsd, costSource: unpriced || priced.some((m) => m.costSource !== 'reported') ? 'estimated' : 'reported' };
}

export const USAGE_GROUP_COLUMNS = `model, count(*) AS calls, sum(input_tokens) AS input, sum(output_tokens) AS output, sum(cache_read_tokens) AS cache_read,
  sum(cache_write_5m_tokens) AS write_5m, sum(cache_write_1h_tokens) AS write_1h, sum(cost_usd) AS reported, count(cost_usd) AS reported_calls`;

export interface SessionCompletion {
  status: Exclude<SessionStatus, 'running'>;
  endedAt: string;
  errorCategory?: SessionInfo['errorCategory'];
  errorMessage?: string | null;
  /** Tool calls the agent refused for lack of permission. */
  deniedToolCount?: number;
}

/** Messages per INSERT statement: 13 columns each stays under SQLite's 32,766 bound parameters. */
const INSERT_ROWS = 100;

export const SESSION_SELECT = `
  SELECT s.*, p.name AS project_name, p.hidden AS project_hidden, l.tool_use_id AS parent_tool_use_id,
    (SELECT count(*) FROM sessions c WHERE c.parent_session_id = s.id) AS subagent_count
  FROM sessions s LEFT JOIN projects p ON p.id = s.project_id LEFT JOIN subagent_links l ON l.session_id = s.id`;

/** Sessions the default list leaves out: hidden ones, and those of hidden projects. */
const VISIBLE = 's.hidden = 0 AND coalesce(p.hidden, 0) = 0';

/**
 * A session's token totals from its API calls and its subagents' (peak: its own largest context).
 * Child sessions are found by the `sessions_parent` index.
 */
const RECOUNT_TOKENS = `
  UPDATE sessions SET (input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, peak_tokens) = (
    SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(cache_read_tokens), 0),
      coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens), 0),
      coalesce(max(CASE WHEN session_id = @id THEN input_tokens + output_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens END), 0)
    FROM usage_calls WHERE session_id = @id OR session_id IN (SELECT id FROM sessions WHERE parent_session_id = @id))
  WHERE id = @id`;

/** The larger of each figure: a call's later records only grow. */
function largest(a: CallTokens, b: CallTokens): CallTokens {
  return {
    input: Math.max(a.input, b.input),
    output: Math.max(a.output, b.output),
    cacheRead: Math.max(a.cacheRead, b.cacheRead),
    cacheWrite5m: Math.max(a.cacheWrite5m, b.cacheWrite5m),
    cacheWrite1h: Math.max(a.cacheWrite1h, b.cacheWrite1h),
  };
}

/**
 * Sessions (on top of their projects, ProjectStore), their messages (each
 * with its raw record) and the import cursors of transcript files. Every write that belongs together is
 * one transaction; re-inserting a message with a known id changes nothing.
 */
export class SessionStore extends ProjectStore {
  readonly #db: Db;
  readonly #estimate: CostEstimator;
  readonly #sessionAggregate;
  readonly #sessionProject;

  /** Prepared once, reused: preparing is far dearer than running. */
  readonly #q: (sql: string) => Statement;
  #insertFull: Statement | undefined;
  #upsertFull: Statement | undefined;

  constructor(db: Db, estimate: CostEstimator = () => null) {
    super(db);
    this.#db = db;
    this.#estimate = estimate;
    this.#q = preparedOnce(db);
    this.#sessionAggregate = db.prepare(`
      UPDATE sessions SET
        message_count = message_count + @messages,
        tool_call_count = tool_call_count + @toolCalls,
        turn_count = turn_count + @turns,
        reported_cost_usd = CASE WHEN @cost IS NULL THEN reported_cost_usd ELSE coalesce(reported_cost_usd, 0) + @cost END,
        last_activity_at = max(last_activity_at, @last)
      WHERE id = @id`);
    this.#sessionProject = db.prepare('SELECT project_id FROM sessions WHERE id = ?').pluck();
  }

  get db(): Db {
    return this.#db;
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
        `INSERT INTO sessions (id, project_id, provider, origin, model, title, status, started_at, last_activity_at, cwd, git_branch, external_id, parent_session_id)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        facts.id,
        this.projectFor(facts.cwd),
        facts.provider,
        origin,
        facts.model ?? null,
        facts.title ?? '',
        status,
        at,
        lastActivity,
        facts.cwd ?? null,
        facts.gitBranch || null,
        facts.externalId ?? null,
        facts.parentSessionId ?? null,
      );
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

  /** The Task call that started a subagent; its result may be read before the subagent's own file. */
  linkSubagent(link: SubagentLink): void {
    this.#q('INSERT OR REPLACE INTO subagent_links (session_id, parent_session_id, tool_use_id) VALUES (?, ?, ?)').run(link.sessionId, link.parentSessionId, link.toolUseId);
  }

  /** The sessions of the subagents a session started, in the order they started. */
  subagents(parentId: string): SessionInfo[] {
    return this.#summaries(this.#q(`${SESSION_SELECT} WHERE s.parent_session_id = ? ORDER BY s.started_at, s.id`).all(parentId) as SessionRow[]);
  }

  /** The model that answered last. */
  setModel(id: string, model: string): void {
    this.#q('UPDATE sessions SET model = ? WHERE id = ?').run(model, id);
  }

  /** The user's own title, kept apart from the transcript's; null goes back to the transcript's. */
  renameSession(id: string, title: string | null): boolean {
    return this.#q('UPDATE sessions SET user_title = ? WHERE id = ?').run(title, id).changes > 0;
  }

  setSessionHidden(id: string, hidden: boolean): boolean {
    return this.#q('UPDATE sessions SET hidden = ? WHERE id = ?').run(hidden ? 1 : 0, id).changes > 0;
  }

  /** A summary (from a transcript) is a better title than the first prompt. */
  setTitle(id: string, title: string): void {
    this.#q('UPDATE sessions SET title = ? WHERE id = ?').run(title, id);
  }

  setStatus(id: string, status: SessionStatus): void {
    this.#q('UPDATE sessions SET status = ?, ended_at = CASE WHEN ? = \'running\' THEN NULL ELSE ended_at END WHERE id = ?').run(status, status, id);
  }

  complete(id: string, done: SessionCompletion): void {
    this.#q('UPDATE sessions SET status = ?, ended_at = ?, error_category = ?, error_message = ?, denied_tool_count = max(denied_tool_count, ?) WHERE id = ?').run(done.status, done.endedAt, done.errorCategory ?? null, done.errorMessage ?? null, done.deniedToolCount ?? 0, id);
  }

  getSession(id: string): SessionInfo | undefined {
    const row = this.#q(`${SESSION_SELECT} WHERE s.id = ?`).get(id) as SessionRow | undefined;
    return row ? this.#summaries([row])[0] : undefined;
  }

  /** Top-level sessions, newest activity first (subagents are listed with their parent); hidden sessions, and the sessions of hidden projects, only with `includeHidden`. */
  listSessions(filter: { projectId?: string; status?: SessionStatus; limit?: number; includeHidden?: boolean } = {}): SessionInfo[] {
    const where: string[] = filter.includeHidden ? ['s.parent_session_id IS NULL'] : ['s.parent_session_id IS NULL', VISIBLE];
    const params: unknown[] = [];
    if (filter.projectId !== undefined) {
      where.push('s.project_id = ?');
      params.push(filter.projectId);
    }
    if (filter.status) {
      where.push('s.status = ?');
      params.push(filter.status);
    }
    const sql = `${SESSION_SELECT} WHERE ${where.join(' AND ')} ORDER BY s.last_activity_at DESC LIMIT ?`;
    return this.#summaries(this.#q(sql).all(...params, filter.limit ?? 200) as SessionRow[]);
  }

  /** Running transcript sessions whose last message is older than `before` (ISO). */
  idleTranscriptSessions(before: string): { id: string; lastActivityAt: string }[] {
    return this.#q("SELECT id, last_activity_at AS lastActivityAt FROM sessions WHERE status = 'running' AND origin = 'transcript' AND last_activity_at < ?").all(before) as {
      id: string;
      lastActivityAt: string;
    }[];
  }

  lastMessage(sessionId: string): { type: string; content: string; error: string | null } | undefined {
    return this.#q('SELECT type, content, error FROM messages WHERE session_id = ? ORDER BY timestamp DESC, seq DESC LIMIT 1').get(sessionId) as
      | { type: string; content: string; error: string | null }
      | undefined;
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
    const totals = new Map<string, { id: string; messages: number; toolCalls: number; turns: number; cost: number | null; last: string }>();
    const calls = new Map<string, { session: string; key: string; model: string | null; timestamp: string; tokens: CallTokens }>();
    const seqs = this.#insertRows(messages);
    messages.forEach((m, i) => {
      const seq = seqs[i];
      if (seq === undefined) return;
      let total = totals.get(m.sessionId);
      if (!total) {
        total = { id: m.sessionId, messages: 0, toolCalls: 0, turns: 0, cost: null as number | null, last: '' };
        totals.set(m.sessionId, total);
      }
      total.messages += 1;
      if (m.type === 'tool_call') total.toolCalls += 1;
      if (m.prompt) total.turns += 1;
      if (m.usage) {
        const key = m.usageKey ?? m.id;
        const tokens = m.callTokens ?? tokensFrom(m.usage);
        const id = `${m.sessionId}\u0000${key}`;
        const call = calls.get(id);
        if (call) call.tokens = largest(call.tokens, tokens);
        else calls.set(id, { session: m.sessionId, key, model: m.usageModel ?? null, timestamp: m.timestamp, tokens });
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
      const { raw: _raw, usageKey: _key, usageModel: _model, callTokens: _tokens, prompt: _prompt, ...message } = m;
      inserted.push({ ...message, projectId, index, seq });
    });
    for (const total of totals.values()) this.#sessionAggregate.run(total);
    if (calls.size) this.#upsertCalls([...calls.values()]);
    return inserted;
  }

  /**
   * Counts API calls, INSERT_ROWS to a statement: a call already counted keeps the larger of each
   * figure. A call without a model of its own (Codex's token counts) is the session's model's.
   */
  #upsertCalls(calls: readonly { session: string; key: string; model: string | null; timestamp: string; tokens: CallTokens }[]): void {
    const sessionModels = new Map<string, string | null>();
    const modelOf = (session: string) => {
      let model = sessionModels.get(session);
      if (model === undefined) {
        model = (this.#q('SELECT model FROM sessions WHERE id = ?').pluck().get(session) as string | null | undefined) ?? null;
        sessionModels.set(session, model);
      }
      return model;
    };
    for (let start = 0; start < calls.length; start += INSERT_ROWS) {
      const chunk = calls.slice(start, start + INSERT_ROWS);
      const params: unknown[] = [];
      for (const c of chunk) {
        const t = c.tokens;
        params.push(c.session, c.key, c.model ?? modelOf(c.session), c.timestamp, t.input, t.output, t.cacheRead, t.cacheWrite5m, t.cacheWrite1h);
      }
      this.#upsertStatement(chunk.length).run(params);
    }
    for (const id of new Set(calls.map((c) => c.session))) this.#recountTokens(id);
  }

  #upsertStatement(rows: number): Statement {
    const build = () =>
      this.#q(
        `INSERT INTO usage_calls (session_id, key, model, timestamp, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
         VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
         ON CONFLICT(session_id, key) DO UPDATE SET input_tokens = max(input_tokens, excluded.input_tokens), output_tokens = max(output_tokens, excluded.output_tokens),
           cache_read_tokens = max(cache_read_tokens, excluded.cache_read_tokens), cache_write_5m_tokens = max(cache_write_5m_tokens, excluded.cache_write_5m_tokens),
           cache_write_1h_tokens = max(cache_write_1h_tokens, excluded.cache_write_1h_tokens), model = coalesce(model, excluded.model)`,
      );
    if (rows === INSERT_ROWS) return (this.#upsertFull ??= build());
    return build();
  }

  /**
   * A run's attempt ended with the agent's own totals per model: they replace what the attempt's
   * streamed records added up to (those carry each call's usage as it began).
   */
  replaceRunUsage(sessionId: string, attempt: number, models: readonly ReportedUsage[], timestamp: string): void {
    const scope = `${attempt}:`;
    this.#q('DELETE FROM usage_calls WHERE session_id = ? AND substr(key, 1, ?) = ?').run(sessionId, scope.length, scope);
    const insert = this.#q(
      `INSERT OR REPLACE INTO usage_calls (session_id, key, model, timestamp, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cost_usd)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    for (const m of models) {
      const t = m.tokens;
      insert.run(sessionId, `${scope}result:${m.model}`, m.model, timestamp, t.input, t.output, t.cacheRead, t.cacheWrite5m, t.cacheWrite1h, m.costUsd);
    }
    this.#recountTokens(sessionId);
  }

  /** A session's tokens are its own calls' and its subagents'; a subagent's change is its parent's too. */
  #recountTokens(sessionId: string): void {
    this.#q(RECOUNT_TOKENS).run({ id: sessionId });
    const parent = this.#q('SELECT parent_session_id FROM sessions WHERE id = ?').pluck().get(sessionId) as string | null | undefined;
    if (parent) this.#q(RECOUNT_TOKENS).run({ id: parent });
  }

  /** Each session's usage per model, priced, and whether a run's result reported any of it per model. */
  #usageBySession(sessionIds: readonly string[]): Map<string, { models: ModelUsageInfo[]; perModel: boolean }> {
    const out = new Map<string, { models: ModelUsageInfo[]; perModel: boolean }>();
    if (!sessionIds.length) return out;
    const rows: UsageGroupRow[] = [];
    for (let start = 0; start < sessionIds.length; start += 500) {
      const ids = sessionIds.slice(start, start + 500);
      rows.push(
        ...(this.#q(`SELECT session_id, ${USAGE_GROUP_COLUMNS} FROM usage_calls WHERE session_id IN (${ids.map(() => '?').join(', ')}) GROUP BY session_id, model, cost_usd IS NULL`).all(
          ...ids,
        ) as UsageGroupRow[]),
        // A session's subagents' usage is part of its own.
        ...(this.#q(
          `SELECT parent AS session_id, ${USAGE_GROUP_COLUMNS} FROM (
             SELECT c.parent_session_id AS parent, u.* FROM sessions c JOIN usage_calls u ON u.session_id = c.id WHERE c.parent_session_id IN (${ids.map(() => '?').join(', ')}))
           GROUP BY parent, model, cost_usd IS NULL`,
        ).all(...ids) as UsageGroupRow[]),
      );
    }
    const bySession = new Map<string, UsageGroupRow[]>();
    for (const r of rows) {
      const list = bySession.get(r.session_id) ?? [];
      list.push(r);
      bySession.set(r.session_id, list);
    }
    for (const [id, list] of bySession) out.set(id, { models: priceGroups(list, this.#estimate), perModel: list.some((r) => r.reported_calls > 0) });
    return out;
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

  /** Transcript files read, and the lines they and the runs' streams held that were malformed or of an unknown type. */
  importTotals(): { files: number; malformed: number; unknown: number } {
    const r = this.#q(
      `SELECT count(*) AS files, coalesce(sum(malformed_count), 0) AS malformed,
         coalesce(sum(unknown_count), 0) + (SELECT count(*) FROM unknown_records WHERE source_path LIKE 'run:%') AS unknown FROM import_files`,
    ).get() as {
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

  #summaries(rows: SessionRow[]): SessionInfo[] {
    const usage = this.#usageBySession(rows.map((r) => r.id));
    return rows.map((r) => this.#summary(r, usage.get(r.id) ?? { models: [], perModel: false }));
  }

  #summary(r: SessionRow, { models, perModel }: { models: ModelUsageInfo[]; perModel: boolean }): SessionInfo {
    // Each model's part added up: reported where a run's result gave it, else estimated (an attempt
    // stopped before its result). A run stored before results were kept per model has its total only.
    const cost = r.reported_cost_usd !== null && !perModel ? { costUsd: r.reported_cost_usd, costSource: 'reported' as const } : totalCost(models);
    return {
      id: r.id,
      projectId: r.project_id,
      projectName: r.project_name,
      provider: r.provider,
      origin: r.origin,
      model: r.model,
      title: r.user_title || r.title || 'Untitled session',
      renamed: r.user_title !== null,
      hidden: r.hidden === 1 || r.project_hidden === 1,
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
      cacheReadTokens: r.cache_read_tokens,
      cacheWriteTokens: r.cache_write_tokens,
      costUsd: cost.costUsd,
      costSource: cost.costSource,
      models,
      errorCategory: r.error_category,
      errorMessage: r.error_message,
      deniedToolCount: r.denied_tool_count,
      parentSessionId: r.parent_session_id,
      parentToolUseId: r.parent_tool_use_id,
      subagentCount: r.subagent_count,
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
