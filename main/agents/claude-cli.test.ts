import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { afterTools, AnthropicStandIn, firstPrompt, type MessagesRequest, type ScriptedReply, type ScriptedUsage } from './fixtures/anthropic-standin.ts';
import { agentKit, type AgentKit } from './test-kit.ts';
import { CLAUDE_CLI, offlineClaudeEnv, useRealClaude } from './fixtures/claude-cli.ts';

const MAIN_MODEL = 'claude-sonnet-4-5-20250929';
const HAIKU_MODEL = 'claude-haiku-4-5-20251001';
const TASK_PROMPT = 'List the notes in notes.txt, one per line';

const usage = (input: number, output: number, cacheRead: number, cacheWrite5m: number, cacheWrite1h: number): ScriptedUsage => ({ input, output, cacheRead, cacheWrite5m, cacheWrite1h });

/**
 * A conversation with tools: the first reply has text, a Read and a Task call (a foreground
 * subagent that runs on Haiku); the subagent answers; the main conversation ends with text.
 */
const conversation = (folder: string) => (request: MessagesRequest): ScriptedReply => {
  if (firstPrompt(request).includes(TASK_PROMPT)) return { blocks: [{ type: 'text', text: 'Notes: buy milk; fix the limiter.' }], usage: usage(900, 37, 0, 2600, 0) };
  // The first call of the main conversation; any later one (after tools, or after a notice) ends it.
  if (!request.messages.some((m) => m.role === 'assistant')) {
    return {
      blocks: [
        { type: 'text', text: 'I will read the notes and ask a helper to list them.' },
        { type: 'tool_use', id: 'toolu_standin_read', name: 'Read', input: { file_path: join(folder, 'notes.txt') } },
        { type: 'tool_use', id: 'toolu_standin_task', name: 'Task', input: { description: 'List notes', prompt: TASK_PROMPT, subagent_type: 'general-purpose', model: 'haiku', run_in_background: false } },
      ],
      usage: usage(12, 208, 14000, 1800, 600),
    };
  }
  return { blocks: [{ type: 'text', text: 'All done: two notes.' }], usage: usage(40, 25, 16400, 300, 0) };
};

/** What the Task tool's `model: "haiku"` means: a model the price list knows; the CLI may retry twice itself. */
const offlineEnv = (home: string, baseUrl: string) => offlineClaudeEnv(home, baseUrl, MAIN_MODEL, { ANTHROPIC_DEFAULT_HAIKU_MODEL: HAIKU_MODEL, CLAUDE_CODE_MAX_RETRIES: '2' });

function transcripts(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(dir, e.name));
      else if (e.name.endsWith('.jsonl')) out.push(join(dir, e.name));
    }
  };
  if (existsSync(root)) walk(root);
  return out.sort();
}

// A real CLI start is slow on a loaded machine: a generous bound, not a speed check.
describe.skipIf(!existsSync(CLAUDE_CLI))('the real Claude Code CLI against a stand-in of the Messages API', { timeout: 120_000 }, () => {
  let api: AnthropicStandIn;
  let kit: AgentKit;
  let folder: string;

  beforeEach(async () => {
    kit = agentKit({ now: new Date() });
    folder = join(kit.dir, 'work', 'notes');
    api = new AnthropicStandIn(conversation(folder));
    const baseUrl = await api.start();
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'notes.txt'), 'buy milk\nfix the limiter\n');
    useRealClaude(kit, offlineEnv(join(kit.dir, 'home'), baseUrl));
  });

  afterEach(async () => {
    vi.unstubAllEnvs();
    kit.agents.close();
    await api.close();
  });

  it('sends the run to the API address and with the extra variables set under Sources, a secret one from the keyring', async () => {
    // The address the environment names is not the one used: the provider setting wins.
    const gateway = process.env.ANTHROPIC_BASE_URL!;
    vi.stubEnv('ANTHROPIC_BASE_URL', 'http://127.0.0.1:9');
    kit.secrets.set('gateway-headers', 'x-gateway-token: tok-5521');
    kit.agents.updateConfig({ claudeBaseUrl: gateway, claudeEnv: [{ name: 'ANTHROPIC_CUSTOM_HEADERS', value: 'gateway-headers', secret: true }, { name: 'CLAUDE_CODE_MAX_RETRIES', value: '0', secret: false }] });
    const project = kit.agents.addProject(folder, 'Notes');
    const started = await kit.agents.runner.run(project.id, 'claude', 'Summarise my notes');
    const run = (await kit.agents.runner.finished(started.status === 'started' ? started.sessionId : ''))!;
    expect(run.status).toBe('success');
    expect(api.headers.length).toBeGreaterThan(0);
    expect(api.headers.every((h) => h['x-gateway-token'] === 'tok-5521')).toBe(true);
  });

  it('stores the run with the figures of its transcript: tokens per model, cost and turns', async () => {
    const project = kit.agents.addProject(folder, 'Notes');
    const started = await kit.agents.runner.run(project.id, 'claude', 'Summarise my notes');
    expect(started.status).toBe('started');
    const run = (await kit.agents.runner.finished(started.status === 'started' ? started.sessionId : ''))!;
    expect(run.status).toBe('success');

    // The stand-in is the independent count: what it sent, per model.
    expect(api.sent.map((s) => s.model)).toEqual([MAIN_MODEL, HAIKU_MODEL, MAIN_MODEL]);
    const sum = (model: string, f: (u: ScriptedUsage) => number) => api.sent.filter((s) => s.model === model).reduce((n, s) => n + f(s.usage), 0);
    const byModel = Object.fromEntries(run.models.map((m) => [m.model, m]));
    for (const model of [MAIN_MODEL, HAIKU_MODEL]) {
      expect(byModel[model]).toMatchObject({
        inputTokens: sum(model, (u) => u.input),
        outputTokens: sum(model, (u) => u.output),
        cacheReadTokens: sum(model, (u) => u.cacheRead),
        cacheWrite5mTokens: sum(model, (u) => u.cacheWrite5m),
        cacheWrite1hTokens: sum(model, (u) => u.cacheWrite1h),
        costSource: 'reported',
      });
    }
    expect(run.outputTokens).toBe(208 + 37 + 25);
    expect(run.costSource).toBe('reported');
    expect(run.turnCount).toBe(1);
    // What the stream said that the app does not show (the subagent's task events) is kept raw and counted.
    expect(kit.db.prepare("SELECT DISTINCT record_type FROM unknown_records WHERE session_id = ?").pluck().all(run.id)).toContain('system/task_started');
    expect(kit.agents.status().unknownRecords).toBeGreaterThan(0);
    // The final reply is shown once, and so is each tool call.
    const messages = kit.agents.store.messages(run.id);
    expect(messages.filter((m) => m.content === 'All done: two notes.')).toHaveLength(1);
    expect(messages.filter((m) => m.type === 'tool_call').map((m) => m.tool_call!.name)).toEqual(['Read', 'Task']);

    // The transcript the CLI wrote, imported on its own, gives the same figures (cost estimated from list prices).
    const written = transcripts(join(kit.dir, 'home', '.claude', 'projects'));
    expect(written.some((p) => p.includes('/subagents/'))).toBe(true);
    // The app does not import its own run a second time.
    kit.agents.sources.scan();
    expect(kit.db.prepare("SELECT count(*) FROM sessions WHERE provider = 'claude'").pluck().get()).toBe(1);

    const other = agentKit();
    cpSync(join(kit.dir, 'home', '.claude', 'projects'), join(other.dir, 'home', '.claude', 'projects'), { recursive: true });
    other.agents.sources.scan();
    const [imported] = other.agents.store.listSessions();
    expect(imported).toBeDefined();
    expect(imported!.costSource).toBe('estimated');
    expect({ input: imported!.inputTokens, output: imported!.outputTokens, read: imported!.cacheReadTokens, write: imported!.cacheWriteTokens, turns: imported!.turnCount, tools: imported!.toolCallCount }).toEqual({
      input: run.inputTokens,
      output: run.outputTokens,
      read: run.cacheReadTokens,
      write: run.cacheWriteTokens,
      turns: run.turnCount,
      tools: run.toolCallCount,
    });
    const strip = (models: typeof run.models) => models.map(({ costSource: _s, costUsd: _c, calls: _n, ...m }) => m);
    expect(strip(imported!.models)).toEqual(strip(run.models));
    expect(imported!.costUsd).toBeCloseTo(run.costUsd!, 9);
  });

  async function runToEnd(prompt: string, permissions?: Parameters<AgentKit['agents']['runner']['run']>[3]) {
    const project = kit.agents.store.listProjects()[0] ?? kit.agents.addProject(folder, 'Notes');
    const started = await kit.agents.runner.run(project.id, 'claude', prompt, permissions);
    if (started.status !== 'started') throw new Error(`not started: ${started.message}`);
    const session = (await kit.agents.runner.finished(started.sessionId))!;
    return { session, shown: kit.agents.store.messages(session.id).map((m) => `${m.role}/${m.type}: ${m.content}`) };
  }

  /** The text the user's prompt reached the API as (Claude Code adds reminders before it in the same message). */
  const promptsSent = () => api.requests.map((r) => {
    const content = r.messages[0]!.content;
    return Array.isArray(content) ? (content.at(-1) as { text: string }).text : String(content);
  });

  it('passes prompts that look like options as text, also after a pre_flight hook rewrote them', async () => {
    api.script = () => ({ blocks: [{ type: 'text', text: 'ok' }], usage: usage(5, 2, 0, 0, 0) });
    for (const prompt of ['- add a README', '--version', '-c']) expect((await runToEnd(prompt)).session.status).toBe('success');
    kit.bus.hooks.pre_flight = () => ({ action: 'modify', body: '--help', metadata: {} });
    const rewritten = await runToEnd('show the help');
    expect(rewritten.session.status).toBe('success');
    expect(promptsSent()).toEqual(['- add a README', '--version', '-c', '--help']);
  });

  it('shows the CLI retrying a rate limit, and does not start it again on top of its own retries', async () => {
    api.script = () => ({ status: 429, errorType: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit', retryAfterSeconds: 0 });
    const { session, shown } = await runToEnd('Summarise my notes');
    expect(session).toMatchObject({ status: 'error', errorCategory: 'rate_limit', errorMessage: 'Rate limited — gave up after several attempts (Claude Code retried 2 times itself)' });
    expect(shown.filter((m) => m.startsWith('system/status: API retry'))).toEqual([
      expect.stringMatching(/^system\/status: API retry 1 of 2 in \d+ s \(429 rate limit\)$/),
      expect.stringMatching(/^system\/status: API retry 2 of 2 in \d+ s \(429 rate limit\)$/),
    ]);
    // One start of the CLI: its first call and its two retries, nothing more.
    expect(api.requests).toHaveLength(3);
    expect(kit.sleeps).toEqual([]);
  });

  it('labels an API error by the status the CLI reports, and keeps its synthetic reply away from the model\'s words', async () => {
    api.script = () => ({ status: 401, errorType: 'authentication_error', message: 'invalid x-api-key' });
    const auth = await runToEnd('Summarise my notes');
    expect(auth.session).toMatchObject({ status: 'error', errorCategory: 'auth', errorMessage: 'Authentication failed — check API key' });
    expect(auth.shown).toContain('system/error: Invalid API key · Fix external API key');
    expect(auth.shown.filter((m) => m.startsWith('assistant/'))).toEqual([]);
    // Plugins hear of the error as the system's, never as something the model said.
    expect(kit.bus.messages.filter((m) => m.content.startsWith('Invalid API key')).map((m) => `${m.role}/${m.type}`)).toEqual(expect.arrayContaining(['system/error']));
    expect(kit.bus.messages.filter((m) => m.role === 'assistant' && m.content.includes('API key'))).toEqual([]);
    expect(kit.bus.hookCalls.filter((c) => c.stage === 'post_flight')).toEqual([]);
    expect(auth.session.outputTokens).toBe(0);

    api.script = () => ({ status: 529, errorType: 'overloaded_error', message: 'Overloaded' });
    const overloaded = await runToEnd('Summarise my notes again');
    expect(overloaded.session).toMatchObject({ status: 'error', errorCategory: 'overloaded' });
  });

  it('marks a run whose tool was refused, and lets the project allow it', async () => {
    const target = join(folder, 'summary.txt');
    api.script = (request) =>
      afterTools(request)
        ? { blocks: [{ type: 'text', text: 'Finished.' }], usage: usage(20, 4, 0, 0, 0) }
        : { blocks: [{ type: 'tool_use', id: 'toolu_standin_write', name: 'Write', input: { file_path: target, content: 'two notes\n' } }], usage: usage(10, 30, 0, 0, 0) };
    const refused = await runToEnd('Write a summary');
    expect(refused.session).toMatchObject({ status: 'success', errorCategory: 'permission_denied', deniedToolCount: 1 });
    expect(refused.session.errorMessage).toContain('was not allowed to use Write (1 call refused)');
    expect(refused.shown).toContain('system/status: Not allowed to use Write (1 call refused)');
    expect(refused.shown.some((m) => m.startsWith('system/status: Permission denied: Claude requested permissions to write'))).toBe(true);
    expect(existsSync(target)).toBe(false);
    expect(kit.toasts.at(-1)!.title).toBe('Agent finished with tools refused: Write a summary');

    const project = kit.agents.setProjectPermissions(kit.agents.store.listProjects()[0]!.id, { allowedTools: ['Write'] });
    expect(project.permissions).toEqual({ allowedTools: ['Write'] });
    const allowed = await runToEnd('Write a summary');
    expect(allowed.session).toMatchObject({ status: 'success', errorCategory: null, deniedToolCount: 0 });
    expect(existsSync(target)).toBe(true);
  });

  it('stop ends the CLI and the command its Bash tool started in a session of its own, even one that ignores SIGTERM', async () => {
    const marker = `sleep ${3000 + Math.floor(Math.random() * 900)}`;
    api.script = (request) =>
      afterTools(request)
        ? { blocks: [{ type: 'text', text: 'Slept.' }], usage: usage(5, 2, 0, 0, 0) }
        : { blocks: [{ type: 'tool_use', id: 'toolu_standin_bash', name: 'Bash', input: { command: `bash -c "trap '' TERM; ${marker}"`, description: 'Wait' } }], usage: usage(5, 20, 0, 0, 0) };
    const project = kit.agents.addProject(folder, 'Notes');
    const started = await kit.agents.runner.run(project.id, 'claude', 'Wait a while', { allowedTools: ['Bash'] });
    if (started.status !== 'started') throw new Error('not started');
    await expect.poll(() => processesRunning(marker), { timeout: 30_000 }).not.toEqual([]);
    expect(kit.agents.runner.stop(started.sessionId)).toBe(true);
    expect((await kit.agents.runner.finished(started.sessionId))!.status).toBe('stopped');
    await expect.poll(() => processesRunning(marker), { timeout: 15_000 }).toEqual([]);
  });
});

/** Processes whose command line is exactly `command`, from /proc. */
function processesRunning(command: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((name) => {
      try {
        return readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' ') === command;
      } catch {
        return false;
      }
    })
    .map(Number);
}
