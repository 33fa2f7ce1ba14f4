import { appendFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentKit, type AgentKit } from './test-kit.ts';

const S = 'a0000000-0000-4000-8000-00000000000a';
const OTHER = 'b0000000-0000-4000-8000-00000000000b';

function line(kit: AgentKit, n: number, text: string, extra: Record<string, unknown> = {}, session = S): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    type: n % 2 ? 'user' : 'assistant',
    sessionId: session,
    cwd: '/work/live',
    gitBranch: 'main',
    uuid: `${session.slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`,
    timestamp: new Date(kit.clock.now.getTime() + n).toISOString(),
    message: n % 2 ? { role: 'user', content: text } : { id: `msg_${n}`, role: 'assistant', model: 'claude-sonnet-4-20250514', content: [{ type: 'text', text }], usage: { input_tokens: 10, output_tokens: 5 } },
    ...extra,
  });
}

function setup() {
  const kit = agentKit({ now: new Date() });
  const dir = join(kit.dir, 'home', '.claude', 'projects', '-work-live');
  mkdirSync(dir, { recursive: true });
  return { kit, dir, file: join(dir, `${S}.jsonl`) };
}

const texts = (kit: AgentKit, id = S) => kit.agents.store.messages(id).map((m) => m.content);

describe('following transcripts live', () => {
  it('holds a partial last line until it is complete, then delivers it to the window and to plugins', async () => {
    const { kit, file } = setup();
    const second = line(kit, 2, 'Looking at the live file now.');
    writeFileSync(file, `${line(kit, 1, 'Follow this file')}\n${second.slice(0, 40)}`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(1);
    expect(texts(kit)).toEqual(['Follow this file']);
    expect(kit.bus.hostEvents.map((e) => e.name)).toEqual(['session.start']);
    expect(kit.bus.messages.map((m) => m.content)).toEqual(['Follow this file']);

    appendFileSync(file, `${second.slice(40)}\n`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(1);
    expect(texts(kit)).toEqual(['Follow this file', 'Looking at the live file now.']);
    expect(kit.bus.messages.map((m) => m.content)).toEqual(['Follow this file', 'Looking at the live file now.']);
    expect(kit.bus.messages[1]).toMatchObject({ sessionId: S, provider: 'claude', role: 'assistant', type: 'text', usage: { input_tokens: 10, output_tokens: 5 } });
    const pushed = kit.emitted.filter((e) => e.name === 'sessions.message').map((e) => (e.payload as { content: string; index: number }));
    expect(pushed.map((p) => [p.index, p.content])).toEqual([[0, 'Follow this file'], [1, 'Looking at the live file now.']]);
    expect(kit.agents.store.getSession(S)!.status).toBe('running');
    // Search sees it at once.
    expect((await kit.search.all('live file')).messages.map((h) => h.sessionId)).toEqual([S]);
  });

  it('never imports the transcript of a run the app started, even when it appears before the run says its id', () => {
    const { kit, dir, file } = setup();
    const at = kit.clock.now.toISOString();
    // A run has started; Claude Code writes its transcript before the stream has said which session it is.
    kit.agents.pipeline.write((w) => w.session({ id: 'run-1', provider: 'claude', cwd: '/work/live', timestamp: at }, 'run'));
    writeFileSync(file, `${line(kit, 1, 'the prompt the run sent')}\n`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);
    expect(kit.agents.store.hasSession(S)).toBe(false);
    // The stream's init names the session: the file is the run's own and stays out.
    kit.agents.pipeline.write((w) => w.session({ id: 'run-1', provider: 'claude', externalId: S }, 'run'));
    appendFileSync(file, `${line(kit, 2, 'the reply the run streamed')}\n`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);
    expect(kit.agents.store.hasSession(S)).toBe(false);
    // Once no run is waiting for its id, other sessions' transcripts are imported as usual.
    kit.agents.pipeline.complete('run-1', { status: 'success', endedAt: at });
    writeFileSync(join(dir, `${OTHER}.jsonl`), `${line(kit, 1, 'typed in a terminal', {}, OTHER)}\n`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(1);
    expect(texts(kit, OTHER)).toEqual(['typed in a terminal']);
    expect(kit.agents.store.hasSession(S)).toBe(false);
  });

  it('keeps out the transcript of every attempt of a retried run, also before the new attempt says its id', () => {
    const { kit, dir, file } = setup();
    const at = kit.clock.now.toISOString();
    const SECOND = 'c0000000-0000-4000-8000-00000000000c';
    kit.agents.pipeline.write((w) => w.session({ id: 'run-1', provider: 'claude', cwd: '/work/live', timestamp: at, externalId: S }, 'run'));
    writeFileSync(file, `${line(kit, 1, 'the first attempt')}\n`);
    // The first attempt failed and the run starts the agent again, as a new agent session (what the runner does).
    kit.agents.store.awaitAgentId('run-1');
    writeFileSync(join(dir, `${SECOND}.jsonl`), `${line(kit, 1, 'the second attempt', {}, SECOND)}\n`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);
    kit.agents.pipeline.write((w) => w.session({ id: 'run-1', provider: 'claude', externalId: SECOND }, 'run'));
    appendFileSync(join(dir, `${SECOND}.jsonl`), `${line(kit, 2, 'the reply', {}, SECOND)}\n`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);
    kit.agents.pipeline.complete('run-1', { status: 'success', endedAt: at });
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);
    expect(kit.agents.store.listSessions().map((s) => s.id)).toEqual(['run-1']);
  });

  it('ends a run the app was in the middle of when it last closed, so transcripts are not held back by it', () => {
    const { kit, dir } = setup();
    const at = kit.clock.now.toISOString();
    kit.agents.pipeline.write((w) => w.session({ id: 'run-1', provider: 'claude', cwd: '/work/live', timestamp: at }, 'run'));
    // The app quits (or crashes) mid-run and starts again.
    const agents = kit.restart();
    expect(agents.store.getSession('run-1')).toMatchObject({ status: 'stopped', errorMessage: expect.stringContaining('Switchboard closed while this run was going') });
    writeFileSync(join(dir, `${OTHER}.jsonl`), `${line(kit, 1, 'typed in a terminal', {}, OTHER)}\n`);
    expect(agents.sources.scan().messagesAdded).toBe(1);
  });

  it('picks up files and subagent transcripts that appear later', () => {
    const { kit, dir, file } = setup();
    writeFileSync(file, `${line(kit, 1, 'first session')}\n`);
    kit.agents.sources.scan();
    writeFileSync(join(dir, `${OTHER}.jsonl`), `${line(kit, 1, 'second session', {}, OTHER)}\n`);
    mkdirSync(join(dir, S, 'subagents'), { recursive: true });
    writeFileSync(join(dir, S, 'subagents', 'agent-abc1234.jsonl'), `${line(kit, 3, 'subagent prompt', { isSidechain: true, agentId: 'abc1234' })}\n`);
    const report = kit.agents.sources.scan();
    expect(report.messagesAdded).toBe(2);
    expect(texts(kit)).toEqual(['first session']);
    expect(texts(kit, `${S}:agent-abc1234`)).toEqual(['subagent prompt']);
    expect(texts(kit, OTHER)).toEqual(['second session']);
  });

  it('re-reads a rewritten file without duplicates and forgets a removed one, keeping its messages', () => {
    const { kit, file } = setup();
    writeFileSync(file, [1, 2, 3].map((n) => line(kit, n, `message ${n}`)).join('\n') + '\n');
    kit.agents.sources.scan();
    // Rewritten shorter (as an editor or a compaction would), with one new record.
    rmSync(file);
    writeFileSync(file, `${line(kit, 1, 'message 1')}\n${line(kit, 4, 'message 4 after rewrite')}\n`);
    const report = kit.agents.sources.scan();
    expect(report.messagesAdded).toBe(1);
    expect(texts(kit)).toEqual(['message 1', 'message 2', 'message 3', 'message 4 after rewrite']);
    // Truncated in place to zero and written again: same records, nothing new.
    writeFileSync(file, `${line(kit, 1, 'message 1')}\n`);
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);

    rmSync(file);
    expect(kit.agents.sources.scan().filesRemoved).toBe(1);
    expect(kit.agents.store.cursor(file)).toBeUndefined();
    expect(texts(kit)).toHaveLength(4);
  });

  it('ends a quiet session: status, session.complete, a toast and a metrics row', () => {
    const { kit, file } = setup();
    writeFileSync(file, `${line(kit, 1, 'Quick fix please')}\n${line(kit, 2, 'Fixed.')}\n`);
    kit.agents.sources.scan();
    kit.clock.now = new Date(kit.clock.now.getTime() + 6 * 60_000);
    kit.agents.sources.scan();
    const session = kit.agents.store.getSession(S)!;
    expect(session.status).toBe('success');
    expect(kit.bus.hostEvents.map((e) => e.name)).toEqual(['session.start', 'session.complete']);
    expect(kit.toasts.map((t) => [t.type, t.title])).toEqual([['agent_complete', 'Agent finished: Quick fix please']]);
    expect(kit.metrics.history(null)).toMatchObject([{ sessionId: S, status: 'success', turnCount: 1, totalTokens: 15 }]);
  });

  it('labels a session whose last word was an API error with its category', () => {
    const { kit, file } = setup();
    const apiError = line(kit, 2, 'API Error: 429 {"type":"error","error":{"type":"rate_limit_error","message":"rate limit exceeded"}}', { isApiErrorMessage: true });
    writeFileSync(file, `${line(kit, 1, 'Refactor the parser')}\n${apiError}\n`);
    kit.agents.sources.scan();
    kit.clock.now = new Date(kit.clock.now.getTime() + 6 * 60_000);
    kit.agents.sources.scan();
    expect(kit.agents.store.getSession(S)).toMatchObject({ status: 'error', errorCategory: 'rate_limit', errorMessage: 'Rate limited — gave up after several attempts' });
    expect(kit.toasts.map((t) => t.type)).toEqual(['agent_error']);
  });

  it('follows a growing file through the watcher, without an explicit scan', async () => {
    const { kit, file } = setup();
    writeFileSync(file, `${line(kit, 1, 'watched prompt')}\n`);
    kit.agents.sources.start(60_000);
    try {
      await expect.poll(() => texts(kit), { timeout: 10_000 }).toEqual(['watched prompt']);
      appendFileSync(file, `${line(kit, 2, 'watched reply')}\n`);
      await expect.poll(() => texts(kit), { timeout: 10_000 }).toEqual(['watched prompt', 'watched reply']);
    } finally {
      kit.agents.sources.stop();
    }
  });
});
