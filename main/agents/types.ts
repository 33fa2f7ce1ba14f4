import type { AgentMessage } from '../../app/messages.ts';

/** A message as a source produced it, before the store attaches it to a project. */
export interface NewMessage extends Omit<AgentMessage, 'projectId'> {
  /** The record it came from, exactly as read. */
  raw: string;
  /** The agent's id for the API call whose usage this carries; the same usage is counted once per key. */
  usageKey?: string;
  /** Written by a subagent (Claude Code's sidechain): its prompts are not turns of the conversation. */
  sidechain?: boolean;
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
}

/** How a streamed run ended, when the agent says so itself. */
export interface RunEnd {
  status: 'success' | 'error';
  error?: string;
  costUsd?: number;
}

export interface NormalizedRecord {
  facts?: SessionFacts;
  messages: NewMessage[];
  /** Set for a record type this normalizer does not know; the record is kept raw. */
  unknownType?: string;
  end?: RunEnd;
}

export const TITLE_MAX = 120;

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
