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

  it('lets members read the usage of their groups that an admin allowed it, and nobody else\'s', async () => {
    hub = await startTestHub();
    const group = async (name: string) => (await hub!.api<{ id: string }>(hub!.adminToken, 'POST', '/api/admin/groups', { name })).body.id;
    const dev = await group('dev');
    await group('ops');
    const alice = await hub.person('alice', ['dev']);
    const bob = await hub.person('bob', ['dev']);
    const carol = await hub.person('carol', ['ops']);
    for (const [who, id, cost] of [[alice, 'a1', 1], [bob, 'b1', 2], [carol, 'c1', 4]] as const) {
      await hub.api(who.token, 'POST', '/api/usage', { sessions: [session(id, { costUsd: cost })] });
    }
    const read = (token: string, by = 'person') => hub!.api<{ groups: string[] | null; rows: UsageRow[] } & { error: string }>(token, 'GET', `/api/usage?by=${by}`);

    const before = await read(alice.token);
    expect(before.status).toBe(403);
    expect(before.body.error).toBe('None of your groups may read team usage. A Hub admin can allow it for a group ("Members read the group\'s usage" under People → Groups).');

    const allowed = await hub.api<{ name: string; permissions: string[] }>(hub.adminToken, 'POST', `/api/admin/groups/${dev}/permissions`, { permission: 'usage:read', granted: true });
    expect(allowed.body).toMatchObject({ name: 'dev', permissions: ['usage:read'] });
    const mine = await read(alice.token);
    expect(mine.status).toBe(200);
    expect(mine.body.groups).toEqual(['dev']);
    expect(mine.body.rows.map((r) => [r.key, r.costUsd])).toEqual([['bob', 2], ['alice', 1]]);
    expect((await read(bob.token, 'project')).body.rows.map((r) => [r.key, r.sessions, r.costUsd])).toEqual([['switchboard', 2, 3]]);
    // Carol's group was not allowed: she sees nothing, and nobody in dev sees her.
    expect((await read(carol.token)).status).toBe(403);
    // An admin reads everyone's, through the same address.
    const all = await read(hub.adminToken);
    expect(all.body.groups).toBeNull();
    expect(all.body.rows.map((r) => r.key)).toEqual(['carol', 'bob', 'alice']);
    expect((await hub.api<{ action: string; detail: unknown }[]>(hub.adminToken, 'GET', '/api/admin/audit')).body).toContainEqual(
      expect.objectContaining({ action: 'permission_granted', detail: { group: 'dev', permission: 'usage:read' } }),
    );

    const tokens = (await hub.api<{ id: string }[]>(hub.adminToken, 'GET', `/api/admin/tokens?user=${alice.id}`)).body;
    await hub.api(hub.adminToken, 'DELETE', `/api/admin/tokens/${tokens[0]!.id}`);
    const revoked = await read(alice.token);
    expect(revoked.status).toBe(401);
    expect(revoked.body.error).toBe('The token was revoked.');

    await hub.api(hub.adminToken, 'POST', `/api/admin/groups/${dev}/permissions`, { permission: 'usage:read', granted: false });
    expect((await read(bob.token)).status).toBe(403);
  });

  it('refuses a permission that does not exist or a grant that does not say yes or no, and changes nothing', async () => {
    hub = await startTestHub();
    const dev = (await hub.api<{ id: string }>(hub.adminToken, 'POST', '/api/admin/groups', { name: 'dev' })).body.id;
    const set = (id: string, body: unknown) => hub!.api<{ error: string }>(hub!.adminToken, 'POST', `/api/admin/groups/${id}/permissions`, body);
    const cases: [string, unknown, number, string][] = [
      [dev, { permission: 'usage:write', granted: true }, 400, 'A group can be allowed "usage:read"; "usage:write" is not a permission.'],
      [dev, { permission: 'usage:read' }, 400, 'Say whether the group has the permission: "granted": true or false.'],
      ['grp_missing', { permission: 'usage:read', granted: true }, 404, 'That group does not exist.'],
    ];
    for (const [id, body, status, error] of cases) {
      const res = await set(id, body);
      expect([res.status, res.body.error]).toEqual([status, error]);
    }
    expect((await hub.api<{ name: string; permissions: string[] }[]>(hub.adminToken, 'GET', '/api/admin/groups')).body.find((g) => g.name === 'dev')?.permissions).toEqual([]);
    const alice = await hub.person('alice');
    expect((await set(dev, { permission: 'usage:read', granted: true })).status).toBe(200);
    expect((await hub.api(alice.token, 'POST', `/api/admin/groups/${dev}/permissions`, { permission: 'usage:read', granted: false })).status).toBe(403);
  });
});
