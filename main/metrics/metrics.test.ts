import { describe, expect, it } from 'vitest';
import { agentKit } from '../agents/test-kit.ts';

function finish(kit: ReturnType<typeof agentKit>, id: string, cwd: string, endedAt: Date, usage = { input_tokens: 1000, output_tokens: 100 }, model = 'claude-sonnet-4-20250514') {
  const at = endedAt.toISOString();
  kit.agents.pipeline.write((w) => {
    w.session({ id, provider: 'claude', cwd, model, title: id, timestamp: at }, 'transcript');
    w.messages([{ id: `${id}:1`, sessionId: id, provider: 'claude', timestamp: at, type: 'text', role: 'assistant', content: 'ok', usage, raw: '{}' }]);
  });
  kit.agents.pipeline.complete(id, { status: 'success', endedAt: at });
}

describe('session metrics', () => {
  it('keeps the newest 100 sessions per project, pruning the oldest on insert', () => {
    const kit = agentKit();
    const a = kit.agents.store.addProject('/p/a', 'A');
    const b = kit.agents.store.addProject('/p/b', 'B');
    const start = Date.UTC(2026, 0, 1);
    for (let i = 0; i < 105; i++) finish(kit, `a-${i}`, '/p/a', new Date(start + i * 60_000));
    for (let i = 0; i < 3; i++) finish(kit, `b-${i}`, '/p/b', new Date(start + i * 60_000));
    const rows = kit.metrics.history(a.id);
    expect(rows).toHaveLength(100);
    expect(rows[0]!.sessionId).toBe('a-5');
    expect(rows.at(-1)!.sessionId).toBe('a-104');
    expect(kit.metrics.history(b.id)).toHaveLength(3);
  });

  it('uses the cost the agent reported, else the editable price table', () => {
    const kit = agentKit();
    finish(kit, 'est', '/x', new Date(), { input_tokens: 1_000_000, output_tokens: 100_000 });
    // Sonnet 4: $3 in + $15 out per million tokens.
    expect(kit.metrics.history(null)[0]!.costUsd).toBeCloseTo(3 + 1.5, 6);
    expect(kit.agents.store.getSession('est')!.costSource).toBe('estimated');
    kit.metrics.setPrice({ model: 'claude-sonnet-4', inputPerMTok: 1, outputPerMTok: 10, cacheReadPerMTok: 0.1, cacheWritePerMTok: 1.25 });
    expect(kit.agents.store.getSession('est')!.costUsd).toBeCloseTo(1 + 1, 6);

    const at = new Date().toISOString();
    kit.agents.pipeline.write((w) => {
      w.session({ id: 'rep', provider: 'claude', model: 'claude-sonnet-4-20250514', timestamp: at }, 'run');
      w.messages([{ id: 'rep:cost', sessionId: 'rep', provider: 'claude', timestamp: at, type: 'cost', role: 'system', content: 'Cost', cost_usd: 0.42, raw: '{}' }]);
    });
    expect(kit.agents.store.getSession('rep')).toMatchObject({ costUsd: 0.42, costSource: 'reported' });

    finish(kit, 'unpriced', '/x', new Date(), undefined, 'some-local-model');
    expect(kit.agents.store.getSession('unpriced')).toMatchObject({ costUsd: null, costSource: 'unknown' });
  });

  it('refuses a bad price and keeps the table as it was', () => {
    const kit = agentKit();
    const before = kit.metrics.prices();
    expect(() => kit.metrics.setPrice({ model: '  ', inputPerMTok: 1, outputPerMTok: 1, cacheReadPerMTok: 0, cacheWritePerMTok: 0 })).toThrow('Give the model a name');
    expect(() => kit.metrics.setPrice({ model: 'm', inputPerMTok: -1, outputPerMTok: 1, cacheReadPerMTok: 0, cacheWritePerMTok: 0 })).toThrow(expect.objectContaining({ fields: { inputPerMTok: 'A price cannot be negative' } }));
    expect(() => kit.metrics.deletePrice('nope')).toThrow('There is no price for "nope".');
    expect(kit.metrics.prices()).toEqual(before);
  });

  it('shows active sessions, today, project health and the attention queue', () => {
    // Local noon, so that half an hour earlier is still today whatever time the suite runs.
    const kit = agentKit({ now: new Date(2026, 5, 15, 12, 0, 0) });
    const p = kit.agents.store.addProject('/p/live', 'Live');
    const now = kit.clock.now;
    finish(kit, 'ok', '/p/live', new Date(now.getTime() - 60_000));
    const at = new Date(now.getTime() - 30 * 60_000).toISOString();
    kit.agents.pipeline.write((w) => {
      w.session({ id: 'stuck', provider: 'claude', cwd: '/p/live', title: 'stuck', timestamp: at }, 'run');
      w.session({ id: 'bad', provider: 'claude', cwd: '/p/live', title: 'bad', timestamp: at }, 'run');
    });
    kit.agents.pipeline.complete('bad', { status: 'error', endedAt: new Date(now.getTime() - 1000).toISOString(), errorCategory: 'auth', errorMessage: 'Authentication failed — check API key' });
    const live = kit.metrics.live(kit.agents.store, { list: () => [{ status: 'todo' }, { status: 'todo' }, { status: 'done' }] }, now);
    expect(live.active.map((s) => s.id)).toEqual(['stuck']);
    expect(live.period).toMatchObject({ name: 'today', tokens: 1100, sessions: 3 });
    expect(live.projects).toMatchObject([{ projectId: p.id, running: 1, recentFailures: 1, health: 'failing' }]);
    expect(live.tasks).toEqual({ available: true, counts: { todo: 2, done: 1 }, total: 3 });
    expect(live.attention.map((a) => [a.reason, a.session.id])).toEqual([['stalled', 'stuck'], ['failed', 'bad']]);
  });
});
