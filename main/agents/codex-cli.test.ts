import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { codexConfig, ResponsesStandIn, type ResponsesReply } from './fixtures/openai-standin.ts';
import { agentKit, type AgentKit } from './test-kit.ts';

/** The real Codex CLI (the npm package with its native binary), installed for the tests. */
const CODEX_CLI = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'codex');

// A real CLI start is slow on a loaded machine: a generous bound, not a speed check.
describe.skipIf(!existsSync(CODEX_CLI))('the real Codex CLI against a stand-in of the Responses API', { timeout: 120_000 }, () => {
  let api: ResponsesStandIn | undefined;
  let kit: AgentKit | undefined;

  afterEach(async () => {
    vi.unstubAllEnvs();
    kit?.agents.close();
    await api?.close();
  });

  async function run(script: (index: number) => ResponsesReply) {
    kit = agentKit({ now: new Date() });
    api = new ResponsesStandIn(script);
    const codexHome = join(kit.dir, 'home', '.codex');
    mkdirSync(codexHome, { recursive: true });
    writeFileSync(join(codexHome, 'config.toml'), codexConfig(await api.start()));
    vi.stubEnv('HOME', join(kit.dir, 'home'));
    vi.stubEnv('CODEX_HOME', codexHome);
    kit.secrets.set('OPENAI_API_KEY', 'test');
    kit.agents.updateConfig({ codexBinary: CODEX_CLI, watch: false });
    const folder = join(kit.dir, 'work', 'api');
    mkdirSync(folder, { recursive: true });
    const project = kit.agents.addProject(folder, 'API');
    const started = await kit.agents.runner.run(project.id, 'codex', 'Say hi');
    if (started.status !== 'started') throw new Error('not started');
    const session = (await kit.agents.runner.finished(started.sessionId))!;
    return { session, shown: kit.agents.store.messages(session.id).map((m) => `${m.role}/${m.type}: ${m.content}`) };
  }

  it('a dropped stream that Codex reconnects is not a failure: one start, tokens counted once', async () => {
    const { session, shown } = await run((i) => (i === 0 ? { drop: true } : { text: 'Hello from the stand-in.', usage: { input: 1200, cached: 200, output: 30 } }));
    expect(session).toMatchObject({ status: 'success', errorCategory: null, inputTokens: 1200, outputTokens: 30 });
    expect(shown.filter((m) => /^system\/status: Reconnecting\.\.\. 1\/3/.test(m))).toHaveLength(1);
    expect(shown.filter((m) => m.startsWith('system/error'))).toEqual([]);
    // Codex's own warning about its model metadata is a warning.
    expect(shown.some((m) => m.startsWith('system/status: Warning: Model metadata'))).toBe(true);
    expect(shown.filter((m) => m === 'assistant/text: Hello from the stand-in.')).toHaveLength(1);
    expect(api!.requests).toBe(2);
    expect(kit!.sleeps).toEqual([]);
    // One session in Codex's own log: the task was not started again.
    expect(shown.filter((m) => m === 'system/status: Codex started')).toHaveLength(1);
  });

  it('a failure Codex reports twice (error, then turn.failed) is shown once and labelled', async () => {
    const { session, shown } = await run(() => ({ status: 401, message: 'Incorrect API key provided: test.', code: 'invalid_api_key' }));
    // Codex retried the call itself; the app labels the failure and does not start it again.
    expect(session).toMatchObject({ status: 'error', errorCategory: 'auth', errorMessage: 'Authentication failed — check API key (Codex CLI retried 3 times itself)' });
    expect(shown.filter((m) => m.startsWith('system/error'))).toEqual([expect.stringContaining('unexpected status 401 Unauthorized: Incorrect API key provided')]);
    expect(kit!.sleeps).toEqual([]);
  });
});
