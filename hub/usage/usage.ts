import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { badRequest, HubError } from '../errors.ts';
import type { Caller, People } from '../people/people.ts';
import type { HubDb } from '../storage/db.ts';

const Count = Type.Integer({ minimum: 0, maximum: 1e12 });
const Label = Type.String({ minLength: 1, maxLength: 200 });

/**
 * One session's summary as a desktop sends it. Closed (no extra fields): the
 * Hub takes figures and names, and has nowhere to put message content.
 */
export const UsageSession = Type.Object(
  {
    sessionId: Type.String({ minLength: 1, maxLength: 200 }),
    agent: Label,
    project: Label,
    model: Label,
    startedAt: Type.String({ minLength: 10, maxLength: 40 }),
    durationMs: Count,
    inputTokens: Count,
    outputTokens: Count,
    cacheReadTokens: Count,
    cacheWriteTokens: Count,
    costUsd: Type.Number({ minimum: 0, maximum: 1e7 }),
    status: Type.Union([Type.Literal('completed'), Type.Literal('failed'), Type.Literal('cancelled'), Type.Literal('running')]),
  },
  { additionalProperties: false },
);
export const UsageBatch = Type.Object({ sessions: Type.Array(UsageSession, { minItems: 1, maxItems: 500 }) }, { additionalProperties: false });

const check = new Ajv({ allErrors: false, strict: false }).compile(UsageBatch);

export type UsageDimension = 'person' | 'project' | 'model' | 'day';
const COLUMN: Record<UsageDimension, string> = { person: 'u.name', project: 's.project', model: 's.model', day: 's.day' };

/** What a member reads: the totals, and whose they are (null: everyone's, for an admin). */
export interface TeamTotals {
  groups: string[] | null;
  rows: UsageRow[];
}

export interface UsageRow {
  key: string;
  sessions: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
  durationMs: number;
}

/** Team usage: per-session summaries pushed by desktops, added up by person, project, model or day. */
export class TeamUsage {
  readonly #db: HubDb;
  readonly #now: () => Date;
  readonly #people: People;

  constructor(db: HubDb, now: () => Date, people: People) {
    this.#db = db;
    this.#now = now;
    this.#people = people;
  }

  /** Stores (or updates, for a session sent again) each summary under the caller. */
  async ingest(caller: Caller, body: unknown): Promise<number> {
    if (!check(body)) {
      const e = check.errors?.[0];
      const where = e?.instancePath ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') : 'the body';
      const extra = e?.keyword === 'additionalProperties' ? ` ("${(e.params as { additionalProperty: string }).additionalProperty}" is not a usage figure; the Hub takes no message content)` : '';
      throw badRequest(`The usage report is not valid: ${where} ${e?.message ?? ''}${extra}.`);
    }
    const sessions = (body as Static<typeof UsageBatch>).sessions;
    for (const s of sessions) {
      if (Number.isNaN(Date.parse(s.startedAt))) throw badRequest(`The session "${s.sessionId}" has a start time that is not a date: "${s.startedAt}".`);
    }
    const at = this.#now().toISOString();
    await this.#db.transaction(async (tx) => {
      for (const s of sessions) {
        const started = new Date(s.startedAt).toISOString();
        await tx.run(
          `INSERT INTO usage_sessions (user_id, session_id, agent, project, model, started_at, day, duration_ms, input_tokens, output_tokens,
             cache_read_tokens, cache_write_tokens, cost_usd, status, received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT (user_id, session_id) DO UPDATE SET agent = excluded.agent, project = excluded.project, model = excluded.model,
             started_at = excluded.started_at, day = excluded.day, duration_ms = excluded.duration_ms, input_tokens = excluded.input_tokens,
             output_tokens = excluded.output_tokens, cache_read_tokens = excluded.cache_read_tokens, cache_write_tokens = excluded.cache_write_tokens,
             cost_usd = excluded.cost_usd, status = excluded.status, received_at = excluded.received_at`,
          [caller.userId, s.sessionId, s.agent, s.project, s.model, started, started.slice(0, 10), s.durationMs, s.inputTokens, s.outputTokens, s.cacheReadTokens, s.cacheWriteTokens, s.costUsd, s.status, at],
        );
      }
    });
    return sessions.length;
  }

  /**
   * The team usage a caller may read: an admin, everyone's; a member, that of
   * the people in their groups that an admin allowed `usage:read`. Anyone
   * else gets a 403 that says how to get it.
   */
  async teamTotals(caller: Caller, by: string, from: string | null, to: string | null): Promise<TeamTotals> {
    if (caller.admin) return { groups: null, rows: await this.totals(by, from, to) };
    const groups = await this.#people.groupsWith(caller.groupIds, 'usage:read');
    if (groups.length === 0) {
      throw new HubError(403, 'None of your groups may read team usage. A Hub admin can allow it for a group ("Members read the group\'s usage" under People → Groups).');
    }
    return { groups: groups.map((g) => g.name), rows: await this.totals(by, from, to, groups.map((g) => g.id)) };
  }

  /**
   * Totals by one dimension, between two days (inclusive, YYYY-MM-DD), largest
   * cost first (days in order); with `groupIds`, only of those groups' members.
   */
  async totals(by: string, from: string | null, to: string | null, groupIds?: readonly string[]): Promise<UsageRow[]> {
    if (!(by in COLUMN)) throw badRequest('Group usage "by" person, project, model or day.');
    const day = /^\d{4}-\d{2}-\d{2}$/;
    if ((from && !day.test(from)) || (to && !day.test(to))) throw badRequest('"from" and "to" are days, like 2026-12-01.');
    const column = COLUMN[by as UsageDimension];
    const members = groupIds
      ? `AND s.user_id IN (SELECT m.user_id FROM memberships m WHERE m.group_id IN (${groupIds.map(() => '?').join(', ')}))`
      : '';
    const rows = await this.#db.all<{ key: string; sessions: number; input: number; output: number; cost: number; duration: number }>(
      `SELECT ${column} AS "key", COUNT(*) AS sessions, SUM(s.input_tokens) AS "input", SUM(s.output_tokens) AS "output",
         SUM(s.cost_usd) AS cost, SUM(s.duration_ms) AS duration
       FROM usage_sessions s JOIN users u ON u.id = s.user_id
       WHERE s.day >= ? AND s.day <= ? ${members} GROUP BY ${column} ORDER BY ${by === 'day' ? `${column} ASC` : `cost DESC, ${column} ASC`}`,
      [from ?? '0000-00-00', to ?? '9999-99-99', ...(groupIds ?? [])],
    );
    return rows.map((r) => ({
      key: r.key,
      sessions: Number(r.sessions),
      inputTokens: Number(r.input),
      outputTokens: Number(r.output),
      costUsd: Math.round(Number(r.cost) * 1e6) / 1e6,
      durationMs: Number(r.duration),
    }));
  }
}
