import type { SessionInfo } from '../../../../app/contract/agents.ts';
import { sessionDuration } from './format.ts';

export const DATE_RANGES = { any: 'Any date', today: 'Today', '7d': 'Last 7 days', '30d': 'Last 30 days' } as const;
export const SORTS = { recent: 'Last active', started: 'Started', cost: 'Cost', tokens: 'Tokens', duration: 'Duration' } as const;

export interface SessionFilter {
  /** Words that must all appear in the title, project, model, folder or branch. */
  query: string;
  provider: string;
  model: string;
  status: string;
  date: keyof typeof DATE_RANGES;
  sort: keyof typeof SORTS;
}

export const NO_FILTER: SessionFilter = { query: '', provider: '', model: '', status: '', date: 'any', sort: 'recent' };

const DAY_MS = 86_400_000;

/** The earliest last-activity time a date range keeps; "today" starts at local midnight. */
function since(range: SessionFilter['date'], now: Date): number {
  if (range === 'any') return -Infinity;
  if (range === 'today') return new Date(now.getFullYear(), now.getMonth(), now.getDate()).getTime();
  return now.getTime() - (range === '7d' ? 7 : 30) * DAY_MS;
}

const haystack = (s: SessionInfo): string => [s.title, s.projectName, s.model, s.cwd, s.gitBranch, s.provider, ...s.models.map((m) => m.model)].filter(Boolean).join('\n').toLowerCase();

/** The sessions that pass every filter, in the chosen order (largest first for cost, tokens and duration; newest first for times). */
export function filterSessions(sessions: readonly SessionInfo[], filter: SessionFilter, now = new Date()): SessionInfo[] {
  const words = filter.query.toLowerCase().split(/\s+/).filter(Boolean);
  const from = since(filter.date, now);
  const kept = sessions.filter(
    (s) =>
      (!filter.provider || s.provider === filter.provider) &&
      (!filter.model || s.model === filter.model || s.models.some((m) => m.model === filter.model)) &&
      (!filter.status || s.status === filter.status) &&
      Date.parse(s.lastActivityAt) >= from &&
      (words.length === 0 || words.every((w) => haystack(s).includes(w))),
  );
  const key = sortKey(filter.sort, now.getTime());
  return kept.sort((a, b) => key(b) - key(a));
}

function sortKey(sort: SessionFilter['sort'], now: number): (s: SessionInfo) => number {
  switch (sort) {
    case 'started':
      return (s) => Date.parse(s.startedAt);
    case 'cost':
      return (s) => s.costUsd ?? -1;
    case 'tokens':
      return (s) => s.inputTokens + s.outputTokens;
    case 'duration':
      return (s) => sessionDuration(s, now);
    default:
      return (s) => Date.parse(s.lastActivityAt);
  }
}

/** The distinct values a filter can choose from, sorted. */
export function choices(sessions: readonly SessionInfo[], pick: (s: SessionInfo) => string | null): string[] {
  return [...new Set(sessions.map(pick).filter((v): v is string => Boolean(v)))].sort();
}

export function isFiltered(filter: SessionFilter): boolean {
  return filter.query.trim() !== '' || filter.provider !== '' || filter.model !== '' || filter.status !== '' || filter.date !== 'any';
}
