import { describe, expect, it } from 'vitest';
import type { SessionInfo } from '../../../../app/contract/agents.ts';
import { filterSessions, NO_FILTER } from './sessionFilter.ts';

const NOW = new Date('2026-12-01T15:00:00');

function session(id: string, over: Partial<SessionInfo>): SessionInfo {
  return {
    id, projectId: null, projectName: null, provider: 'claude-code', origin: 'transcript', model: 'claude-sonnet-4-5', title: id, renamed: false, hidden: false,
    status: 'success', startedAt: '2026-12-01T10:00:00', endedAt: null, lastActivityAt: '2026-12-01T11:00:00', cwd: null, gitBranch: null,
    messageCount: 1, toolCallCount: 0, turnCount: 1, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, peakTokens: 0,
    costUsd: null, costSource: 'unknown', models: [], errorCategory: null, errorMessage: null, deniedToolCount: 0, parentSessionId: null, parentToolUseId: null, subagentCount: 0, ...over,
  };
}

const list = [
  session('checkout', { title: 'Validate the card number', projectName: 'Shop', gitBranch: 'feat/cards', costUsd: 0.5, inputTokens: 900, lastActivityAt: '2026-12-01T14:00:00' }),
  session('readme', { title: 'Write the README', provider: 'codex', model: 'gpt-5-codex', status: 'error', costUsd: 2, inputTokens: 100, lastActivityAt: '2026-11-28T09:00:00', startedAt: '2026-11-28T08:00:00' }),
  session('old', { title: 'Old refactor', models: [{ model: 'claude-haiku-4-5', calls: 1, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWrite5mTokens: 0, cacheWrite1hTokens: 0, costUsd: null, costSource: 'unknown' }], inputTokens: 5000, lastActivityAt: '2026-10-01T09:00:00', startedAt: '2026-10-01T08:00:00' }),
];
const ids = (filter: Partial<typeof NO_FILTER>) => filterSessions(list, { ...NO_FILTER, ...filter }, NOW).map((s) => s.id);

describe('finding a session in the list', () => {
  it('lists the most recently active first when nothing is chosen', () => {
    expect(ids({})).toEqual(['checkout', 'readme', 'old']);
  });

  it('searches title, project, model and branch, every word, ignoring case', () => {
    expect(ids({ query: 'card' })).toEqual(['checkout']);
    expect(ids({ query: 'shop CARDS' })).toEqual(['checkout']);
    expect(ids({ query: 'gpt-5' })).toEqual(['readme']);
    expect(ids({ query: 'haiku' })).toEqual(['old']);
    expect(ids({ query: 'card readme' })).toEqual([]);
  });

  it('filters by agent, model (a subagent’s model counts), status and date', () => {
    expect(ids({ provider: 'codex' })).toEqual(['readme']);
    expect(ids({ model: 'claude-haiku-4-5' })).toEqual(['old']);
    expect(ids({ status: 'error' })).toEqual(['readme']);
    expect(ids({ date: 'today' })).toEqual(['checkout']);
    expect(ids({ date: '7d' })).toEqual(['checkout', 'readme']);
    expect(ids({ date: '30d', provider: 'claude-code' })).toEqual(['checkout']);
  });

  it('sorts by cost, tokens and start time, largest or newest first', () => {
    expect(ids({ sort: 'cost' })).toEqual(['readme', 'checkout', 'old']);
    expect(ids({ sort: 'tokens' })).toEqual(['old', 'checkout', 'readme']);
    expect(ids({ sort: 'started' })).toEqual(['checkout', 'readme', 'old']);
  });
});
