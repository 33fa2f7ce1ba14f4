import { Type, type Static } from '@sinclair/typebox';
import { NoArgs } from './app.ts';
import { SessionSummary } from './agents.ts';

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
  model: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  errorMessage: Type.Union([Type.String(), Type.Null()]),
  totalTokens: Type.Integer(),
});

/** USD per million tokens. */
export const ModelPrice = Type.Object(
  {
    model: Type.String({ minLength: 1, maxLength: 200 }),
    inputPerMTok: Type.Number({ minimum: 0, maximum: 10_000 }),
    outputPerMTok: Type.Number({ minimum: 0, maximum: 10_000 }),
    cacheReadPerMTok: Type.Number({ minimum: 0, maximum: 10_000 }),
    cacheWritePerMTok: Type.Number({ minimum: 0, maximum: 10_000 }),
  },
  { additionalProperties: false },
);

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
  today: Type.Object({ costUsd: Type.Number(), tokens: Type.Integer(), sessions: Type.Integer() }),
  projects: Type.Array(ProjectHealth),
  tasks: Type.Object({ available: Type.Boolean(), counts: Type.Record(Type.String(), Type.Integer()), total: Type.Integer() }),
  attention: Type.Array(AttentionItem),
});

export const metricsChannels = {
  'metrics.live': { args: NoArgs, result: LiveMetrics },
  'metrics.history': {
    args: Type.Object({ projectId: Type.Optional(Type.String({ maxLength: 100 })) }, { additionalProperties: false }),
    result: Type.Object({ rows: Type.Array(SessionMetric) }),
  },
  'metrics.prices': { args: NoArgs, result: Type.Object({ prices: Type.Array(ModelPrice) }) },
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
export type LiveMetricsView = Static<typeof LiveMetrics>;
export type ProjectHealthRow = Static<typeof ProjectHealth>;
