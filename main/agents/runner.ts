import { spawn, type ChildProcess } from 'node:child_process';
import type { PreToolGate } from './pre-tool-gate.ts';
import { randomUUID } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import {
  AGENT_PROVIDERS,
  PERMISSION_MODES,
  PROMPT_EMPTY,
  PROMPT_MAX,
  PROVIDER_LABELS,
  type AgentProvider,
  type RunOutcome,
  type SessionInfo,
  type SourceConfig,
  type ToolPermissionSettings,
} from '../../app/contract/agents.ts';
import { AppError, fieldError } from '../../app/contract/envelope.ts';
import { tooLongWords } from '../../app/contract/fields.ts';
import type { HookOutcome } from '../../app/messages.ts';
import { backoffMs, classifyError, MAX_ATTEMPTS, userMessage } from '../errors/classifier.ts';
import type { Logger } from '../log/logger.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { PluginBus } from '../plugins/control.ts';
import { CLAUDE } from './claude.ts';
import { CODEX } from './codex.ts';
import type { SessionPipeline } from './pipeline.ts';
import { killTree, processTree } from './process-tree.ts';
import type { SessionStore } from './store.ts';
import { normalizeClaudeStream, normalizeCodexStream, type StreamNormalizer, type StreamState } from './stream.ts';
import { titleFrom, type NewMessage, type RunEnd } from './types.ts';

/** How long a stopped agent gets to exit after SIGTERM before its process group is killed. */
export const STOP_GRACE_MS = 3000;
const STDERR_KEPT = 8_000;

export interface RunnerDeps {
  store: SessionStore;
  pipeline: SessionPipeline;
  notifications: NotificationService;
  log: Logger;
  bus: () => PluginBus | undefined;
  config: () => SourceConfig;
  /** Reads an API key from the keyring; null when it is not set. */
  secret: (name: string) => string | null;
  /** Waits between attempts; tests pass one that does not really wait. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** The pre_tool hook stage for Claude Code runs. */
  preTool?: Pick<PreToolGate, 'open'>;
}

interface ActiveRun {
  child: ChildProcess | undefined;
  stopped: boolean;
  abort: AbortController;
  done: Promise<SessionInfo | undefined>;
}

interface AttemptResult {
  end: RunEnd | undefined;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  spawnError?: string;
  /** The program is not there (ENOENT): its own category, never retried. */
  missing?: boolean;
  /** API calls the agent retried itself during the attempt. */
  apiRetries: number;
}

/** A tool rule as Claude Code reads it (`Read`, `Bash(git diff:*)`, `mcp__github`): never something that reads as an option. */
const TOOL_RULE = /^[A-Za-z_][\w.:-]*(?:\([^\n\r()]*\))?$/;

/** The run's own permissions over the project's; checked here, in main, before they become arguments. */
export function effectivePermissions(project: ToolPermissionSettings, run: ToolPermissionSettings | undefined): ToolPermissionSettings {
  const merged: ToolPermissionSettings = { ...project, ...Object.fromEntries(Object.entries(run ?? {}).filter(([, v]) => v !== undefined)) };
  checkPermissions(merged);
  return merged;
}

export function checkPermissions(p: ToolPermissionSettings): void {
  if (p.permissionMode !== undefined && !(PERMISSION_MODES as readonly string[]).includes(p.permissionMode)) {
    throw fieldError('permissions.permissionMode', `Unknown permission mode "${String(p.permissionMode).slice(0, 40)}". Choose ${PERMISSION_MODES.join(', ')}.`);
  }
  for (const list of ['allowedTools', 'disallowedTools'] as const) {
    const wrong = p[list]?.find((rule) => !TOOL_RULE.test(rule.trim()));
    if (wrong !== undefined) {
      throw fieldError(`permissions.${list}`, `"${wrong.slice(0, 60)}" is not a tool rule. Write a tool name, like Read or Edit, optionally with a pattern: Bash(git diff:*).`);
    }
  }
}

/** Claude Code's options for the permissions; Codex has its own sandbox and ignores them. */
function permissionArgs(p: ToolPermissionSettings): string[] {
  const args: string[] = [];
  if (p.permissionMode) args.push('--permission-mode', p.permissionMode);
  if (p.allowedTools?.length) args.push('--allowedTools', ...p.allowedTools.map((t) => t.trim()));
  if (p.disallowedTools?.length) args.push('--disallowedTools', ...p.disallowedTools.map((t) => t.trim()));
  return args;
}

/** A model name as both CLIs take it (claude-sonnet-4-5, sonnet, gpt-5-codex, o3): never something that starts like an option. */
export const MODEL_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:/[\]-]{0,99}$/;

/** Refuses a model name that is not one, in words; changes nothing. */
export function checkModel(model: string): void {
  if (!MODEL_PATTERN.test(model)) {
    throw new AppError('invalid_argument', `"${model.slice(0, 60)}" is not a model name: letters, digits and . _ : / [ ] - only, starting with a letter or digit.`);
  }
}

/**
 * The command line of one attempt. The prompt always follows `--`: "--version" or "- add a README" is text.
 * `settings`: Claude Code settings JSON the app adds (its pre_tool hook). `model`, already checked, travels
 * as one `--model=<name>` argument, so it can never become an option of its own.
 */
export function agentArgs(provider: AgentProvider, prompt: string, permissions: ToolPermissionSettings, settings?: string, model?: string): string[] {
  const chosen = model ? [`--model=${model}`] : [];
  if (provider === CLAUDE) return ['-p', '--output-format', 'stream-json', '--verbose', ...permissionArgs(permissions), ...(settings ? ['--settings', settings] : []), ...chosen, '--', prompt];
  return ['exec', '--json', '--skip-git-repo-check', ...chosen, '--', prompt];
}

const realSleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

const PASSTHROUGH = (body: string): HookOutcome => ({ action: 'passthrough', body, metadata: {} });

/**
 * Runs Claude Code or Codex CLI in a project's folder and turns its
 * streamed JSON into session messages as they arrive. Hooks come first;
 * failures are classified and retried when that can help.
 */
export class AgentRunner {
  readonly #d: RunnerDeps;
  readonly #active = new Map<string, ActiveRun>();

  constructor(deps: RunnerDeps) {
    this.#d = deps;
  }

  isRunning(sessionId: string): boolean {
    return this.#active.has(sessionId);
  }

  /** Resolves when the run has ended (for tests and shutdown). */
  finished(sessionId: string): Promise<SessionInfo | undefined> {
    return this.#active.get(sessionId)?.done ?? Promise.resolve(this.#d.store.getSession(sessionId));
  }

  async run(projectId: string, providerName: string, rawPrompt: string, runPermissions?: ToolPermissionSettings, options: { model?: string } = {}): Promise<RunOutcome> {
    const project = this.#d.store.getProject(projectId);
    if (!project) throw new AppError('not_found', 'That project no longer exists. Pick another one or add it again.');
    if (!(AGENT_PROVIDERS as readonly string[]).includes(providerName)) {
      throw fieldError('provider', `Unknown agent "${providerName.slice(0, 40)}". Choose ${AGENT_PROVIDERS.map((p) => PROVIDER_LABELS[p]).join(' or ')}.`);
    }
    const provider = providerName as AgentProvider;
    const prompt = rawPrompt.trim();
    if (!prompt) throw fieldError('prompt', PROMPT_EMPTY);
    if (prompt.length > PROMPT_MAX) throw fieldError('prompt', `${tooLongWords(PROMPT_MAX)} (this one has ${prompt.length.toLocaleString('en-US')})`);
    if (!existsSync(project.path) || !statSync(project.path).isDirectory()) {
      throw new AppError('invalid_argument', `The project folder ${project.path} does not exist any more.`);
    }
    const permissions = effectivePermissions(project.permissions, runPermissions);
    if (options.model !== undefined) checkModel(options.model);
    const extraEnv = this.#providerEnv(provider, this.#d.config());

    const hooks = this.#d.bus();
    const outcome = hooks ? await hooks.runHooks('pre_flight', prompt) : PASSTHROUGH(prompt);
    if (outcome.action === 'block') {
      return { status: 'blocked', message: outcome.message, pluginId: outcome.pluginId };
    }
    const finalPrompt = outcome.body;
    const config = this.#d.config();
    const env = { ...process.env };
    const keyName = provider === CLAUDE ? config.claudeKeySecret : config.codexKeySecret;
    const envName = provider === CLAUDE ? 'ANTHROPIC_API_KEY' : 'OPENAI_API_KEY';
    try {
      const key = this.#d.secret(keyName);
      if (key) env[envName] = key;
    } catch (err) {
      // Without the keyring the agent can still use its own login; say so in the log, not as a failure.
      this.#d.log.warn(`agents: no API key from the keyring for ${provider}`, err);
    }
    Object.assign(env, extraEnv);

    const sessionId = randomUUID();
    // Plugins' pre_tool hooks see every tool call of a Claude Code run through the CLI's own PreToolUse hook.
    const preTool = provider === CLAUDE ? await this.#d.preTool?.open(sessionId) : undefined;
    if (preTool) Object.assign(env, preTool.env);
    const now = new Date().toISOString();
    const { pipeline } = this.#d;
    pipeline.write((w) => w.session({ id: sessionId, provider, cwd: project.path, title: titleFrom(finalPrompt), timestamp: now }, 'run'));
    pipeline.announceStart(sessionId);
    pipeline.write((w) =>
      w.messages([{ id: `run:${sessionId}:prompt`, sessionId, provider, timestamp: now, type: 'text', role: 'user', content: finalPrompt, prompt: true, raw: JSON.stringify({ prompt: finalPrompt, original: outcome.action === 'modify' ? prompt : undefined }) }]),
    );

    const run: ActiveRun = { child: undefined, stopped: false, abort: new AbortController(), done: Promise.resolve(undefined) };
    this.#active.set(sessionId, run);
    const args = agentArgs(provider, finalPrompt, permissions, preTool?.settings, options.model);
    run.done = this.#attempts(sessionId, provider, args, finalPrompt, project.path, env, run).finally(() => {
      this.#active.delete(sessionId);
      preTool?.close();
    });
    return { status: 'started', sessionId, prompt: finalPrompt };
  }

  /**
   * The provider's own settings for a run: its API address and extra
   * variables, a secret one read from the keyring. A missing entry stops the
   * run before it starts, naming the entry.
   */
  #providerEnv(provider: AgentProvider, config: SourceConfig): Record<string, string> {
    const env: Record<string, string> = {};
    const baseUrl = provider === CLAUDE ? config.claudeBaseUrl : config.codexBaseUrl;
    if (baseUrl) env[provider === CLAUDE ? 'ANTHROPIC_BASE_URL' : 'OPENAI_BASE_URL'] = baseUrl;
    for (const entry of (provider === CLAUDE ? config.claudeEnv : config.codexEnv) ?? []) {
      if (!entry.secret) {
        env[entry.name] = entry.value;
        continue;
      }
      let value: string | null | undefined;
      try {
        value = this.#d.secret(entry.value);
      } catch (err) {
        throw new AppError('keyring_unavailable', `${entry.name} comes from the keyring, which cannot be read: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!value) throw new AppError('not_found', `${entry.name} comes from the keyring entry "${entry.value}", which is not set. Add it under Settings → Secrets.`);
      env[entry.name] = value;
    }
    return env;
  }

  /**
   * Runs a failed or stopped run again as a new session: the same agent, in
   * the same project, with the prompt as the person wrote it (pre_flight
   * hooks see it afresh). The failed session stays as it was.
   */
  async retry(sessionId: string): Promise<RunOutcome> {
    const session = this.#d.store.getSession(sessionId);
    if (!session) throw new AppError('not_found', 'That session is not in the database any more.');
    if (session.origin !== 'run') throw new AppError('invalid_argument', 'Only a run started from Switchboard can be retried; this session came from a transcript.');
    if (this.#active.has(sessionId) || session.status === 'running') throw new AppError('invalid_argument', 'This run is still going. Stop it or let it finish first.');
    if (session.status === 'success') throw new AppError('invalid_argument', 'This run succeeded; start a new run from its project instead.');
    if (!session.projectId) throw new AppError('not_found', 'Its project was removed. Add the folder again to run there.');
    const raw = this.#d.store.rawRecord(`run:${sessionId}:prompt`);
    const record = raw ? (JSON.parse(raw) as { prompt?: unknown; original?: unknown }) : {};
    const prompt = typeof record.original === 'string' ? record.original : typeof record.prompt === 'string' ? record.prompt : undefined;
    if (prompt === undefined) throw new AppError('not_found', 'The prompt of this run was not recorded, so it cannot be run again.');
    return this.run(session.projectId, session.provider, prompt);
  }

  /**
   * Stops a run: SIGTERM to the agent and everything it started, its tools' own process groups
   * included (Claude Code runs each Bash command in a session of its own); SIGKILL after a grace
   * period to whatever of them is left. The tree is taken before the first signal: once the
   * agent is gone its children belong to init and no longer look like its own.
   */
  stop(sessionId: string): boolean {
    const run = this.#active.get(sessionId);
    if (!run) return false;
    run.stopped = true;
    run.abort.abort();
    const pid = run.child?.pid;
    if (pid !== undefined && run.child?.exitCode === null) {
      const tree = processTree(pid);
      killTree(tree, 'SIGTERM');
      const timer = setTimeout(() => killTree([...new Set([...tree, ...processTree(pid)])], 'SIGKILL'), STOP_GRACE_MS);
      timer.unref();
      run.child.once('exit', () => {
        // The agent went on its own; what it left running goes now.
        clearTimeout(timer);
        killTree(tree.filter((p) => p !== pid), 'SIGKILL');
      });
    }
    return true;
  }

  /** Stops every run (app shutdown) and resolves once each has written how it ended. */
  async stopAll(): Promise<void> {
    const runs = [...this.#active.entries()];
    for (const [id] of runs) this.stop(id);
    await Promise.allSettled(runs.map(([, run]) => run.done));
  }

  async #attempts(sessionId: string, provider: AgentProvider, args: string[], prompt: string, cwd: string, env: NodeJS.ProcessEnv, run: ActiveRun): Promise<SessionInfo | undefined> {
    const { pipeline } = this.#d;
    const sleep = this.#d.sleep ?? realSleep;
    for (let attempt = 1; ; attempt++) {
      const result = await this.#attempt(sessionId, provider, args, cwd, env, run, attempt);
      const endedAt = new Date().toISOString();
      if (run.stopped) return pipeline.complete(sessionId, { status: 'stopped', endedAt });
      const failed = result.spawnError !== undefined || result.end?.status === 'error' || (result.exitCode !== 0 && result.exitCode !== null) || result.signal !== null;
      const denied = result.end?.deniedTools ?? [];
      if (!failed && denied.length) {
        const names = [...new Set(denied.map((d) => d.tool))].join(', ');
        const message = `Finished, but ${PROVIDER_LABELS[provider]} was not allowed to use ${names} (${denied.length} ${denied.length === 1 ? 'call' : 'calls'} refused). Allow the tools for this project or run, or choose another permission mode.`;
        return pipeline.complete(sessionId, { status: 'success', endedAt, errorCategory: 'permission_denied', errorMessage: message, deniedToolCount: denied.length });
      }
      if (!failed) return pipeline.complete(sessionId, { status: 'success', endedAt });
      const text = result.spawnError ?? result.end?.error ?? (result.stderr.trim() || `The agent exited with ${result.signal ? `signal ${result.signal}` : `code ${result.exitCode}`}`);
      const error = result.missing
        ? { category: 'missing_cli' as const, retryable: false }
        : result.spawnError
          ? { category: 'unknown' as const, retryable: false }
          : classifyError(text, result.end?.apiErrorStatus);
      if (result.apiRetries > 0) {
        // The agent already retried with its own backoff; starting it again would only stack waits and calls.
        const retried = `${PROVIDER_LABELS[provider]} retried ${result.apiRetries} ${result.apiRetries === 1 ? 'time' : 'times'} itself`;
        return pipeline.complete(sessionId, { status: 'error', endedAt, errorCategory: error.category, errorMessage: `${userMessage(error, text)} (${retried})`, deniedToolCount: denied.length });
      }
      if (error.retryable && attempt < MAX_ATTEMPTS) {
        const wait = backoffMs(error, attempt);
        const notice = userMessage(error, text, wait);
        this.#status(sessionId, provider, `${notice} (attempt ${attempt + 1} of ${MAX_ATTEMPTS})`);
        this.#d.notifications.notify({ type: 'warning', title: notice, message: titleFrom(prompt), source: `agent:${provider}` });
        await sleep(wait, run.abort.signal);
        if (run.stopped) return pipeline.complete(sessionId, { status: 'stopped', endedAt: new Date().toISOString() });
        continue;
      }
      return pipeline.complete(sessionId, { status: 'error', endedAt, errorCategory: error.category, errorMessage: result.spawnError ?? userMessage(error, text), deniedToolCount: denied.length });
    }
  }

  #status(sessionId: string, provider: string, content: string): void {
    const at = new Date().toISOString();
    this.#d.pipeline.write((w) => w.messages([{ id: `run:${sessionId}:status:${randomUUID()}`, sessionId, provider, timestamp: at, type: 'status', role: 'system', content, raw: JSON.stringify({ status: content }) }]));
  }

  #attempt(sessionId: string, provider: AgentProvider, args: string[], cwd: string, env: NodeJS.ProcessEnv, run: ActiveRun, attempt: number): Promise<AttemptResult> {
    const config = this.#d.config();
    const binary = provider === CLAUDE ? config.claudeBinary : config.codexBinary;
    const normalize: StreamNormalizer = provider === CODEX ? normalizeCodexStream : normalizeClaudeStream;
    const state: StreamState = { sessionId, attempt, startedItems: new Set(), apiRetries: 0 };
    if (attempt > 1) this.#d.store.awaitAgentId(sessionId);

    return new Promise<AttemptResult>((resolve) => {
      let child: ChildProcess;
      try {
        // Its own process group, so stop reaches whatever the agent started.
        child = spawn(binary, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
      } catch (err) {
        resolve({ end: undefined, exitCode: null, signal: null, stderr: '', spawnError: spawnMessage(provider, binary, err), missing: isMissing(err), apiRetries: 0 });
        return;
      }
      run.child = child;
      let stderr = '';
      let end: RunEnd | undefined;
      let spawnError: string | undefined;
      let missing = false;
      let line = 0;
      // Lines are handled strictly in order: post_flight hooks are async.
      let queue = Promise.resolve();
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr = (stderr + chunk).slice(-STDERR_KEPT);
      });
      const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
      lines.on('line', (text) => {
        const n = ++line;
        queue = queue.then(async () => {
          const result = await this.#handleLine(text, n, state, normalize, provider);
          if (result) end = result;
        });
      });
      let settled = false;
      const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
        if (settled) return;
        settled = true;
        void queue.then(() => resolve({ end, exitCode, signal, stderr, apiRetries: state.apiRetries, ...(spawnError ? { spawnError, missing } : {}) }));
      };
      child.on('error', (err) => {
        spawnError = spawnMessage(provider, binary, err);
        missing = isMissing(err);
        // A process that never started has no 'close' to wait for.
        if (child.pid === undefined) finish(null, null);
      });
      child.on('close', finish);
    });
  }

  async #handleLine(text: string, line: number, state: StreamState, normalize: StreamNormalizer, provider: string): Promise<RunEnd | undefined> {
    if (!text.trim()) return undefined;
    const now = new Date().toISOString();
    let record: unknown;
    try {
      record = JSON.parse(text);
    } catch {
      // Not JSON: the agent printed something for humans; keep it as a status line.
      this.#d.pipeline.write((w) => w.messages([{ id: `run:${state.sessionId}:${state.attempt}:${line}:text`, sessionId: state.sessionId, provider, timestamp: now, type: 'status', role: 'system', content: text, raw: text }]));
      return undefined;
    }
    let normalized;
    try {
      normalized = normalize(record, text, line, state, now);
    } catch (err) {
      this.#d.log.warn(`agents: could not read a line of the ${provider} stream`, err);
      return undefined;
    }
    if (normalized.unknownType) {
      // Kept raw like a transcript's unknown records, so nothing the agent streamed is lost.
      this.#d.store.keepUnknown(`run:${state.sessionId}:${state.attempt}:${line}`, `run:${state.sessionId}`, state.sessionId, normalized.unknownType, text);
    }
    const messages = await this.#postFlight(normalized.messages);
    this.#d.pipeline.write((w) => {
      if (normalized.facts) w.session(normalized.facts, 'run');
      if (messages.length) w.messages(messages);
      if (normalized.reportedUsage) w.reportedUsage(state.sessionId, normalized.reportedUsage.attempt, normalized.reportedUsage.models);
    });
    return normalized.end;
  }

  /** post_flight hooks see each assistant reply; they may rewrite it or hold it back. */
  async #postFlight(messages: NewMessage[]): Promise<NewMessage[]> {
    const bus = this.#d.bus();
    if (!bus) return messages;
    const out: NewMessage[] = [];
    for (const m of messages) {
      if (m.role !== 'assistant' || m.type !== 'text') {
        out.push(m);
        continue;
      }
      let outcome: HookOutcome;
      try {
        outcome = await bus.runHooks('post_flight', m.content);
      } catch (err) {
        this.#d.log.error('agents: post_flight hooks failed; the reply is shown unchanged', err);
        out.push(m);
        continue;
      }
      if (outcome.action === 'modify') out.push({ ...m, content: outcome.body });
      else if (outcome.action === 'block') out.push({ ...m, type: 'status', role: 'system', content: `Reply held back by plugin ${outcome.pluginId}: ${outcome.message}` });
      else out.push(m);
    }
    return out;
  }
}

const isMissing = (err: unknown) => (err as { code?: string }).code === 'ENOENT';

function spawnMessage(provider: AgentProvider, binary: string, err: unknown): string {
  const code = (err as { code?: string }).code;
  if (code === 'ENOENT') return `${PROVIDER_LABELS[provider]} was not found at "${binary}". Install it or set its path under Sessions → Sources.`;
  if (code === 'EACCES') return `${PROVIDER_LABELS[provider]} at "${binary}" cannot be run (permission denied).`;
  return `${PROVIDER_LABELS[provider]} could not be started: ${err instanceof Error ? err.message : String(err)}`;
}
