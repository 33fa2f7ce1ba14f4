import { AppError, fieldError } from '../../app/contract/envelope.ts';
import type { SessionInfo } from '../../app/contract/agents.ts';
import {
  METRICS_RETAINED_PER_PROJECT,
  PRICE_MODEL_EMPTY,
  PRICE_NEGATIVE,
  STALLED_AFTER_MS,
  type AppliedPriceRow,
  type LiveMetricsView,
  type MetricPeriod,
  type PriceRow,
  type ProjectHealthRow,
  type SessionMetricRow,
} from '../../app/contract/metrics.ts';
import type { Db, Migration } from '../db/database.ts';
import { preparedOnce } from '../db/statements.ts';
import type { Statement } from 'better-sqlite3';
import { priceGroups, totalCost, USAGE_GROUP_COLUMNS, type SessionStore } from '../agents/store.ts';
import type { CallTokens } from '../agents/types.ts';
import { appliedPrice, costOf } from './prices.ts';

/**
 * The rows the first version seeded into the price table (list prices of early 2025). Prices now
 * come from @pydantic/genai-prices; the table holds only what the user set.
 */
export const SEEDED_PRICES: PriceRow[] = [
  { model: 'claude-opus-4', inputPerMTok: 15, outputPerMTok: 75, cacheReadPerMTok: 1.5, cacheWritePerMTok: 18.75 },
  { model: 'claude-sonnet-4', inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  { model: 'claude-3-7-sonnet', inputPerMTok: 3, outputPerMTok: 15, cacheReadPerMTok: 0.3, cacheWritePerMTok: 3.75 },
  { model: 'claude-haiku-4', inputPerMTok: 1, outputPerMTok: 5, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25 },
  { model: 'claude-3-5-haiku', inputPerMTok: 0.8, outputPerMTok: 4, cacheReadPerMTok: 0.08, cacheWritePerMTok: 1 },
  { model: 'gpt-5', inputPerMTok: 1.25, outputPerMTok: 10, cacheReadPerMTok: 0.125, cacheWritePerMTok: 0 },
  { model: 'gpt-4.1', inputPerMTok: 2, outputPerMTok: 8, cacheReadPerMTok: 0.5, cacheWritePerMTok: 0 },
  { model: 'o4-mini', inputPerMTok: 1.1, outputPerMTok: 4.4, cacheReadPerMTok: 0.275, cacheWritePerMTok: 0 },
];

export const metricsMigrations: Migration[] = [
  {
    id: 'metrics/create-session-metrics-and-prices',
    up(db) {
      db.exec(`
        CREATE TABLE session_metrics (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          project_id TEXT,
          session_id TEXT NOT NULL UNIQUE,
          start_time TEXT NOT NULL,
          end_time TEXT NOT NULL,
          peak_tokens INTEGER NOT NULL,
          total_tokens INTEGER NOT NULL,
          turn_count INTEGER NOT NULL,
          tool_call_count INTEGER NOT NULL,
          cost_usd REAL,
          model TEXT,
          status TEXT NOT NULL,
          error_message TEXT
        );
        CREATE INDEX session_metrics_project ON session_metrics(project_id, end_time);
        CREATE TABLE model_prices (
          model TEXT PRIMARY KEY,
          input_per_mtok REAL NOT NULL,
          output_per_mtok REAL NOT NULL,
          cache_read_per_mtok REAL NOT NULL,
          cache_write_per_mtok REAL NOT NULL
        );
      `);
      const insert = db.prepare('INSERT INTO model_prices VALUES (?, ?, ?, ?, ?)');
      for (const p of SEEDED_PRICES) insert.run(p.model, p.inputPerMTok, p.outputPerMTok, p.cacheReadPerMTok, p.cacheWritePerMTok);
    },
  },
  {
    // The seeded rows were stale (`claude-opus-4` at $15/$75 also caught claude-opus-4-6) and hid the
    // maintained list; a row the user changed stays, as their override.
    id: 'metrics/prices-are-overrides',
    up(db) {
      const remove = db.prepare('DELETE FROM model_prices WHERE model = ? AND input_per_mtok = ? AND output_per_mtok = ? AND cache_read_per_mtok = ? AND cache_write_per_mtok = ?');
      for (const p of SEEDED_PRICES) remove.run(p.model, p.inputPerMTok, p.outputPerMTok, p.cacheReadPerMTok, p.cacheWritePerMTok);
    },
  },
  {
    id: 'metrics/session-cost-source',
    up(db) {
      db.exec('ALTER TABLE session_metrics ADD COLUMN cost_source TEXT');
    },
  },
];

const PERIOD_DAYS: Record<MetricPeriod, number> = { today: 1, '7d': 7, '30d': 30 };

/** Local midnight `days - 1` days before `now`: "7 days" is today and the six before it. */
export function periodStart(period: MetricPeriod, now: Date): Date {
  const start = new Date(now);
  start.setHours(0, 0, 0, 0);
  start.setDate(start.getDate() - (PERIOD_DAYS[period] - 1));
  return start;
}

interface MetricRow {
  project_id: string | null;
  session_id: string;
  start_time: string;
  end_time: string;
  peak_tokens: number;
  total_tokens: number;
  turn_count: number;
  tool_call_count: number;
  cost_usd: number | null;
  cost_source: SessionMetricRow['costSource'];
  model: string | null;
  status: string;
  error_message: string | null;
}

/** Tasks as the metrics screen summarises them: counts per column. */
export interface TaskCounter {
  list(): { status: string }[];
}

const RECENT_SESSIONS = 10;
const ATTENTION_LIMIT = 20;
const FAILED_WINDOW_MS = 24 * 3600_000;

/** A session's row; a session that ends again replaces it. */
const RECORD_SESSION_END = `
  INSERT INTO session_metrics (project_id, session_id, start_time, end_time, peak_tokens, total_tokens, turn_count, tool_call_count, cost_usd, cost_source, model, status, error_message)
  VALUES (@projectId, @sessionId, @start, @end, @peak, @total, @turns, @tools, @cost, @costSource, @model, @status, @error)
  ON CONFLICT(session_id) DO UPDATE SET project_id = excluded.project_id, end_time = excluded.end_time, peak_tokens = excluded.peak_tokens,
    total_tokens = excluded.total_tokens, turn_count = excluded.turn_count, tool_call_count = excluded.tool_call_count,
    cost_usd = excluded.cost_usd, cost_source = excluded.cost_source, model = excluded.model, status = excluded.status, error_message = excluded.error_message`;

/** Keeps a project's newest `@keep` rows. */
const PRUNE_PROJECT_HISTORY = `
  DELETE FROM session_metrics WHERE project_id IS @p AND id NOT IN (
    SELECT id FROM session_metrics WHERE project_id IS @p ORDER BY end_time DESC, id DESC LIMIT @keep)`;

/**
 * Per-session metrics (written when a session ends, newest 100 per project
 * kept), the editable price table, and the live overview.
 */
export class MetricsService {
  readonly #db: Db;
  /** Prepared once, reused: a bulk import ends thousands of sessions in a row. */
  readonly #q: (sql: string) => Statement;
  #prices: PriceRow[] | undefined;
  /** Applied prices by model name, until the overrides change. */
  readonly #applied = new Map<string, AppliedPriceRow | null>();

  constructor(db: Db) {
    this.#db = db;
    this.#q = preparedOnce(db);
  }

  prices(): PriceRow[] {
    this.#prices ??= (
      this.#db.prepare('SELECT * FROM model_prices ORDER BY model').all() as { model: string; input_per_mtok: number; output_per_mtok: number; cache_read_per_mtok: number; cache_write_per_mtok: number }[]
    ).map((r) => ({ model: r.model, inputPerMTok: r.input_per_mtok, outputPerMTok: r.output_per_mtok, cacheReadPerMTok: r.cache_read_per_mtok, cacheWritePerMTok: r.cache_write_per_mtok }));
    return this.#prices;
  }

  setPrice(price: PriceRow): PriceRow[] {
    const model = price.model.trim();
    if (!model) throw fieldError('model', PRICE_MODEL_EMPTY);
    const fields = ['inputPerMTok', 'outputPerMTok', 'cacheReadPerMTok', 'cacheWritePerMTok'] as const;
    const negative = fields.find((field) => !Number.isFinite(price[field]) || price[field] < 0);
    if (negative) throw fieldError(negative, PRICE_NEGATIVE);
    const values = fields.map((field) => price[field]);
    this.#db
      .prepare(
        `INSERT INTO model_prices VALUES (?, ?, ?, ?, ?) ON CONFLICT(model) DO UPDATE SET input_per_mtok = excluded.input_per_mtok,
           output_per_mtok = excluded.output_per_mtok, cache_read_per_mtok = excluded.cache_read_per_mtok, cache_write_per_mtok = excluded.cache_write_per_mtok`,
      )
      .run(model, ...values);
    this.#prices = undefined;
    this.#applied.clear();
    return this.prices();
  }

  deletePrice(model: string): PriceRow[] {
    if (this.#db.prepare('DELETE FROM model_prices WHERE model = ?').run(model).changes === 0) {
      throw new AppError('not_found', `There is no price for "${model}".`);
    }
    this.#prices = undefined;
    this.#applied.clear();
    return this.prices();
  }

  /** The price that applies to a model: the user's override, else the maintained list; null when neither knows it. */
  priceFor(model: string | null): AppliedPriceRow | null {
    if (!model) return null;
    let applied = this.#applied.get(model);
    if (applied === undefined) {
      applied = appliedPrice(model, this.prices());
      this.#applied.set(model, applied);
    }
    return applied;
  }

  estimate(model: string | null, tokens: CallTokens): number | null {
    const price = this.priceFor(model);
    return price ? costOf(price, tokens) : null;
  }

  /** The overrides, the price applied to each model the sessions used, and the models nothing prices. */
  priceTable(): { prices: PriceRow[]; applied: AppliedPriceRow[]; unpriced: string[] } {
    const models = this.#db.prepare('SELECT DISTINCT model FROM usage_calls WHERE model IS NOT NULL ORDER BY model').pluck().all() as string[];
    const applied: AppliedPriceRow[] = [];
    const unpriced: string[] = [];
    for (const model of models) {
      const price = this.priceFor(model);
      if (price) applied.push(price);
      else unpriced.push(model);
    }
    return { prices: this.prices(), applied, unpriced };
  }

  /** Writes the session's row and prunes the project's history to the newest 100. */
  recordSessionEnd(session: SessionInfo): void {
    this.#db.transaction(() => {
      this.#q(RECORD_SESSION_END).run({
        projectId: session.projectId,
        sessionId: session.id,
        start: session.startedAt,
        end: session.endedAt ?? session.lastActivityAt,
        peak: session.peakTokens,
        total: session.inputTokens + session.outputTokens,
        turns: session.turnCount,
        tools: session.toolCallCount,
        cost: session.costUsd,
        costSource: session.costSource,
        model: session.model,
        status: session.status,
        error: session.errorMessage,
      });
      this.#q(PRUNE_PROJECT_HISTORY).run({ p: session.projectId, keep: METRICS_RETAINED_PER_PROJECT });
    })();
  }

  /**
   * Each session's row follows its session to the project it belongs to now (projects found,
   * merged, added or removed), and every project keeps its newest 100.
   */
  followProjects(): void {
    this.#db.transaction(() => {
      this.#q(
        `UPDATE session_metrics SET project_id = (SELECT s.project_id FROM sessions s WHERE s.id = session_metrics.session_id)
         WHERE EXISTS (SELECT 1 FROM sessions s WHERE s.id = session_metrics.session_id AND s.project_id IS NOT session_metrics.project_id)`,
      ).run();
      this.#q(
        `DELETE FROM session_metrics WHERE id IN (
           SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY project_id ORDER BY end_time DESC, id DESC) AS n FROM session_metrics) WHERE n > ?)`,
      ).run(METRICS_RETAINED_PER_PROJECT);
    })();
  }

  /** Oldest first, for sparklines; one project, or sessions outside any project when none is given. */
  history(projectId: string | null): SessionMetricRow[] {
    const rows = this.#db.prepare('SELECT * FROM session_metrics WHERE project_id IS ? ORDER BY end_time, id').all(projectId) as MetricRow[];
    return rows.map((r) => ({
      projectId: r.project_id,
      sessionId: r.session_id,
      startTime: r.start_time,
      endTime: r.end_time,
      peakTokens: r.peak_tokens,
      totalTokens: r.total_tokens,
      turnCount: r.turn_count,
      toolCallCount: r.tool_call_count,
      costUsd: r.cost_usd,
      costSource: r.cost_source,
      model: r.model,
      status: r.status,
      errorMessage: r.error_message,
    }));
  }

  /** Usage of the API calls made since `since`, per model, and the sessions active in that time. */
  usageSince(since: Date): Omit<LiveMetricsView['period'], 'name'> {
    const from = since.toISOString();
    // A call in the period belongs to a session active since then: its calls are found by their key.
    const groups = this.#db
      .prepare(
        `SELECT NULL AS session_id, ${USAGE_GROUP_COLUMNS} FROM usage_calls
         WHERE session_id IN (SELECT id FROM sessions WHERE last_activity_at >= @from) AND timestamp >= @from GROUP BY model, cost_usd IS NULL`,
      )
      .all({ from }) as Parameters<typeof priceGroups>[0];
    const models = priceGroups(groups, (model, tokens) => this.estimate(model, tokens));
    const cost = totalCost(models);
    const tokens = models.reduce((sum, m) => sum + m.inputTokens + m.outputTokens + m.cacheReadTokens + m.cacheWrite5mTokens + m.cacheWrite1hTokens, 0);
    // A subagent's session is part of its parent's.
    const sessions = this.#db.prepare('SELECT count(*) FROM sessions WHERE last_activity_at >= ? AND parent_session_id IS NULL').pluck().get(from) as number;
    return { since: from, costUsd: cost.costUsd ?? 0, costSource: cost.costSource, tokens, sessions, models };
  }

  live(store: SessionStore, tasks: TaskCounter | undefined, now = new Date(), period: MetricPeriod = 'today'): LiveMetricsView {
    const active = store.listSessions({ status: 'running', limit: 100 });
    // Hidden projects leave the overview as they leave the session list.
    const projects: ProjectHealthRow[] = store.listProjects().filter((p) => !p.hidden).map((p) => {
      const recent = store.listSessions({ projectId: p.id, limit: RECENT_SESSIONS });
      const finished = recent.filter((s) => s.status !== 'running').sort((x, y) => (y.endedAt ?? '').localeCompare(x.endedAt ?? ''));
      const failures = finished.filter((s) => s.status === 'error').length;
      const last = finished[0] ?? recent[0];
      const health: ProjectHealthRow['health'] =
        recent.length === 0 ? 'idle' : last?.status === 'error' && failures * 2 >= finished.length ? 'failing' : failures > 0 ? 'warning' : 'good';
      return {
        projectId: p.id,
        name: p.name,
        running: p.liveCount,
        recentSessions: recent.length,
        recentFailures: failures,
        lastStatus: last?.status ?? null,
        lastActivityAt: last?.lastActivityAt ?? null,
        health,
      };
    });
    const counts: Record<string, number> = {};
    const taskList = tasks?.list() ?? [];
    for (const t of taskList) counts[t.status] = (counts[t.status] ?? 0) + 1;
    const stalledBefore = now.getTime() - STALLED_AFTER_MS;
    const failedSince = new Date(now.getTime() - FAILED_WINDOW_MS).toISOString();
    const attention = [
      ...active.filter((s) => new Date(s.lastActivityAt).getTime() < stalledBefore).map((session) => ({ reason: 'stalled' as const, session })),
      ...store
        .listSessions({ status: 'error', limit: ATTENTION_LIMIT })
        .filter((s) => (s.endedAt ?? s.lastActivityAt) >= failedSince)
        .map((session) => ({ reason: 'failed' as const, session })),
    ].slice(0, ATTENTION_LIMIT);
    return {
      active,
      period: { name: period, ...this.usageSince(periodStart(period, now)) },
      projects,
      tasks: { available: tasks !== undefined, counts, total: taskList.length },
      attention,
    };
  }
}
