import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { agentKit, FIXTURES } from './test-kit.ts';

/**
 * The fixture is written the way Claude Code writes a session: one record per content block with a
 * shared `message.id` and a growing `output_tokens`, a subagent on Haiku in its own file (one of its
 * records also in the parent), a side call on Sonnet, a synthetic API-error reply, and the user
 * records that are not prompts (tool results, an interruption, command wrappers, a caveat, a task
 * notification, a compaction summary).
 */
const SESSION = 'a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e';
const USAGE_FIXTURES = join(FIXTURES, 'claude-usage');
const MAIN_FILE = join('-home-dev-api', `${SESSION}.jsonl`);

/** Counted by hand from the fixture: each call once, with its last (largest) figures. */
const CALLS = {
  opus: { calls: 2, input: 6 + 4, output: 310 + 160, read: 18000 + 21000, w5: 2000 + 600, w1: 1000 },
  haiku: { calls: 2, input: 900 + 30, output: 95 + 22, read: 4900, w5: 4000, w1: 0 },
  sonnet: { calls: 1, input: 12, output: 48, read: 9000, w5: 0, w1: 0 },
};
/** List prices per million tokens: input, output; cache reads 0.1×, 5-minute writes 1.25×, 1-hour writes 2× input. */
const cost = (c: (typeof CALLS)['opus'], input: number, output: number) => (c.input * input + c.output * output + c.read * input * 0.1 + c.w5 * input * 1.25 + c.w1 * input * 2) / 1e6;
const OPUS_COST = cost(CALLS.opus, 5, 25);
const HAIKU_COST = cost(CALLS.haiku, 1, 5);
const SONNET_COST = cost(CALLS.sonnet, 3, 15);

function kitWithUsageFixture() {
  const kit = agentKit();
  cpSync(USAGE_FIXTURES, join(kit.dir, 'home', '.claude', 'projects'), { recursive: true });
  return kit;
}

describe('tokens and cost of a Claude Code transcript', () => {
  it('counts each API call once with its final output, across the subagent file and its parent', () => {
    const kit = kitWithUsageFixture();
    kit.agents.sources.scan();
    const session = kit.agents.store.getSession(SESSION)!;
    const all = Object.values(CALLS);
    const sum = (f: (c: (typeof all)[number]) => number) => all.reduce((s, c) => s + f(c), 0);
    expect(session.outputTokens).toBe(sum((c) => c.output));
    expect(session.cacheReadTokens).toBe(sum((c) => c.read));
    expect(session.cacheWriteTokens).toBe(sum((c) => c.w5 + c.w1));
    expect(session.inputTokens).toBe(sum((c) => c.input + c.read + c.w5 + c.w1));
    // The largest single call: the second Opus one.
    expect(session.peakTokens).toBe(4 + 160 + 21000 + 600);
    expect(session.models.map((m) => [m.model, m.calls, m.outputTokens])).toEqual([
      ['claude-opus-4-6', 2, CALLS.opus.output],
      ['claude-haiku-4-5-20251001', 2, CALLS.haiku.output],
      ['claude-sonnet-4-5-20250929', 1, CALLS.sonnet.output],
    ]);
    expect(session.models[0]).toMatchObject({ cacheWrite5mTokens: CALLS.opus.w5, cacheWrite1hTokens: CALLS.opus.w1 });
  });

  it('prices each call by its own model at list prices and says the cost is estimated', () => {
    const kit = kitWithUsageFixture();
    kit.agents.sources.scan();
    const session = kit.agents.store.getSession(SESSION)!;
    expect(session.costSource).toBe('estimated');
    expect(session.costUsd).toBeCloseTo(OPUS_COST + HAIKU_COST + SONNET_COST, 9);
    const byModel = Object.fromEntries(session.models.map((m) => [m.model, m]));
    expect(byModel['claude-opus-4-6']!.costUsd).toBeCloseTo(OPUS_COST, 9);
    expect(byModel['claude-haiku-4-5-20251001']!.costUsd).toBeCloseTo(HAIKU_COST, 9);
    // Opus 4.6 is not priced like Opus 4 ($15/$75): that would be three times as much.
    expect(OPUS_COST).toBeLessThan(cost(CALLS.opus, 15, 75) / 2.9);
    const { applied, prices } = kit.metrics.priceTable();
    expect(prices).toEqual([]);
    expect(applied.find((p) => p.model === 'claude-opus-4-6')).toMatchObject({ source: 'genai-prices', inputPerMTok: 5, outputPerMTok: 25, cacheWrite1hPerMTok: 10 });
  });

  it('an override of the user applies to its models only, and deleting it brings the list price back', () => {
    const kit = kitWithUsageFixture();
    kit.agents.sources.scan();
    kit.metrics.setPrice({ model: 'claude-haiku-4-5', inputPerMTok: 2, outputPerMTok: 10, cacheReadPerMTok: 0.2, cacheWritePerMTok: 2.5 });
    const overridden = kit.agents.store.getSession(SESSION)!;
    const haiku = overridden.models.find((m) => m.model?.startsWith('claude-haiku'))!;
    expect(haiku.costUsd).toBeCloseTo((930 * 2 + 117 * 10 + 4900 * 0.2 + 4000 * 2.5) / 1e6, 9);
    expect(overridden.costUsd).toBeCloseTo(OPUS_COST + haiku.costUsd! + SONNET_COST, 9);
    expect(kit.metrics.priceTable().applied.find((p) => p.model === 'claude-haiku-4-5-20251001')).toMatchObject({ source: 'override', matched: 'claude-haiku-4-5' });
    kit.metrics.deletePrice('claude-haiku-4-5');
    expect(kit.agents.store.getSession(SESSION)!.costUsd).toBeCloseTo(OPUS_COST + HAIKU_COST + SONNET_COST, 9);
  });

  it('counts as turns only the prompts a person typed, and shows API errors as what they are', async () => {
    const kit = kitWithUsageFixture();
    kit.agents.sources.scan();
    expect(kit.agents.store.getSession(SESSION)!.turnCount).toBe(2);
    const messages = kit.agents.store.messages(SESSION);
    // The synthetic reply is an error the system reports, not the model's words; the retried call before it says what failed.
    expect(messages.filter((m) => m.content.startsWith('API Error: 529')).map((m) => [m.type, m.role])).toEqual([['error', 'system']]);
    await kit.search.settled();
    const found = await kit.search.all('overloaded_error');
    expect(found.messages.length).toBeGreaterThan(0);
    expect(found.messages.filter((m) => m.role !== 'system')).toEqual([]);
    expect(messages.filter((m) => m.content.startsWith('API error')).map((m) => `${m.type}: ${m.content}`)).toEqual(['status: API error 529 Overloaded · retry 1 of 1 in 1 s']);
  });

  it('gives the same figures when the transcript is read while it grows, a record at a time', () => {
    const whole = kitWithUsageFixture();
    whole.agents.sources.scan();
    const expected = whole.agents.store.getSession(SESSION)!;

    const kit = agentKit();
    const root = join(kit.dir, 'home', '.claude', 'projects');
    cpSync(USAGE_FIXTURES, root, { recursive: true });
    const lines = readFileSync(join(USAGE_FIXTURES, MAIN_FILE), 'utf8').split('\n');
    mkdirSync(join(root, '-home-dev-api'), { recursive: true });
    for (let i = 1; i <= lines.length; i++) {
      writeFileSync(join(root, MAIN_FILE), lines.slice(0, i).join('\n'));
      kit.agents.sources.scan();
    }
    const grown = kit.agents.store.getSession(SESSION)!;
    expect({ out: grown.outputTokens, input: grown.inputTokens, cost: grown.costUsd, turns: grown.turnCount, models: grown.models }).toEqual({
      out: expected.outputTokens,
      input: expected.inputTokens,
      cost: expected.costUsd,
      turns: expected.turnCount,
      models: expected.models,
    });
  });

  it('a database from before is counted again on upgrade: final output per call, turns without wrappers', () => {
    const dir = agentKit().dir;
    const path = join(dir, 'old.db');
    const NEW = new Set(['agents/usage-per-api-call', 'metrics/prices-are-overrides', 'metrics/session-cost-source', 'agents/subagent-sessions']);
    const old = openDatabase(path, MIGRATIONS.filter((m) => !NEW.has(m.id)));
    // What the previous version stored: the first record's usage counted, every user text a turn.
    old.prepare("INSERT INTO sessions (id, provider, origin, model, status, started_at, last_activity_at, turn_count, output_tokens) VALUES (?, 'claude', 'transcript', 'claude-opus-4-6', 'success', ?, ?, 3, 12)").run(SESSION, '2026-11-20T09:00:00.000Z', '2026-11-20T09:00:10.000Z');
    const record = (uuid: string, output: number, text: string) =>
      JSON.stringify({ type: 'assistant', uuid, sessionId: SESSION, message: { id: 'msg_01Opus', model: 'claude-opus-4-6', role: 'assistant', content: [{ type: 'text', text }], usage: { input_tokens: 6, output_tokens: output, cache_read_input_tokens: 100, cache_creation_input_tokens: 30, cache_creation: { ephemeral_5m_input_tokens: 10, ephemeral_1h_input_tokens: 20 } } } });
    const insert = old.prepare('INSERT INTO messages (id, session_id, timestamp, type, role, content, usage, usage_key, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    insert.run('u1:0', SESSION, '2026-11-20T09:00:01.000Z', 'text', 'user', 'Make it per user', null, null, JSON.stringify({ type: 'user', uuid: 'u1' }));
    insert.run('u2:0', SESSION, '2026-11-20T09:00:02.000Z', 'text', 'user', '[Request interrupted by user]', null, null, JSON.stringify({ type: 'user', uuid: 'u2' }));
    insert.run('u3:0', SESSION, '2026-11-20T09:00:03.000Z', 'text', 'user', 'Summary', null, null, JSON.stringify({ type: 'user', uuid: 'u3', isCompactSummary: true }));
    const usage = (output: number) => JSON.stringify({ input_tokens: 6, output_tokens: output, cache_read_input_tokens: 100, cache_creation_input_tokens: 30 });
    insert.run('a1:0', SESSION, '2026-11-20T09:00:04.000Z', 'text', 'assistant', 'Looking', usage(12), 'msg_01Opus', record('a1', 12, 'Looking'));
    insert.run('a2:0', SESSION, '2026-11-20T09:00:05.000Z', 'text', 'assistant', 'Done', usage(300), 'msg_01Opus', record('a2', 300, 'Done'));
    old.close();

    const db = openDatabase(path, MIGRATIONS);
    const row = db.prepare('SELECT turn_count, output_tokens, input_tokens, cache_read_tokens, cache_write_tokens FROM sessions WHERE id = ?').get(SESSION);
    expect(row).toEqual({ turn_count: 1, output_tokens: 300, input_tokens: 6, cache_read_tokens: 100, cache_write_tokens: 30 });
    expect(db.prepare('SELECT model, cache_write_5m_tokens AS w5, cache_write_1h_tokens AS w1 FROM usage_calls').all()).toEqual([{ model: 'claude-opus-4-6', w5: 10, w1: 20 }]);
    db.close();
  });

  it('a synthetic API-error reply stored as the assistant\'s becomes the system\'s on upgrade, and no row is lost', () => {
    const path = join(agentKit().dir, 'old.db');
    const old = openDatabase(path, MIGRATIONS.filter((m) => m.id !== 'agents/api-errors-are-not-replies'));
    old.prepare("INSERT INTO sessions (id, provider, origin, status, started_at, last_activity_at) VALUES (?, 'claude', 'transcript', 'error', ?, ?)").run(SESSION, '2026-11-20T09:00:00.000Z', '2026-11-20T09:00:10.000Z');
    const insert = old.prepare("INSERT INTO messages (id, session_id, timestamp, type, role, content, raw) VALUES (?, ?, '2026-11-20T09:00:01.000Z', ?, ?, ?, '{}')");
    insert.run('e1:0', SESSION, 'error', 'assistant', 'API Error: 529 Overloaded');
    insert.run('t1:0', SESSION, 'text', 'assistant', 'A real reply');
    old.close();

    const db = openDatabase(path, MIGRATIONS);
    expect(db.prepare('SELECT id, type, role FROM messages ORDER BY id').all()).toEqual([
      { id: 'e1:0', type: 'error', role: 'system' },
      { id: 't1:0', type: 'text', role: 'assistant' },
    ]);
    db.close();
  });
});

describe('tokens and cost of a run', () => {
  it("replaces an attempt's streamed usage with its result's totals, and estimates an attempt stopped before its result", () => {
    const kit = agentKit();
    const at = new Date().toISOString();
    const S = 'run-1';
    const streamed = (attempt: number, id: string, output: number) => ({
      id: `run:${S}:${attempt}:${id}`, sessionId: S, provider: 'claude', timestamp: at, type: 'text' as const, role: 'assistant' as const, content: id, raw: '{}',
      usage: { input_tokens: 100, output_tokens: output }, usageKey: `${attempt}:${id}`, usageModel: 'claude-sonnet-4-5-20250929',
    });
    kit.agents.pipeline.write((w) => {
      w.session({ id: S, provider: 'claude', model: 'claude-sonnet-4-5-20250929', timestamp: at }, 'run');
      // Attempt 1 streams a call as it began (output 1), then its result says what it really used.
      w.messages([streamed(1, 'msg_a', 1), { id: `run:${S}:1:cost`, sessionId: S, provider: 'claude', timestamp: at, type: 'cost', role: 'system', content: 'Cost', cost_usd: 0.02, raw: '{}' }]);
      w.reportedUsage(S, 1, [{ model: 'claude-sonnet-4-5-20250929', tokens: { input: 100, output: 700, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 }, costUsd: 0.02 }]);
      // Attempt 2 is stopped before its result.
      w.messages([streamed(2, 'msg_b', 1)]);
    });
    const session = kit.agents.store.getSession(S)!;
    expect(session.outputTokens).toBe(700 + 1);
    expect(session.inputTokens).toBe(200);
    expect(session.costSource).toBe('estimated');
    expect(session.costUsd).toBeCloseTo(0.02 + (100 * 3 + 1 * 15) / 1e6, 9);
  });
});

describe('an estimated cost says so', () => {
  it('in the toast and in the session.complete event plugins receive', () => {
    const kit = agentKit();
    const at = kit.clock.now.toISOString();
    kit.agents.pipeline.write((w) => {
      w.session({ id: 'live', provider: 'claude', model: 'claude-haiku-4-5-20251001', title: 'Tidy up', timestamp: at }, 'transcript');
      w.messages([{ id: 'live:1', sessionId: 'live', provider: 'claude', timestamp: at, type: 'text', role: 'assistant', content: 'ok', usage: { input_tokens: 1_000_000, output_tokens: 200_000 }, usageKey: 'msg_1', usageModel: 'claude-haiku-4-5-20251001', raw: '{}' }]);
    });
    kit.agents.pipeline.complete('live', { status: 'success', endedAt: at });
    expect(kit.toasts.at(-1)).toMatchObject({ type: 'agent_complete', message: '1 messages · ≈$2.00 (estimated)' });
    expect(kit.bus.hostEvents.find((e) => e.name === 'session.complete')!.payload).toMatchObject({ costUsd: 2, costSource: 'estimated' });
    expect(kit.metrics.history(null)).toMatchObject([{ sessionId: 'live', costUsd: 2, costSource: 'estimated' }]);
  });
});

describe('metrics over a period', () => {
  it('offers today, 7 and 30 days, each with its usage per model', () => {
    const kit = kitWithUsageFixture();
    kit.agents.sources.scan();
    // The fixture's calls were made on 20 November 2026.
    const at = (iso: string, period: 'today' | '7d' | '30d') => kit.metrics.live(kit.agents.store, undefined, new Date(iso), period).period;
    expect(at('2026-11-20T18:00:00', 'today')).toMatchObject({ sessions: 1, costSource: 'estimated' });
    expect(at('2026-11-20T18:00:00', 'today').costUsd).toBeCloseTo(OPUS_COST + HAIKU_COST + SONNET_COST, 9);
    expect(at('2026-11-24T12:00:00', 'today')).toMatchObject({ sessions: 0, tokens: 0, costUsd: 0, models: [] });
    const week = at('2026-11-24T12:00:00', '7d');
    expect(week.models.map((m) => m.model)).toEqual(['claude-opus-4-6', 'claude-haiku-4-5-20251001', 'claude-sonnet-4-5-20250929']);
    expect(week.tokens).toBe(kit.agents.store.getSession(SESSION)!.inputTokens + kit.agents.store.getSession(SESSION)!.outputTokens);
    expect(at('2026-11-28T12:00:00', '7d').models).toEqual([]);
    expect(at('2026-12-15T12:00:00', '30d').models).toHaveLength(3);
  });
});
