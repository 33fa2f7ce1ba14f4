import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterTools, AnthropicStandIn, type MessagesRequest, type ScriptedReply } from './fixtures/anthropic-standin.ts';
import { PRE_TOOL_TOKEN_ENV } from './pre-tool-gate.ts';
import { agentKit, type AgentKit } from './test-kit.ts';
import { CLAUDE_CLI, offlineClaudeEnv, useRealClaude } from './fixtures/claude-cli.ts';

const MODEL = 'claude-sonnet-4-5-20250929';

/** The tool results the CLI sent back to the API: what the agent was told about its tool calls. */
function toolResults(requests: MessagesRequest[]): string[] {
  const out: string[] = [];
  for (const r of requests) {
    for (const m of r.messages) {
      if (!Array.isArray(m.content)) continue;
      for (const b of m.content as { type?: string; content?: unknown }[]) {
        if (b.type !== 'tool_result') continue;
        out.push(typeof b.content === 'string' ? b.content : JSON.stringify(b.content));
      }
    }
  }
  return [...new Set(out)];
}

describe.skipIf(!existsSync(CLAUDE_CLI))('pre_tool hooks on a real Claude Code run', () => {
  let api: AnthropicStandIn;
  let kit: AgentKit;
  let folder: string;

  beforeEach(async () => {
    kit = agentKit({ now: new Date() });
    folder = join(kit.dir, 'work', 'repo');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'keep.txt'), 'precious\n');
    api = new AnthropicStandIn((request): ScriptedReply =>
      afterTools(request)
        ? { blocks: [{ type: 'text', text: 'Understood.' }], usage: { input: 20, output: 3, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 } }
        : {
            blocks: [
              { type: 'tool_use', id: 'toolu_rm', name: 'Bash', input: { command: `rm -f ${join(folder, 'keep.txt')}`, description: 'Remove the file' } },
              { type: 'tool_use', id: 'toolu_echo', name: 'Bash', input: { command: `echo ran > ${join(folder, 'ran.txt')}`, description: 'Write a marker' } },
            ],
            usage: { input: 10, output: 30, cacheRead: 0, cacheWrite5m: 0, cacheWrite1h: 0 },
          },
    );
    const baseUrl = await api.start();
    const home = join(kit.dir, 'home');
    useRealClaude(kit, offlineClaudeEnv(home, baseUrl, MODEL));
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    kit.agents.close();
    await api.close();
  });

  it('denies the tool call a plugin blocks, with the reason the agent receives, and lets the others run', async () => {
    kit.bus.hooks.pre_tool = (tool, metadata) => {
      const command = String((metadata.tool_input as { command?: unknown }).command ?? '');
      return tool === 'Bash' && command.startsWith('rm ')
        ? { action: 'block', status: 403, errorType: 'policy', message: 'Deleting files is not allowed by the team policy', pluginId: 'policy-engine', metadata }
        : { action: 'passthrough', body: tool, metadata };
    };
    const project = kit.agents.addProject(folder, 'Repo');
    // Bash is allowed for this run, so only the hook stands between the agent and `rm`.
    const started = await kit.agents.runner.run(project.id, 'claude', 'Clean up', { allowedTools: ['Bash'] });
    if (started.status !== 'started') throw new Error(started.message);
    const session = (await kit.agents.runner.finished(started.sessionId))!;

    expect(readFileSync(join(folder, 'keep.txt'), 'utf8')).toBe('precious\n');
    expect(readFileSync(join(folder, 'ran.txt'), 'utf8')).toBe('ran\n');
    const told = toolResults(api.requests);
    expect(told.some((t) => t.includes('Deleting files is not allowed by the team policy (Switchboard plugin policy-engine)'))).toBe(true);

    const calls = kit.bus.hookCalls.filter((c) => c.stage === 'pre_tool');
    expect(calls.map((c) => (c.metadata.tool_input as { command: string }).command)).toEqual([
      `rm -f ${join(folder, 'keep.txt')}`,
      `echo ran > ${join(folder, 'ran.txt')}`,
    ]);
    expect(calls.every((c) => c.metadata.session_id === session.id && c.metadata.tool_name === 'Bash')).toBe(true);
    const results = kit.agents.store.messages(session.id).filter((m) => m.type === 'tool_result').map((m) => m.tool_result!.content);
    expect(results.some((r) => r.includes('Deleting files is not allowed by the team policy'))).toBe(true);
  });

  it('answers only the run it was opened for, with its token', async () => {
    const hook = await kit.agents.preTool.open('session-a');
    const settings = JSON.parse(hook.settings) as { hooks: { PreToolUse: { hooks: { url: string }[] }[] } };
    const url = settings.hooks.PreToolUse[0]!.hooks[0]!.url;
    expect(new URL(url).hostname).toBe('127.0.0.1');
    const post = (headers: Record<string, string>) =>
      fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ tool_name: 'Bash', tool_input: { command: 'ls' } }) });
    expect((await post({})).status).toBe(404);
    expect((await post({ authorization: 'Bearer wrong' })).status).toBe(404);
    expect((await post({ authorization: `Bearer ${hook.env[PRE_TOOL_TOKEN_ENV]}` })).status).toBe(200);
    hook.close();
    expect((await post({ authorization: `Bearer ${hook.env[PRE_TOOL_TOKEN_ENV]}` })).status).toBe(404);
  });
});
