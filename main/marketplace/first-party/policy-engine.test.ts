import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterTools, AnthropicStandIn, type MessagesRequest, type ScriptedReply } from '../../agents/fixtures/anthropic-standin.ts';
import { FIXTURES } from '../../agents/test-kit.ts';
import { eventually } from '../../plugins/testing/harness.ts';
import { startProTest, type ProTest } from '../testing/pro-plugins.ts';
import { CLAUDE_CLI, offlineClaudeEnv } from '../../agents/fixtures/claude-cli.ts';

const ID = 'policy-engine';
const MODEL = 'claude-sonnet-4-5-20250929';
const USAGE = { input: 10, output: 30, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 };

/** What the CLI told the model about each tool call: the tool results it sent back. */
function toolResults(requests: MessagesRequest[]): string[] {
  const out = new Set<string>();
  for (const r of requests) {
    for (const m of r.messages) {
      if (!Array.isArray(m.content)) continue;
      for (const b of m.content as { type?: string; content?: unknown }[]) {
        if (b.type === 'tool_result') out.add(typeof b.content === 'string' ? b.content : JSON.stringify(b.content));
      }
    }
  }
  return [...out];
}

describe.skipIf(!existsSync(CLAUDE_CLI))('Policy Engine on a real Claude Code run', () => {
  let t: ProTest;
  let api: AnthropicStandIn;
  let folder: string;

  beforeEach(async () => {
    t = startProTest();
    folder = join(t.dataDir, 'work', 'repo');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'keep.txt'), 'precious\n');
    api = new AnthropicStandIn((request): ScriptedReply =>
      afterTools(request)
        ? { blocks: [{ type: 'text', text: 'Understood.' }], usage: USAGE }
        : {
            blocks: [
              { type: 'tool_use', id: 'toolu_rm', name: 'Bash', input: { command: `rm  -rf ${join(folder, 'keep.txt')}`, description: 'Remove the file' } },
              { type: 'tool_use', id: 'toolu_key', name: 'Write', input: { file_path: join(folder, 'secrets', 'deploy.pem'), content: 'stolen\n' } },
              { type: 'tool_use', id: 'toolu_echo', name: 'Bash', input: { command: `echo ran > ${join(folder, 'ran.txt')}`, description: 'Write a marker' } },
            ],
            usage: USAGE,
          },
    );
    const baseUrl = await api.start();
    const home = join(t.dataDir, 'cli-home');
    for (const [k, v] of Object.entries(offlineClaudeEnv(home, baseUrl, MODEL))) vi.stubEnv(k, v);
    t.core.secrets.store('ANTHROPIC_API_KEY', 'test');
    t.core.agents.updateConfig({ claudeBinary: CLAUDE_CLI, watch: false });
    await t.installPro(ID);
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    t.core.secrets.delete('ANTHROPIC_API_KEY');
    await t.close();
    await api.close();
  });

  it('denies a blocked command and a protected path with the rule\'s reason the agent receives, lets the rest run, and records each violation', async () => {
    expect(t.core.supervisor.updateSettings(ID, { blocked_commands: ['rm -rf'], protected_paths: ['secrets/**'] }).saved).toBe(true);
    const project = t.core.agents.addProject(folder, 'Repo');
    // Bash and Write are allowed for this run, so only the policy stands between the agent and those calls.
    const started = await t.core.agents.runner.run(project.id, 'claude', 'Clean up', { allowedTools: ['Bash', 'Write'] });
    if (started.status !== 'started') throw new Error(started.message);
    const session = (await t.core.agents.runner.finished(started.sessionId))!;

    expect(readFileSync(join(folder, 'keep.txt'), 'utf8')).toBe('precious\n');
    expect(existsSync(join(folder, 'secrets', 'deploy.pem'))).toBe(false);
    expect(readFileSync(join(folder, 'ran.txt'), 'utf8')).toBe('ran\n');
    const told = toolResults(api.requests);
    expect(told).toEqual(
      expect.arrayContaining([
        expect.stringContaining('The team policy blocks shell commands matching "rm -rf". (Switchboard plugin policy-engine)'),
        expect.stringContaining('The team policy protects secrets/**; secrets/deploy.pem may not be changed. (Switchboard plugin policy-engine)'),
      ]),
    );

    await eventually(() => t.core.audit.list({ eventType: 'policy_violation' }).length >= 2, 'two violation rows');
    const rows = t.core.audit.list({ eventType: 'policy_violation' });
    expect(rows.map((r) => r.detail.rule).sort()).toEqual(['blocked_command', 'protected_path']);
    expect(rows.every((r) => r.actor === 'plugin:policy-engine' && r.subject === session.id && r.detail.when === 'refused')).toBe(true);
    await eventually(() => t.native.shown.filter((n) => n.title === 'Policy: tool call refused').length >= 2, 'two desktop notifications');
    await eventually(() => t.panelText(ID).includes('The team policy protects secrets/**'), 'the violation on the panel');
  });

  it('refuses a prompt that asks for a blocked command before the agent starts', async () => {
    t.core.supervisor.updateSettings(ID, { blocked_commands: ['git push --force'] });
    const project = t.core.agents.addProject(folder, 'Repo');
    const outcome = await t.core.agents.runner.run(project.id, 'claude', 'Fix it, then git push   --force to main');
    expect(outcome).toMatchObject({ status: 'blocked', message: expect.stringContaining('The prompt asks for a command the team policy blocks ("git push --force")') });
    expect(api.requests).toEqual([]);
    await eventually(() => t.core.audit.list({ eventType: 'policy_violation' }).length === 1, 'the violation row');
  });
});

describe('Policy Engine on imported sessions', () => {
  let t: ProTest;

  beforeEach(async () => {
    t = startProTest();
    cpSync(join(FIXTURES, 'claude'), join(t.dataDir, 'home', '.claude', 'projects'), { recursive: true });
    t.core.agents.sources.scan();
    await t.installPro(ID);
  });

  afterEach(async () => {
    await t.close();
  });

  it('flags violations after the fact, each an audit row and a notification, and does not flag them twice', async () => {
    // Its own check at start, under the default rules, finds nothing in this session.
    await eventually(() => t.panelText(ID).includes('Checked 1 imported session: 0 violations.'), 'the check at start');
    t.core.supervisor.updateSettings(ID, { blocked_commands: ['npm test'], protected_paths: ['src/validate.ts'], allowed_tools: [] });
    expect(await t.action(ID, 'policy', 'scan')).toEqual({ ok: true });
    await eventually(() => t.core.audit.list({ eventType: 'policy_violation' }).length >= 2, 'two violation rows');
    const rows = t.core.audit.list({ eventType: 'policy_violation' });
    expect(rows.map((r) => [r.detail.rule, r.detail.tool, r.detail.input]).sort()).toEqual([
      ['blocked_command', 'Bash', 'npm test'],
      ['protected_path', 'Write', '/home/dev/shop/src/validate.ts'],
    ]);
    expect(rows.every((r) => r.subject === '7d0c2a51-3b8e-4f6a-9c1d-2e5f8a9b0c11' && r.detail.when === 'after the fact')).toBe(true);
    await eventually(() => t.native.shown.filter((n) => n.title === 'Policy broken in an imported session').length >= 2, 'two notifications');
    expect(t.panelText(ID)).toContain('Checked 1 imported session: 2 violations.');
    expect(t.panelText(ID)).toContain('The team policy protects src/validate.ts; src/validate.ts was changed.');

    expect(await t.action(ID, 'policy', 'scan')).toEqual({ ok: true });
    expect(t.panelText(ID)).toContain('Checked 0 imported sessions: 0 violations.');
    // New rules check the session again, but what was flagged already is not flagged twice.
    t.core.supervisor.updateSettings(ID, { blocked_commands: ['npm test', 'npm publish'] });
    expect(await t.action(ID, 'policy', 'scan')).toEqual({ ok: true });
    expect(t.panelText(ID)).toContain('Checked 1 imported session: 0 violations.');
    expect(t.core.audit.list({ eventType: 'policy_violation' })).toHaveLength(2);
  });
});
