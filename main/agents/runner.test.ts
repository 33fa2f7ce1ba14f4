import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentKit, FAKE_AGENT } from './test-kit.ts';

function setup() {
  const kit = agentKit();
  const folder = join(kit.dir, 'project');
  mkdirSync(folder);
  const project = kit.agents.addProject(folder, 'Demo');
  kit.agents.updateConfig({ claudeBinary: FAKE_AGENT, codexBinary: FAKE_AGENT, watch: false });
  kit.secrets.set('ANTHROPIC_API_KEY', 'sk-ant-test-7788');
  return { kit, folder, project };
}

const contents = (kit: ReturnType<typeof agentKit>, id: string) => kit.agents.store.messages(id).map((m) => `${m.role}/${m.type}: ${m.content}`);

describe('running an agent from the app', () => {
  it('streams a Claude Code run into the session, with the key from the keyring and the reported cost', async () => {
    const { kit, project, folder } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'List the files');
    expect(outcome.status).toBe('started');
    if (outcome.status !== 'started') return;
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session).toMatchObject({ status: 'success', origin: 'run', projectId: project.id, model: 'claude-sonnet-4-20250514', costUsd: 0.0123, costSource: 'reported', toolCallCount: 1, title: 'List the files' });
    expect(contents(kit, outcome.sessionId)).toEqual([
      'user/text: List the files',
      'system/status: Claude Code started (claude-sonnet-4-20250514)',
      'assistant/text: You asked: List the files (key ends with 7788)',
      'assistant/tool_call: Bash: ls',
      'tool/tool_result: README.md\nsrc',
      'assistant/text: Done.',
      'system/cost: Cost $0.0123 · 2 turns',
    ]);
    expect(readFileSync(join(folder, '.fake-agent-ran'), 'utf8')).toBe('List the files\n');
    expect(kit.bus.hostEvents.map((e) => e.name)).toEqual(['session.start', 'session.complete']);
    expect(kit.bus.messages.map((m) => m.type)).toEqual(['text', 'status', 'text', 'tool_call', 'tool_result', 'text', 'cost']);
    expect(kit.toasts.map((t) => t.type)).toEqual(['agent_complete']);
    // Pushed to windows live, in order.
    expect(kit.emitted.filter((e) => e.name === 'sessions.message')).toHaveLength(7);
  });

  it('shows what a subagent did without counting its task as a turn or taking its model for the session', async () => {
    const { kit, project } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'Use a subagent');
    if (outcome.status !== 'started') throw new Error('not started');
    const session = await kit.agents.runner.finished(outcome.sessionId);
    // One turn: the prompt the user typed. The task the main agent handed its subagent is part of the conversation, not a turn.
    expect(session).toMatchObject({ status: 'success', model: 'claude-sonnet-4-20250514' });
    expect(session?.turnCount).toBe(1);
    expect(contents(kit, outcome.sessionId)).toContain('user/text: Find every caller of submit()');
    expect(contents(kit, outcome.sessionId)).toContain('assistant/text: Two callers.');
    expect(kit.metrics.history(project.id)).toMatchObject([{ turnCount: 1, model: 'claude-sonnet-4-20250514' }]);
    // Nor did the window see the session switch to the subagent's model while it worked.
    const models = kit.emitted.filter((e) => e.name === 'sessions.changed').map((e) => (e.payload as { model: string | null }).model);
    expect(new Set(models)).toEqual(new Set([null, 'claude-sonnet-4-20250514']));
  });

  it('runs Codex CLI with exec --json', async () => {
    const { kit, project } = setup();
    kit.secrets.set('OPENAI_API_KEY', 'sk-openai-4455');
    const outcome = await kit.agents.runner.run(project.id, 'codex', 'Why is it slow?');
    if (outcome.status !== 'started') throw new Error('not started');
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session).toMatchObject({ status: 'success', provider: 'codex', toolCallCount: 1, inputTokens: 3000, outputTokens: 120 });
    expect(contents(kit, outcome.sessionId)).toEqual([
      'user/text: Why is it slow?',
      'system/status: Codex started',
      'assistant/thinking: **Looking at the files**',
      'assistant/tool_call: shell: bash -lc ls',
      'tool/tool_result: README.md\nsrc\n',
      'assistant/text: Codex says: Why is it slow? (key ends with 4455)',
      'system/cost: 3,120 tokens',
    ]);
  });

  it('starts nothing when a pre_flight hook blocks, and tells the user why', async () => {
    const { kit, project, folder } = setup();
    kit.bus.hooks.pre_flight = () => ({ action: 'block', status: 403, errorType: 'secret_in_prompt', message: 'The prompt contains an API key.', pluginId: 'acme.guard', metadata: {} });
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'use sk-live-123');
    expect(outcome).toEqual({ status: 'blocked', message: 'The prompt contains an API key.', pluginId: 'acme.guard' });
    expect(existsSync(join(folder, '.fake-agent-ran'))).toBe(false);
    expect(kit.agents.store.listSessions()).toEqual([]);
  });

  it('gives the agent the prompt a pre_flight hook rewrote, and post_flight hooks see each reply', async () => {
    const { kit, project, folder } = setup();
    kit.bus.hooks.pre_flight = (body) => ({ action: 'modify', body: `${body} (answer in French)`, metadata: {} });
    kit.bus.hooks.post_flight = (body) => (body === 'Done.' ? { action: 'modify', body: 'Done — reviewed.', metadata: {} } : { action: 'passthrough', body, metadata: {} });
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'Summarise');
    if (outcome.status !== 'started') throw new Error('not started');
    expect(outcome.prompt).toBe('Summarise (answer in French)');
    await kit.agents.runner.finished(outcome.sessionId);
    expect(readFileSync(join(folder, '.fake-agent-ran'), 'utf8')).toBe('Summarise (answer in French)\n');
    expect(kit.bus.hookCalls.filter((c) => c.stage === 'post_flight').map((c) => c.body)).toEqual(['You asked: Summarise (answer in French) (key ends with 7788)', 'Done.']);
    expect(contents(kit, outcome.sessionId)).toContain('assistant/text: Done — reviewed.');
  });

  it('stops a run: the agent and what it started are gone, the session says stopped', async () => {
    const { kit, project } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'sleep on it');
    if (outcome.status !== 'started') throw new Error('not started');
    await expect.poll(() => contents(kit, outcome.sessionId).find((c) => c.includes('helper pid')), { timeout: 10_000 }).toBeDefined();
    const helperPid = Number(/helper pid (\d+)/.exec(contents(kit, outcome.sessionId).find((c) => c.includes('helper pid'))!)![1]);
    expect(kit.agents.runner.stop(outcome.sessionId)).toBe(true);
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session?.status).toBe('stopped');
    await expect.poll(() => isAlive(helperPid), { timeout: 10_000 }).toBe(false);
    expect(kit.agents.runner.stop(outcome.sessionId)).toBe(false);
  });

  it('retries a rate-limited run with backoff and then succeeds', async () => {
    const { kit, project } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'fail-once:429 then work');
    if (outcome.status !== 'started') throw new Error('not started');
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session?.status).toBe('success');
    expect(kit.sleeps).toEqual([2000]);
    expect(contents(kit, outcome.sessionId)).toContain('system/status: Rate limited — retrying in 2s (attempt 2 of 4)');
    expect(kit.toasts.map((t) => t.title)).toEqual(['Rate limited — retrying in 2s', 'Agent finished: fail-once:429 then work']);
  });

  it('does not import the transcript of any attempt of a retried run as another session', async () => {
    const { kit, project, folder } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'fail-once:429 then work');
    if (outcome.status !== 'started') throw new Error('not started');
    await kit.agents.runner.finished(outcome.sessionId);
    // Claude Code starts a new session for each attempt and writes a transcript for each (the fake agent numbers them).
    const projectDir = join(kit.agents.config().claudeRoot, folder.replaceAll('/', '-'));
    mkdirSync(projectDir, { recursive: true });
    for (const attempt of [1, 2]) {
      const agentSession = `11111111-2222-4333-8444-${String(attempt).padStart(12, '0')}`;
      const record = { type: 'user', sessionId: agentSession, cwd: folder, uuid: randomUUID(), timestamp: new Date().toISOString(), message: { role: 'user', content: 'fail-once:429 then work' } };
      writeFileSync(join(projectDir, `${agentSession}.jsonl`), `${JSON.stringify(record)}\n`);
    }
    expect(kit.agents.sources.scan().messagesAdded).toBe(0);
    expect(kit.agents.store.listSessions().map((s) => s.id)).toEqual([outcome.sessionId]);
  });

  it('gives up on a run that keeps failing, labelled with its category', async () => {
    const { kit, project } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'fail:429');
    if (outcome.status !== 'started') throw new Error('not started');
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session).toMatchObject({ status: 'error', errorCategory: 'rate_limit', errorMessage: 'Rate limited — gave up after several attempts' });
    expect(kit.sleeps).toEqual([2000, 4000, 8000]);
    expect(kit.toasts.at(-1)).toMatchObject({ type: 'agent_error', message: 'Rate limited — gave up after several attempts' });
    expect(kit.metrics.history(project.id)).toMatchObject([{ status: 'error', errorMessage: 'Rate limited — gave up after several attempts' }]);
  });

  it('does not retry an authentication failure', async () => {
    const { kit, project } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'codex', 'fail:401');
    if (outcome.status !== 'started') throw new Error('not started');
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session).toMatchObject({ status: 'error', errorCategory: 'auth', errorMessage: 'Authentication failed — check API key' });
    expect(kit.sleeps).toEqual([]);
    // Codex says it twice (an `error` event, then `turn.failed`); the conversation shows it once.
    expect(contents(kit, outcome.sessionId).filter((c) => c.startsWith('system/error'))).toEqual(['system/error: unexpected status 401 Unauthorized']);
  });

  it('does not count a Codex stream that reconnected and then finished as a failure', async () => {
    const { kit, project, folder } = setup();
    const outcome = await kit.agents.runner.run(project.id, 'codex', 'reconnect please');
    if (outcome.status !== 'started') throw new Error('not started');
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session).toMatchObject({ status: 'success', errorCategory: null, outputTokens: 120 });
    // One start: the task did not run twice, nor were its tokens counted twice.
    expect(readFileSync(join(folder, '.fake-agent-ran'), 'utf8')).toBe('reconnect please\n');
    expect(kit.sleeps).toEqual([]);
    const shown = contents(kit, outcome.sessionId);
    expect(shown).toContain('system/status: Reconnecting... 1/5');
    expect(shown).toContain('system/status: Warning: Model metadata for `gpt-5-codex` not found; defaulting to fallback metadata.');
    expect(shown.filter((c) => c.startsWith('system/error'))).toEqual([]);
  });

  it('says plainly when the agent program is missing', async () => {
    const { kit, project } = setup();
    kit.agents.updateConfig({ claudeBinary: join(kit.dir, 'no-such-claude') });
    const outcome = await kit.agents.runner.run(project.id, 'claude', 'hello');
    if (outcome.status !== 'started') throw new Error('not started');
    const session = await kit.agents.runner.finished(outcome.sessionId);
    expect(session?.status).toBe('error');
    expect(session?.errorCategory).toBe('missing_cli');
    expect(kit.sleeps).toEqual([]);
    expect(session?.errorMessage).toBe(`Claude Code was not found at "${join(kit.dir, 'no-such-claude')}". Install it or set its path under Sessions → Sources.`);
  });

  it('retries a failed run from its session: the same prompt and agent in a new session, the failed one kept', async () => {
    const { kit, project, folder } = setup();
    kit.agents.updateConfig({ claudeBinary: join(kit.dir, 'no-such-claude') });
    const failed = await kit.agents.runner.run(project.id, 'claude', '--version please');
    if (failed.status !== 'started') throw new Error('not started');
    expect((await kit.agents.runner.finished(failed.sessionId))?.errorCategory).toBe('missing_cli');

    kit.agents.updateConfig({ claudeBinary: FAKE_AGENT });
    const again = await kit.agents.runner.retry(failed.sessionId);
    if (again.status !== 'started') throw new Error('not started');
    expect(again.sessionId).not.toBe(failed.sessionId);
    const session = await kit.agents.runner.finished(again.sessionId);
    expect(session).toMatchObject({ status: 'success', provider: 'claude', projectId: project.id, title: '--version please' });
    expect(readFileSync(join(folder, '.fake-agent-ran'), 'utf8')).toBe('--version please\n');
    expect(kit.agents.store.getSession(failed.sessionId)).toMatchObject({ status: 'error', errorCategory: 'missing_cli' });

    // What cannot be retried says why and starts nothing.
    await expect(kit.agents.runner.retry(again.sessionId)).rejects.toThrow('This run succeeded; start a new run from its project instead.');
    await expect(kit.agents.runner.retry('no-such-session')).rejects.toThrow('That session is not in the database any more.');
    kit.agents.removeProject(project.id);
    await expect(kit.agents.runner.retry(failed.sessionId)).rejects.toThrow('Its project was removed. Add the folder again to run there.');
    expect(kit.agents.store.listSessions()).toHaveLength(2);
  });

  it('refuses extra environment that is not a variable, is set elsewhere or changes what the agent loads, and keeps the old settings', () => {
    const { kit } = setup();
    const bad = (patch: Parameters<typeof kit.agents.updateConfig>[0]) => {
      try {
        kit.agents.updateConfig(patch);
      } catch (e) {
        return (e as Error).message;
      }
      return 'saved';
    };
    expect(bad({ claudeBaseUrl: 'gateway.local' })).toBe('The API address must be a full http(s) address, like https://gateway.example.com; "gateway.local" is not');
    expect(bad({ codexBaseUrl: 'file:///etc' })).toContain('must be a full http(s) address');
    expect(bad({ claudeEnv: [{ name: '1X', value: 'a', secret: false }] })).toBe('"1X" is not a variable name: letters, digits and underscore, not starting with a digit');
    expect(bad({ claudeEnv: [{ name: 'ANTHROPIC_API_KEY', value: 'a', secret: false }] })).toBe('ANTHROPIC_API_KEY cannot be set here: use its own field above');
    expect(bad({ codexEnv: [{ name: 'LD_PRELOAD', value: '/tmp/x.so', secret: false }] })).toBe('LD_PRELOAD cannot be set here: it changes which programs and libraries the agent loads');
    expect(bad({ claudeEnv: [{ name: 'HTTPS_PROXY', value: 'a', secret: false }, { name: 'HTTPS_PROXY', value: 'b', secret: false }] })).toBe('HTTPS_PROXY is given twice');
    expect(bad({ claudeEnv: [{ name: 'TOKEN', value: 'has space', secret: true }] })).toContain('takes its value from the keyring');
    expect(kit.agents.config()).toMatchObject({ claudeBaseUrl: '', codexBaseUrl: '', claudeEnv: [], codexEnv: [] });
    expect(bad({ claudeBaseUrl: 'https://gateway.example.test', claudeEnv: [{ name: 'HTTPS_PROXY', value: 'http://127.0.0.1:3128', secret: false }] })).toBe('saved');
    expect(kit.agents.config()).toMatchObject({ claudeBaseUrl: 'https://gateway.example.test', claudeEnv: [{ name: 'HTTPS_PROXY', value: 'http://127.0.0.1:3128', secret: false }] });
  });

  it('does not start a run whose secret variable has no keyring entry, and names the entry', async () => {
    const { kit, project } = setup();
    kit.agents.updateConfig({ claudeEnv: [{ name: 'ANTHROPIC_CUSTOM_HEADERS', value: 'gateway-headers', secret: true }] });
    await expect(kit.agents.runner.run(project.id, 'claude', 'hello')).rejects.toThrow('ANTHROPIC_CUSTOM_HEADERS comes from the keyring entry "gateway-headers", which is not set. Add it under Settings → Secrets.');
    expect(kit.agents.store.listSessions()).toEqual([]);
  });

  it('refuses bad requests with a specific message and starts nothing', async () => {
    const { kit, project, folder } = setup();
    await expect(kit.agents.runner.run('nope', 'claude', 'x')).rejects.toThrow('That project no longer exists');
    await expect(kit.agents.runner.run(project.id, 'aider', 'x')).rejects.toMatchObject({ fields: { provider: 'Unknown agent "aider". Choose Claude Code or Codex CLI.' } });
    await expect(kit.agents.runner.run(project.id, 'claude', '   ')).rejects.toMatchObject({ fields: { prompt: 'Write a prompt for the agent' } });
    await expect(kit.agents.runner.run(project.id, 'claude', 'p'.repeat(100_001))).rejects.toMatchObject({ fields: { prompt: 'At most 100,000 characters (this one has 100,001)' } });
    expect(existsSync(join(folder, '.fake-agent-ran'))).toBe(false);
    expect(kit.agents.store.listSessions()).toEqual([]);
    expect(() => kit.agents.addProject('relative/path')).toThrow('is not a full path');
    expect(() => kit.agents.addProject(join(kit.dir, 'missing'))).toThrow('does not exist');
    expect(() => kit.agents.addProject(folder)).toThrow('is already a project');
    expect(() => kit.agents.updateConfig({ claudeRoot: 'projects' })).toThrow('must be a full path');
    await expect(kit.agents.runner.run(project.id, 'claude', 'x', { allowedTools: ['--dangerously-skip-permissions'] })).rejects.toMatchObject({ fields: { 'permissions.allowedTools': expect.stringContaining('"--dangerously-skip-permissions" is not a tool rule') } });
    await expect(kit.agents.runner.run(project.id, 'claude', 'x', { permissionMode: 'yolo' as never })).rejects.toMatchObject({ fields: { 'permissions.permissionMode': expect.stringContaining('Unknown permission mode "yolo"') } });
    expect(() => kit.agents.setProjectPermissions(project.id, { disallowedTools: ['Bash\n--verbose'] })).toThrow('is not a tool rule');
    expect(kit.agents.store.getProject(project.id)!.permissions).toEqual({});
    expect(kit.agents.config().claudeBinary).toBe(FAKE_AGENT);
    writeFileSync(join(kit.dir, 'file'), '');
    expect(() => kit.agents.addProject(join(kit.dir, 'file'))).toThrow('does not exist');
  });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
