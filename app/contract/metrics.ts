import { Type, type Static } from '@sinclair/typebox';
import { NoArgs } from './app.ts';
import { COST_SOURCES, ModelUsage, SessionSummary } from './agents.ts';

export const METRICS_RETAINED_PER_PROJECT = 100;
/** A running session with no message for this long is "stalled" in the attention queue. */
export const STALLED_AFTER_MS = 10 * 60_000;

export const SessionMetric = Type.Object({
  projectId: Type.Union([Type.String(), Type.Null()]),
  sessionId: Type.String(),
  startTime: Type.String(),
  endTime: Type.String(),
  peakTokens: Type.Integer(),
  turnCount: Type.Integer(),
  toolCallCount: Type.Integer(),
  costUsd: Type.Union([Type.Number(), Type.Null()]),
  /** Null for rows written before the source was kept. */
  costSource: Type.Union([Type.Union(COST_SOURCES.map((c) => Type.Literal(c))), Type.Null()]),
  model: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  totalTokens: Type.Integer(),
});

export const PRICE_MODEL_EMPTY = 'Give the model a name';
export const PRICE_NEGATIVE = 'A price cannot be negative';
export const PRICE_MODEL_MAX = 200;

const Price = Type.Number({
  minimum: 0,
  maximum: 10_000,
  words: { unit: 'US dollars per million tokens', empty: 'Enter a price in US dollars per million tokens', below: PRICE_NEGATIVE },
});

/** USD per million tokens: the user's own price for the models whose name starts with `model`. */
export const ModelPrice = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: PRICE_MODEL_MAX, words: { empty: PRICE_MODEL_EMPTY } }),
    inputPerMTok: Price,
    outputPerMTok: Price,
    cacheReadPerMTok: Price,
    cacheWritePerMTok: Price,
  },
  { additionalProperties: false },
);

/** The price that applies to a model the sessions used, and where it came from. */
export const AppliedPrice = Type.Object({
  model: Type.String(),
  /** `override`: the user's row; `genai-prices`: the maintained list shipped with the app. */
  source: Type.Union([Type.Literal('override'), Type.Literal('genai-prices')]),
  /** The override row's name, or the list's provider/model id. */
  matched: Type.String(),
  inputPerMTok: Type.Number(),
  outputPerMTok: Type.Number(),
  cacheReadPerMTok: Type.Number(),
  cacheWrite5mPerMTok: Type.Number(),
  cacheWrite1hPerMTok: Type.Number(),
});

export const METRIC_PERIODS = ['today', '7d', '30d'] as const;
export type MetricPeriod = (typeof METRIC_PERIODS)[number];
export const METRIC_PERIOD_LABELS: Record<MetricPeriod, string> = { today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days' };

export const ProjectHealth = Type.Object({
  projectId: Type.String(),
  name: Type.String(),
  running: Type.Integer(),
  recentSessions: Type.Integer(),
  recentFailures: Type.Integer(),
  lastStatus: Type.Union([Type.String(), Type.Null()]),
  lastActivityAt: Type.Union([Type.String(), Type.Null()]),
  health: Type.Union([Type.Literal('good'), Type.Literal('warning'), Type.Literal('failing'), Type.Literal('idle')]),
});

export const AttentionItem = Type.Object({
  reason: Type.Union([Type.Literal('failed'), Type.Literal('stalled')]),
  session: SessionSummary,
});

export const LiveMetrics = Type.Object({
  active: Type.Array(SessionSummary),
  /** Usage of the API calls made in the period (from local midnight, 6 or 29 days before for the longer ones). */
  period: Type.Object({
    name: Type.Union(METRIC_PERIODS.map((p) => Type.Literal(p))),
    since: Type.String(),
    costUsd: Type.Number(),
    costSource: Type.Union(COST_SOURCES.map((c) => Type.Literal(c))),
    tokens: Type.Integer(),
    sessions: Type.Integer(),
    models: Type.Array(ModelUsage),
  }),
  projects: Type.Array(ProjectHealth),
  tasks: Type.Object({ available: Type.Boolean(), counts: Type.Record(Type.String(), Type.Integer()), total: Type.Integer() }),
  attention: Type.Array(AttentionItem),
});

export const metricsChannels = {
  'metrics.live': {
    args: Type.Object({ period: Type.Optional(Type.Union(METRIC_PERIODS.map((p) => Type.Literal(p)))) }, { additionalProperties: false }),
    result: LiveMetrics,
  },
  'metrics.history': {
    args: Type.Object({ projectId: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
    result: Type.Object({ rows: Type.Array(SessionMetric) }),
  },
  /** The user's overrides, and the price applied to each model the sessions used. */
  'metrics.prices': { args: NoArgs, result: Type.Object({ prices: Type.Array(ModelPrice), applied: Type.Array(AppliedPrice), unpriced: Type.Array(Type.String()) }) },
  'metrics.setPrice': { args: ModelPrice, result: Type.Object({ prices: Type.Array(ModelPrice) }) },
  'metrics.deletePrice': {
    args: Type.Object({ model: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
    result: Type.Object({ prices: Type.Array(ModelPrice) }),
  },
} as const;

export const metricsEvents = {
  'metrics.changed': Type.Object({ sessionId: Type.String() }),
} as const;

export type SessionMetricRow = Static<typeof SessionMetric>;
export type PriceRow = Static<typeof ModelPrice>;
export type AppliedPriceRow = Static<typeof AppliedPrice>;
export type LiveMetricsView = Static<typeof LiveMetrics>;
export type ProjectHealthRow = Static<typeof ProjectHealth>;
