import type { MessageInfo, SessionInfo } from '../../../../app/contract/agents.ts';

export function formatCost(usd: number | null, source?: SessionInfo['costSource']): string {
  if (usd === null) return '—';
  const text = usd < 0.01 && usd > 0 ? `$${usd.toFixed(4)}` : `$${usd.toFixed(2)}`;
  return source === 'estimated' ? `${text} est.` : text;
}

/** What a cost figure is, for its label's title. */
export const COST_SOURCE_HINT: Record<SessionInfo['costSource'], string> = {
  reported: 'As reported by the agent',
  estimated: 'Estimated from token counts and model prices (Metrics → Prices)',
  unknown: 'No price is known for this model',
};

export function formatTokens(n: number): string {
  if (n >= 1_000_000) return `${(n / 1_000_000).toFixed(1)}M`;
  if (n >= 1_000) return `${(n / 1_000).toFixed(1)}k`;
  return String(n);
}

export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

export function sessionDuration(s: Pick<SessionInfo, 'startedAt' | 'endedAt' | 'lastActivityAt' | 'status'>, now = Date.now()): number {
  const end = s.endedAt ? Date.parse(s.endedAt) : s.status === 'running' ? now : Date.parse(s.lastActivityAt);
  return end - Date.parse(s.startedAt);
}

export const STATUS_LABEL: Record<string, string> = { running: 'Running', success: 'Done', error: 'Failed', stopped: 'Stopped' };
export const STATUS_TONE: Record<string, 'accent' | 'success' | 'danger' | 'warning'> = { running: 'accent', success: 'success', error: 'danger', stopped: 'warning' };

/** A reply with no words (a record that only carried usage, or whitespace) is not shown as an empty bubble. */
export function isEmptyBubble(m: Pick<MessageInfo, 'type' | 'content'>): boolean {
  return m.type === 'text' && m.content.trim() === '';
}
