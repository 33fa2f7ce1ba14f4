import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { agentKit, FIXTURES } from './test-kit.ts';

/** The usage fixture: an Opus session whose Task call ran an Explore subagent on Haiku (agent b7e2c4a1). */
const SESSION = 'a1c3e5f7-2b4d-4f6a-8c0e-1d3f5a7b9c2e';
const CHILD = `${SESSION}:agent-b7e2c4a1`;
const HAIKU = 'claude-haiku-4-5-20251001';

function importedUsageFixture() {
  const kit = agentKit();
  cpSync(join(FIXTURES, 'claude-usage'), join(kit.dir, 'home', '.claude', 'projects'), { recursive: true });
  kit.agents.sources.scan();
  return kit;
}

describe('a subagent is a session of its own, under its parent', () => {
  it('takes its records out of the parent conversation, opens from the Task call, and its usage rolls up', () => {
    const kit = importedUsageFixture();
    const { store } = kit.agents;
    const parent = store.getSession(SESSION)!;
    const [child, ...more] = store.subagents(SESSION);
    expect(more).toEqual([]);
    expect(child).toMatchObject({ id: CHILD, parentSessionId: SESSION, parentToolUseId: 'toolu_02Task', title: 'List every caller of rateLimit', model: HAIKU, turnCount: 0 });
    expect(parent).toMatchObject({ subagentCount: 1, parentSessionId: null, parentToolUseId: null });

    // Its prompt no longer shows as the user's after the Task result, nor its replies as the parent's.
    const parentTexts = store.messages(SESSION).map((m) => m.content);
    expect(parentTexts).not.toContain('List every caller of rateLimit');
    expect(parentTexts).not.toContain('Searching.');
    expect(store.messages(CHILD).map((m) => `${m.role}/${m.type}: ${m.content}`)).toEqual([
      'user/text: List every caller of rateLimit',
      'assistant/text: Searching.',
      'assistant/tool_call: Glob: src/**/*.ts',
      'tool/tool_result: src/app.ts\nsrc/limiter.ts',
      'assistant/text: Callers: src/app.ts',
    ]);

    // msg_03Haiku is in both files: counted once, in the child. The parent's figures include the child's.
    const haiku = child!.models.find((m) => m.model === HAIKU)!;
    expect(child!.models.map((m) => m.model)).toEqual([HAIKU]);
    expect(haiku.calls).toBe(2);
    expect(parent.models.find((m) => m.model === HAIKU)).toEqual(haiku);
    expect(parent.outputTokens).toBe(parent.models.reduce((sum, m) => sum + m.outputTokens, 0));
    expect(parent.costUsd).toBeCloseTo(parent.models.reduce((sum, m) => sum + m.costUsd!, 0), 9);

    // Lists, counts and periods count the parent alone.
    expect(store.listSessions().map((s) => s.id)).toEqual([SESSION]);
    expect(kit.metrics.live(store, undefined, new Date('2026-11-20T18:00:00')).period.sessions).toBe(1);
    expect(kit.metrics.history(null).map((r) => r.sessionId)).toEqual([SESSION]);
  });

  it('a search hit in the subagent opens the subagent, also where the index filed it under the parent before an upgrade', async () => {
    const kit = importedUsageFixture();
    expect((await kit.search.all('Searching')).messages).toMatchObject([{ sessionId: CHILD, sessionTitle: 'List every caller of rateLimit' }]);
    // The upgrade moves stored messages without re-indexing them: the hit follows the message.
    kit.db.prepare("UPDATE messages SET session_id = ? WHERE content = 'Searching.'").run(SESSION);
    expect((await kit.search.all('Searching')).messages).toMatchObject([{ sessionId: SESSION }]);
  });

  it('is not announced to plugins or toasted as a session of its own: its work is its parent’s', () => {
    const kit = agentKit();
    const folder = join(kit.dir, 'home', '.claude', 'projects', '-home-dev-live');
    const id = 'b2d4f6a8-1c3e-4a5b-8d7f-9e0a1b2c3d4e';
    mkdirSync(join(folder, id, 'subagents'), { recursive: true });
    const at = (s: number) => new Date(kit.clock.now.getTime() - 60_000 + s * 1000).toISOString();
    const base = (n: number, extra: object) => JSON.stringify({ parentUuid: null, cwd: '/home/dev/live', sessionId: id, uuid: `c0000000-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: at(n), ...extra });
    const task = { type: 'tool_use', id: 'toolu_live_task', name: 'Task', input: { description: 'Count files', prompt: 'Count the files in src', subagent_type: 'Explore' } };
    writeFileSync(join(folder, `${id}.jsonl`), [
      base(1, { isSidechain: false, type: 'user', message: { role: 'user', content: 'How many files are there?' } }),
      base(2, { isSidechain: false, type: 'assistant', message: { id: 'msg_live_1', role: 'assistant', model: 'claude-opus-4-6', content: [task], usage: { input_tokens: 10, output_tokens: 20 } } }),
      base(5, { isSidechain: false, type: 'user', toolUseResult: { status: 'completed', agentId: 'c0ffee12' }, message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_live_task', content: '12 files' }] } }),
      base(6, { isSidechain: false, type: 'assistant', message: { id: 'msg_live_2', role: 'assistant', model: 'claude-opus-4-6', content: [{ type: 'text', text: 'There are 12.' }], usage: { input_tokens: 10, output_tokens: 5 } } }),
    ].join('\n') + '\n');
    writeFileSync(join(folder, id, 'subagents', 'agent-c0ffee12.jsonl'), [
      base(3, { isSidechain: true, agentId: 'c0ffee12', type: 'user', message: { role: 'user', content: 'Count the files in src' } }),
      base(4, { isSidechain: true, agentId: 'c0ffee12', type: 'assistant', message: { id: 'msg_live_sub', role: 'assistant', model: HAIKU, content: [{ type: 'text', text: '12 files' }], usage: { input_tokens: 300, output_tokens: 7 } } }),
    ].join('\n') + '\n');
    kit.agents.sources.scan();
    const child = `${id}:agent-c0ffee12`;
    expect(kit.bus.hostEvents.filter((e) => e.name === 'session.start').map((e) => (e.payload as { sessionId: string }).sessionId)).toEqual([id]);
    expect(kit.agents.store.getSession(child)).toMatchObject({ status: 'running', parentToolUseId: 'toolu_live_task' });
    // Plugins holding `messages` still hear what the subagent said, under its own session.
    expect(kit.bus.messages.filter((m) => m.sessionId === child).map((m) => m.content)).toEqual(['Count the files in src', '12 files']);

    const end = kit.clock.now.toISOString();
    kit.agents.pipeline.completeAll([child, id].map((s) => ({ id: s, done: { status: 'success' as const, endedAt: end } })));
    expect(kit.toasts.map((t) => t.title)).toEqual(['Agent finished: How many files are there?']);
    expect(kit.bus.hostEvents.filter((e) => e.name === 'session.complete').map((e) => (e.payload as { sessionId: string }).sessionId)).toEqual([id]);
    expect(kit.metrics.history(null)).toMatchObject([{ sessionId: id, totalTokens: 10 + 20 + 10 + 5 + 300 + 7 }]);
  });

  it('an upgrade moves the subagent records a parent held into a child session, and loses no row', () => {
    const path = join(agentKit().dir, 'old.db');
    const old = openDatabase(path, MIGRATIONS.filter((m) => m.id !== 'agents/subagent-sessions'));
    old.prepare("INSERT INTO sessions (id, provider, origin, model, title, status, started_at, last_activity_at, ended_at, cwd, message_count, tool_call_count, turn_count) VALUES (?, 'claude', 'transcript', 'claude-opus-4-6', 'Find callers', 'success', ?, ?, ?, '/home/dev/api', 5, 1, 1)")
      .run(SESSION, '2026-11-20T09:00:00.000Z', '2026-11-20T09:00:30.000Z', '2026-11-20T09:00:30.000Z');
    const insert = old.prepare('INSERT INTO messages (id, session_id, timestamp, type, role, content, tool_call, tool_result, usage, usage_key, raw) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    const raw = (r: object) => JSON.stringify({ sessionId: SESSION, ...r });
    insert.run('p1', SESSION, '2026-11-20T09:00:01.000Z', 'text', 'user', 'Who calls rateLimit?', null, null, null, null, raw({ type: 'user', isSidechain: false }));
    insert.run('p2', SESSION, '2026-11-20T09:00:02.000Z', 'tool_call', 'assistant', 'Task: Find callers', JSON.stringify({ id: 'toolu_02Task', name: 'Task', input: {} }), null, '{"output_tokens":50}', 'msg_02Opus',
      raw({ type: 'assistant', isSidechain: false, message: { id: 'msg_02Opus', model: 'claude-opus-4-6' } }));
    insert.run('s1', SESSION, '2026-11-20T09:00:03.000Z', 'text', 'user', 'List every caller of rateLimit', null, null, null, null, raw({ type: 'user', isSidechain: true, agentId: 'b7e2c4a1' }));
    insert.run('s2', SESSION, '2026-11-20T09:00:04.000Z', 'text', 'assistant', 'Callers: src/app.ts', null, null, '{"output_tokens":22}', 'msg_04Haiku',
      raw({ type: 'assistant', isSidechain: true, agentId: 'b7e2c4a1', message: { id: 'msg_04Haiku', model: HAIKU } }));
    insert.run('p3', SESSION, '2026-11-20T09:00:05.000Z', 'tool_result', 'tool', 'Callers: src/app.ts', null, JSON.stringify({ tool_call_id: 'toolu_02Task', content: 'Callers: src/app.ts', is_error: false }), null, null,
      raw({ type: 'user', isSidechain: false, toolUseResult: { status: 'completed', agentId: 'b7e2c4a1' } }));
    const call = old.prepare("INSERT INTO usage_calls (session_id, key, model, timestamp, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens) VALUES (?, ?, ?, '2026-11-20T09:00:02.000Z', ?, ?, 0, 0, 0)");
    call.run(SESSION, 'msg_02Opus', 'claude-opus-4-6', 4, 50);
    call.run(SESSION, 'msg_04Haiku', HAIKU, 30, 22);
    old.close();

    const db = openDatabase(path, MIGRATIONS);
    expect(db.prepare('SELECT id, session_id FROM messages ORDER BY id').all()).toEqual([
      { id: 'p1', session_id: SESSION },
      { id: 'p2', session_id: SESSION },
      { id: 'p3', session_id: SESSION },
      { id: 's1', session_id: CHILD },
      { id: 's2', session_id: CHILD },
    ]);
    expect(db.prepare('SELECT session_id, key FROM usage_calls ORDER BY key').all()).toEqual([
      { session_id: SESSION, key: 'msg_02Opus' },
      { session_id: CHILD, key: 'msg_04Haiku' },
    ]);
    const row = (id: string) => db.prepare('SELECT parent_session_id, title, model, status, message_count, tool_call_count, turn_count, input_tokens, output_tokens FROM sessions WHERE id = ?').get(id);
    expect(row(CHILD)).toEqual({ parent_session_id: SESSION, title: 'List every caller of rateLimit', model: HAIKU, status: 'success', message_count: 2, tool_call_count: 0, turn_count: 0, input_tokens: 30, output_tokens: 22 });
    expect(row(SESSION)).toEqual({ parent_session_id: null, title: 'Find callers', model: 'claude-opus-4-6', status: 'success', message_count: 3, tool_call_count: 1, turn_count: 1, input_tokens: 34, output_tokens: 72 });
    expect(db.prepare('SELECT session_id, parent_session_id, tool_use_id FROM subagent_links').all()).toEqual([{ session_id: CHILD, parent_session_id: SESSION, tool_use_id: 'toolu_02Task' }]);
    db.close();
  });
});
