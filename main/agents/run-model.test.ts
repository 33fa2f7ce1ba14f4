import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AnthropicStandIn } from './fixtures/anthropic-standin.ts';
import { agentArgs } from './runner.ts';
import { agentKit, type AgentKit } from './test-kit.ts';
import { CLAUDE_CLI, offlineClaudeEnv, useRealClaude } from './fixtures/claude-cli.ts';

const DEFAULT_MODEL = 'claude-sonnet-4-5-20250929';
const USAGE = { input: 10, output: 3, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };

describe('a run with a model chosen', () => {
  it('passes the model as one --model=<name> argument before the --, for both agents', () => {
    expect(agentArgs('claude', 'hi', {}, undefined, 'claude-haiku-4-5')).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--model=claude-haiku-4-5', '--', 'hi']);
    expect(agentArgs('codex', 'hi', {}, undefined, 'gpt-5-codex')).toEqual(['exec', '--json', '--skip-git-repo-check', '--model=gpt-5-codex', '--', 'hi']);
    expect(agentArgs('claude', 'hi', {})).not.toContain(expect.stringMatching(/^--model/));
  });
});

describe.skipIf(!existsSync(CLAUDE_CLI))('a model chosen for a real Claude Code run', () => {
  let api: AnthropicStandIn;
  let kit: AgentKit;
  let folder: string;

  beforeEach(async () => {
    kit = agentKit({ now: new Date() });
    folder = join(kit.dir, 'work', 'repo');
    mkdirSync(folder, { recursive: true });
    api = new AnthropicStandIn(() => ({ blocks: [{ type: 'text', text: 'Done.' }], usage: USAGE }));
    const baseUrl = await api.start();
    const home = join(kit.dir, 'home');
    useRealClaude(kit, offlineClaudeEnv(home, baseUrl, DEFAULT_MODEL));
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    kit.agents.close();
    await api.close();
  });

  it('reaches the API as the model asked for, and the session says which model answered', async () => {
    const project = kit.agents.addProject(folder, 'Repo');
    const started = await kit.agents.runner.run(project.id, 'claude', 'Say done', undefined, { model: 'claude-haiku-4-5-20251001' });
    if (started.status !== 'started') throw new Error(started.message);
    const session = (await kit.agents.runner.finished(started.sessionId))!;
    const models = new Set(api.requests.map((r) => r.model));
    expect(models.has('claude-haiku-4-5-20251001')).toBe(true);
    expect(models.has(DEFAULT_MODEL)).toBe(false);
    expect(session).toMatchObject({ status: 'success', model: 'claude-haiku-4-5-20251001' });
  });

  it('refuses a model name that looks like an option, before anything starts', async () => {
    const project = kit.agents.addProject(folder, 'Repo');
    for (const model of ['--dangerously-skip-permissions', '-p', 'a b', '']) {
      await expect(kit.agents.runner.run(project.id, 'claude', 'Say done', undefined, { model })).rejects.toThrow(/is not a model name/);
    }
    expect(api.requests).toEqual([]);
    expect(kit.agents.store.listSessions({})).toEqual([]);
  });
});
