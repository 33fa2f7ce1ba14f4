import type { AgentMessage } from '../../app/messages.ts';

/** A message as a source produced it, before the store attaches it to a project. */
export interface NewMessage extends Omit<AgentMessage, 'projectId'> {
  /** The record it came from, exactly as read. */
  raw: string;
  /**
   * The agent's id for the API call whose usage this carries (Claude's `message.id`). Claude Code
   * writes one record per content block, all with the call's id and a growing output count: a key
   * is counted once, with the largest figures any of its records gave.
   */
  usageKey?: string;
  /** The model that answered the call `usage` belongs to; each call is priced by its own model. */
  usageModel?: string;
  /** `usage` as the store counts it, cache writes split by lifetime; derived from `usage` when absent. */
  callTokens?: CallTokens;
  /** Something a person typed (a turn of the conversation), not a tool result, wrapper or subagent prompt. */
  prompt?: boolean;
}

/** Token counts of one API call, or of many added up, with cache writes split by how long they live. */
export interface CallTokens {
  input: number;
  output: number;
  cacheRead: number;
  /** Cache writes kept 5 minutes (Claude's default); priced 1.25× input. */
  cacheWrite5m: number;
  /** Cache writes kept an hour; priced 2× input. */
  cacheWrite1h: number;
}

/** What a run's agent reported as its totals for one model when it finished (Claude Code's `modelUsage`). */
export interface ReportedUsage {
  model: string;
  tokens: CallTokens;
  costUsd: number | null;
}

/** What one record tells us about its session. */
export interface SessionFacts {
  id: string;
  provider: string;
  cwd?: string;
  gitBranch?: string;
  model?: string;
  title?: string;
  /** ISO time of the record, used as the start time of a new session. */
  timestamp?: string;
  /** The agent's own id for a session the app started (Codex thread id, Claude session id). */
  externalId?: string;
  /** A subagent's session: the session whose Task call started it. */
  parentSessionId?: string;
}

/** A Task call's result names the subagent that did the work: its session opens from that call. */
export interface SubagentLink {
  sessionId: string;
  parentSessionId: string;
  toolUseId: string;
}

/** How a streamed run ended, when the agent says so itself. */
export interface RunEnd {
  status: 'success' | 'error';
  error?: string;
  costUsd?: number;
  /** The HTTP status of the API error that ended the run, as the agent reported it. */
  apiErrorStatus?: number;
  /** Tool calls the agent refused for lack of permission (Claude Code's `permission_denials`). */
  deniedTools?: { tool: string; input: unknown }[];
}

export interface NormalizedRecord {
  facts?: SessionFacts;
  messages: NewMessage[];
  /** Set for a record type this normalizer does not know; the record is kept raw. */
  unknownType?: string;
  end?: RunEnd;
  /** A run's own totals for this attempt; they replace what its streamed records added up to. */
  reportedUsage?: { attempt: number; models: ReportedUsage[] };
  subagent?: SubagentLink;
}

export const TITLE_MAX = 120;

const count = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);

/**
 * Anthropic usage (a transcript's or a stream's `message.usage`) as counted tokens. Writes whose
 * lifetime is not given (`cache_creation` is newer than the field it splits) count as 5-minute ones.
 */
export function anthropicTokens(usage: Record<string, unknown>): CallTokens {
  const write = count(usage.cache_creation_input_tokens);
  const split = typeof usage.cache_creation === 'object' && usage.cache_creation !== null ? (usage.cache_creation as Record<string, unknown>) : undefined;
  const hour = Math.min(write, count(split?.ephemeral_1h_input_tokens));
  return { input: count(usage.input_tokens), output: count(usage.output_tokens), cacheRead: count(usage.cache_read_input_tokens), cacheWrite5m: write - hour, cacheWrite1h: hour };
}

export function titleFrom(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > TITLE_MAX ? `${line.slice(0, TITLE_MAX - 1)}…` : line;
}

/** Timestamps in the store are always `toISOString()` so they sort as text. */
/** A time already written as `toISOString()` writes it, with fields no calendar can reject (days up to 28). */
const CANONICAL_ISO = /^\d{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|1\d|2[0-8])T(?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z$/;

export function isoTime(value: unknown, fallback: string): string {
  // Agents write canonical times; taking them as they are spares a Date and a new string per record.
  if (typeof value === 'string' && CANONICAL_ISO.test(value)) return value;
  if (typeof value === 'string' || typeof value === 'number') {
    const at = new Date(value);
    if (!Number.isNaN(at.getTime())) return at.toISOString();
  }
  return fallback;
}
