import { afterEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/hub.ts';
import type { UsageRow } from './usage.ts';

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

const session = (id: string, extra: Record<string, unknown> = {}) => ({
  sessionId: id,
  agent: 'claude-code',
  project: 'switchboard',
  model: 'claude-sonnet-4-5',
  startedAt: '2026-12-01T09:00:00Z',
  durationMs: 60_000,
  inputTokens: 1000,
  outputTokens: 200,
  cacheReadTokens: 5000,
  cacheWriteTokens: 0,
  costUsd: 0.25,
  status: 'completed',
  ...extra,
});

describe('Hub team usage', () => {
  it('takes per-session summaries with a token and adds them up by person, project, model and day', async () => {
    hub = await startTestHub();
    const alice = await hub.person('alice');
    const bob = await hub.person('bob');
    const sent = await hub.api<{ accepted: number }>(alice.token, 'POST', '/api/usage', {
      sessions: [session('a1'), session('a2', { project: 'hub', model: 'claude-opus-4-1', costUsd: 1.5, startedAt: '2026-12-02T10:00:00Z' })],
    });
    expect(sent.body.accepted).toBe(2);
    await hub.api(bob.token, 'POST', '/api/usage', { sessions: [session('b1', { inputTokens: 10, outputTokens: 5, costUsd: 0.01 })] });
    // A session sent again replaces its earlier summary instead of counting twice.
    await hub.api(alice.token, 'POST', '/api/usage', { sessions: [session('a1', { costUsd: 0.5, outputTokens: 400 })] });

    const by = async (dim: string, query = '') => (await hub!.api<UsageRow[]>(hub!.adminToken, 'GET', `/api/admin/usage?by=${dim}${query}`)).body;
    expect(await by('person')).toEqual([
      { key: 'alice', sessions: 2, inputTokens: 2000, outputTokens: 600, costUsd: 2, durationMs: 120_000 },
      { key: 'bob', sessions: 1, inputTokens: 10, outputTokens: 5, costUsd: 0.01, durationMs: 60_000 },
    ]);
    expect((await by('project')).map((r) => [r.key, r.sessions])).toEqual([['hub', 1], ['switchboard', 2]]);
    expect((await by('model')).map((r) => r.key)).toEqual(['claude-opus-4-1', 'claude-sonnet-4-5']);
    expect((await by('day')).map((r) => [r.key, r.sessions])).toEqual([['2026-12-01', 2], ['2026-12-02', 1]]);
    expect((await by('day', '&from=2026-12-02&to=2026-12-02')).map((r) => r.key)).toEqual(['2026-12-02']);
    // People see nothing of the team's figures without being admins.
    expect((await hub.api(alice.token, 'GET', '/api/admin/usage?by=person')).status).toBe(403);
  });

  it('refuses a report that carries anything but figures, with the reason, and stores nothing of it', async () => {
    hub = await startTestHub();
    const alice = await hub.person('alice');
    const cases: [unknown, RegExp][] = [
      [{ sessions: [session('x', { messages: [{ role: 'user', content: 'secret plans' }] })] }, /"messages" is not a usage figure; the Hub takes no message content/],
      [{ sessions: [session('x', { inputTokens: -1 })] }, /sessions\.0\.inputTokens must be >= 0/],
      [{ sessions: [session('x', { startedAt: 'yesterday-ish' })] }, /start time that is not a date/],
      [{ sessions: [] }, /must NOT have fewer than 1 items/],
      [{ sessions: [session('ok'), session('x', { status: 'exploded' })] }, /sessions\.1\.status/],
    ];
    for (const [body, message] of cases) {
      const res = await hub.api<{ error: string }>(alice.token, 'POST', '/api/usage', body);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(message);
    }
    expect((await hub.api(hub.adminToken, 'GET', '/api/admin/usage?by=person')).body).toEqual([]);
    expect((await hub.api<{ error: string }>(hub.adminToken, 'GET', '/api/admin/usage?by=color')).body.error).toMatch(/person, project, model or day/);
  });
});
