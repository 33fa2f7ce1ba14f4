import { describe, expect, it } from 'vitest';
import { agentKit } from './test-kit.ts';

const CLAUDE_SESSION = '7d0c2a51-3b8e-4f6a-9c1d-2e5f8a9b0c11';
const CODEX_SESSION = '0197a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b';

describe('importing transcripts', () => {
  it('imports the Claude Code fixture with exact counts and shapes', () => {
    const kit = agentKit({ copyFixtures: true });
    const project = kit.agents.store.addProject('/home/dev/shop', 'Shop');
    const report = kit.agents.sources.scan();
    expect(report).toMatchObject({ malformedLines: 2, unknownRecords: 2, filesRead: 3 });

    const session = kit.agents.store.getSession(CLAUDE_SESSION)!;
    expect(session).toMatchObject({
      provider: 'claude',
      origin: 'transcript',
      projectId: project.id,
      model: 'claude-sonnet-4-20250514',
      title: 'Add input validation to the checkout form',
      cwd: '/home/dev/shop',
      gitBranch: 'feature/validation',
      messageCount: 13,
      toolCallCount: 4,
      // The user's prompt (the second is the truncated last line); the subagent's task prompt is not a turn.
      turnCount: 1,
      startedAt: '2025-06-01T10:00:00.000Z',
      // Quiet since 2025: the idle rule ended it.
      status: 'success',
      endedAt: '2025-06-01T10:00:40.000Z',
    });
    // Usage of msg_01 appears on two records and counts once; the subagent's (800 in, 90 out) is part of it.
    expect(session.inputTokens).toBe(2180 + 32800 + 300);
    expect(session.outputTokens).toBe(1115);
    expect(session.peakTokens).toBe(7745);
    expect(session.costSource).toBe('estimated');
    expect(session.subagentCount).toBe(1);
    expect(session.models.map((m) => m.model)).toContain('claude-3-5-haiku-20241022');

    // The subagent is a session of its own under its parent, not part of the parent's conversation or the list.
    const [child] = kit.agents.store.subagents(CLAUDE_SESSION);
    expect(child).toMatchObject({
      id: `${CLAUDE_SESSION}:agent-a7c3e91`,
      parentSessionId: CLAUDE_SESSION,
      projectId: project.id,
      title: 'Find every caller of submit() in src/',
      model: 'claude-3-5-haiku-20241022',
      messageCount: 2,
      turnCount: 0,
      inputTokens: 800,
      outputTokens: 90,
      subagentCount: 0,
    });
    expect(kit.agents.store.messages(child!.id).map((m) => `${m.role}/${m.type}`)).toEqual(['user/text', 'assistant/text']);
    expect(kit.agents.store.listSessions().map((s) => s.id)).not.toContain(child!.id);
    // The Claude Code session and the Codex one in shop/api; the subagent is not a third.
    expect(kit.agents.store.listProjects()[0]!.sessionCount).toBe(2);

    const messages = kit.agents.store.messages(CLAUDE_SESSION);
    expect(messages.map((m) => `${m.role}/${m.type}`)).toEqual([
      'user/text',
      'assistant/thinking',
      'assistant/tool_call',
      'tool/tool_result',
      'assistant/tool_call',
      'tool/tool_result',
      'assistant/tool_call',
      'tool/tool_result',
      'assistant/text',
      'assistant/tool_call',
      'tool/tool_result',
      'system/status',
      'assistant/text',
    ]);
    expect(messages).toHaveLength(13);
    const edit = messages.find((m) => m.tool_call?.name === 'Edit')!;
    expect(edit.tool_call!.input).toMatchObject({ file_path: '/home/dev/shop/src/checkout.ts' });
    expect(edit.content).toBe('Edit: /home/dev/shop/src/checkout.ts');
    const failed = messages.find((m) => m.tool_result?.tool_call_id === 'toolu_03Bash')!;
    expect(failed.tool_result).toMatchObject({ is_error: true });
    expect(failed.content).toContain('validateCard is not defined');
    expect(messages[0]).toMatchObject({ content: expect.stringContaining('Please add validation'), sessionId: CLAUDE_SESSION, projectId: project.id });
    // The raw record is kept for every message.
    expect(JSON.parse(kit.agents.store.rawRecord(messages[1]!.id)!)).toMatchObject({ type: 'assistant', uuid: 'e0f1a2b3-0000-4000-8000-000000000002' });
    // The unknown record type is kept raw.
    const unknown = kit.db.prepare('SELECT record_type, raw FROM unknown_records WHERE session_id = ?').all(CLAUDE_SESSION) as { record_type: string; raw: string }[];
    expect(unknown.map((u) => u.record_type)).toEqual(['custom-future-record']);
    expect(JSON.parse(unknown[0]!.raw).data.note).toContain('does not know');
  });

  it('imports the Codex CLI fixture with exact counts and shapes', () => {
    const kit = agentKit({ copyFixtures: true });
    kit.agents.sources.scan();
    const session = kit.agents.store.getSession(CODEX_SESSION)!;
    expect(session).toMatchObject({
      provider: 'codex',
      model: 'gpt-5-codex',
      cwd: '/home/dev/shop/api',
      gitBranch: 'main',
      title: 'Why does the /orders endpoint return 500 when the cart has a coupon?',
      messageCount: 10,
      toolCallCount: 2,
      turnCount: 1,
      inputTokens: 2084 + 9216,
      outputTokens: 405,
      projectId: null,
    });
    const messages = kit.agents.store.messages(CODEX_SESSION);
    expect(messages.map((m) => `${m.role}/${m.type}`)).toEqual([
      'system/status',
      'user/text',
      'assistant/thinking',
      'assistant/tool_call',
      'tool/tool_result',
      'system/cost',
      'assistant/tool_call',
      'tool/tool_result',
      'assistant/text',
      'system/cost',
    ]);
    expect(messages[3]!.tool_call).toEqual({ id: 'call_1', name: 'shell', input: { command: ['bash', '-lc', 'rg -n "coupon" src'], workdir: '/home/dev/shop/api' } });
    expect(messages[4]!.tool_result).toMatchObject({ tool_call_id: 'call_1', is_error: false, content: expect.stringContaining('src/orders.ts:12') });
    expect(messages[6]!.tool_call).toMatchObject({ name: 'apply_patch', input: expect.stringContaining('*** Update File: src/orders.ts') });
    const cursor = kit.agents.store.cursor(kit.db.prepare("SELECT path FROM import_files WHERE provider = 'codex'").pluck().get() as string)!;
    expect(cursor).toMatchObject({ malformedCount: 1, unknownCount: 1, sessionId: CODEX_SESSION });
  });

  it('adds nothing when the same files are imported again, even from scratch', async () => {
    const kit = agentKit({ copyFixtures: true });
    const first = kit.agents.sources.scan();
    expect(first.messagesAdded).toBe(25);
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);
    // Forget every cursor: each file is read again from byte 0.
    kit.db.exec('DELETE FROM import_files');
    const again = kit.agents.sources.scan();
    expect(again.filesRead).toBe(3);
    expect(again.messagesAdded).toBe(0);
    expect(kit.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(25);
    expect((await kit.search.init()).messages).toBe(23);
    expect(kit.agents.store.getSession(CLAUDE_SESSION)!.inputTokens).toBe(2180 + 32800 + 300);
  });

  it('attaches sessions to the closest project folder and lets them go when it is removed', () => {
    const kit = agentKit({ copyFixtures: true });
    kit.agents.sources.scan();
    const shop = kit.agents.store.addProject('/home/dev/shop', 'Shop');
    const api = kit.agents.store.addProject('/home/dev/shop/api/', 'API');
    expect(kit.agents.store.getSession(CLAUDE_SESSION)!.projectId).toBe(shop.id);
    expect(kit.agents.store.getSession(CODEX_SESSION)!.projectId).toBe(api.id);
    kit.agents.store.removeProject(api.id);
    expect(kit.agents.store.getSession(CODEX_SESSION)!.projectId).toBe(shop.id);
  });

  it('a window listener that throws on one write of a batch does not silence the writes after it', async () => {
    const kit = agentKit({ now: new Date() });
    const at = new Date().toISOString();
    let failures = 0;
    kit.events.subscribe((name) => {
      if (name === 'sessions.message' && failures++ === 0) throw new Error('window went away');
    });
    kit.agents.pipeline.batch(() => {
      for (const id of ['s1', 's2']) {
        kit.agents.pipeline.write((w) => {
          w.session({ id, provider: 'claude', timestamp: at }, 'transcript');
          w.messages([{ id: `${id}:m`, sessionId: id, provider: 'claude', timestamp: at, type: 'text', role: 'assistant', content: `hello from ${id} walrus`, raw: '{}' }]);
        });
      }
    });
    expect(failures).toBeGreaterThan(1);
    expect(kit.bus.messages.map((m) => m.id)).toEqual(['s1:m', 's2:m']);
    expect((await kit.search.all('walrus')).messages.map((h) => h.messageId).sort()).toEqual(['s1:m', 's2:m']);
  });

  it('stores an id repeated in one batch once, and a rolled-back batch leaves nothing behind and tells no one', async () => {
    const kit = agentKit({ now: new Date() });
    const at = new Date().toISOString();
    const msg = (id: string, content: string) => ({ id, sessionId: 's1', provider: 'claude', timestamp: at, type: 'text' as const, role: 'assistant' as const, content, raw: '{}' });
    kit.agents.pipeline.write((w) => {
      w.session({ id: 's1', provider: 'claude', timestamp: at }, 'transcript');
      w.messages([msg('a', 'first alpha'), msg('a', 'second alpha'), msg('b', 'bravo')]);
    });
    expect(kit.agents.store.messages('s1').map((m) => m.content)).toEqual(['first alpha', 'bravo']);
    expect(kit.agents.store.getSession('s1')!.messageCount).toBe(2);
    expect((await kit.search.all('alpha')).messages.map((h) => h.messageId)).toEqual(['a']);
    const delivered = kit.bus.messages.length;

    expect(() =>
      kit.agents.pipeline.batch(() => {
        kit.agents.pipeline.write((w) => w.messages([msg('c', 'charlie')]));
        throw new Error('disk full');
      }),
    ).toThrow('disk full');
    expect(kit.agents.store.messages('s1')).toHaveLength(2);
    expect((await kit.search.all('charlie')).messages).toEqual([]);
    expect(kit.bus.messages).toHaveLength(delivered);

    // A failed write inside a batch is undone alone; the others commit, are indexed and delivered after the commit, in order.
    kit.agents.pipeline.batch(() => {
      kit.agents.pipeline.write((w) => w.messages([msg('d', 'delta')]));
      expect(() =>
        kit.agents.pipeline.write((w) => {
          w.messages([msg('e', 'echo')]);
          throw new Error('bad record');
        }),
      ).toThrow('bad record');
      kit.agents.pipeline.write((w) => w.messages([msg('f', 'foxtrot')]));
      expect(kit.bus.messages).toHaveLength(delivered);
    });
    expect(kit.agents.store.messages('s1').map((m) => m.id)).toEqual(['a', 'b', 'd', 'f']);
    expect((await kit.search.all('foxtrot')).messages.map((h) => h.messageId)).toEqual(['f']);
    expect((await kit.search.all('echo')).messages).toEqual([]);
    expect((await kit.search.init()).messages).toBe(4);
    expect(kit.bus.messages.slice(delivered).map((m) => m.id)).toEqual(['d', 'f']);
  });
});
