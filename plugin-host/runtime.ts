import type { ApiMethod, HookReply, MainMessage } from '../app/plugin-protocol.ts';
import { ENVELOPE_LIMITS, HOOK_DEFAULT_PRIORITY, HOOK_DEFAULT_TIMEOUT_MS, HOOK_MAX_TIMEOUT_MS, MAX_EVENT_DEPTH } from '../app/plugin-limits.ts';
import type { HostTransport } from './transport.ts';

/**
 * The plugin side of one plugin process: it builds the frozen `agor` API,
 * evaluates the plugin's script in a fresh Compartment, forwards every API
 * call to main and runs the handlers main invokes. It decides nothing about
 * permissions; main does. `lockdown()` has run before this is constructed.
 */

type Handler = (...args: unknown[]) => unknown;
type LogLevel = 'debug' | 'info' | 'warn' | 'error';
interface Meta {
  id: string;
  name: string;
  version: string;
}

const MAX_TIMERS = 10_000;

/** Tool arguments agor's own runtime also put on `tool_call` itself; plugins written for it read them there. */
const TOOL_ARGUMENT_ALIASES = ['file_path', 'path', 'command', 'content', 'new_string', 'old_string', 'pattern', 'url'] as const;

/**
 * Offers the common tool arguments both as `tool_call.input.<field>` and as
 * `tool_call.<field>`; a field the tool call has already (its id and name
 * among them) is never replaced.
 */
function withToolArgumentAliases(message: unknown): unknown {
  const call = (message as { tool_call?: unknown } | null)?.tool_call as Record<string, unknown> | undefined;
  const input = call?.input;
  if (!call || typeof call !== 'object' || !input || typeof input !== 'object' || Array.isArray(input)) return message;
  for (const field of TOOL_ARGUMENT_ALIASES) {
    const value = (input as Record<string, unknown>)[field];
    if (value !== undefined && !Object.hasOwn(call, field)) call[field] = value;
  }
  return message;
}

/** The API calls one palette command made while it ran, and the first refusal it left unhandled. */
interface CommandRun {
  /** Its calls main has not answered yet, counted rather than awaited: a handler attached here would hide an unhandled rejection. */
  open: number;
  answered: (() => void) | null;
  refused: string | null;
}
const MAX_LOG_TEXT = 16_000;

/** Turns anything a plugin hands to the API into plain JSON data, once, so a getter or Proxy cannot change it afterwards. */
function toPlainData(value: unknown, what: string): unknown {
  if (value === undefined) return null;
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new TypeError(`${what} must be plain data (JSON): ${reason.split('\n')[0]}`);
  }
  if (text === undefined) throw new TypeError(`${what} must be plain data (JSON), not a function or symbol`);
  if (text.length > ENVELOPE_LIMITS.maxBytes / 2) throw new RangeError(`${what} is too large (${text.length} characters; at most ${ENVELOPE_LIMITS.maxBytes / 2})`);
  return JSON.parse(text) as unknown;
}

/**
 * Deep-freezes data that arrived from main as JSON: plain objects, arrays and
 * primitives, whose prototypes `lockdown()` has already frozen, so freezing
 * each object is all `harden` would do to it — at under a third of the cost,
 * on the path every agent message takes into every plugin. Anything else is
 * handed to `harden`.
 */
function freezeData<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== Array.prototype) return harden(value);
  for (const key of Object.keys(value)) freezeData((value as Record<string, unknown>)[key]);
  return Object.freeze(value);
}

function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Error) return value.stack && value.stack.includes(value.message) ? value.stack : `${value.name}: ${value.message}`;
  try {
    const text = JSON.stringify(value);
    if (text !== undefined) return text;
  } catch {
    // Cyclic or hostile values are logged by their string form below.
  }
  try {
    return String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}

function errorText(err: unknown): string {
  if (err instanceof Error) return err.message || err.name;
  return describe(err).slice(0, 2000);
}

function requireFunction(value: unknown, what: string): Handler {
  if (typeof value !== 'function') throw new TypeError(`${what} must be a function`);
  return value as Handler;
}

/** Leaves out what the plugin did not give, so main's schema sees an absent field, not `undefined`. */
function defined(fields: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
}

function requireString(value: unknown, what: string): string {
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string`);
  return value;
}

export class PluginHostRuntime {
  readonly #transport: HostTransport;
  #nextCallId = 1;
  #nextHandlerKey = 1;
  readonly #pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; runs: CommandRun[] }>();
  /** Commands running now; each API call made meanwhile is counted as theirs. */
  readonly #commandRuns = new Set<CommandRun>();
  /** Refusals of calls made by running commands, by the error the plugin received. */
  readonly #refusals = new WeakMap<Error, CommandRun[]>();
  readonly #commands = new Map<number, { label: string; handler: Handler; takesArgument: boolean }>();
  readonly #hooks = new Map<number, Handler>();
  readonly #events = new Map<string, Handler[]>();
  readonly #messageHandlers: Handler[] = [];
  readonly #settingsHandlers: Handler[] = [];
  readonly #unloadHandlers: Handler[] = [];
  /** Panel block id → what runs when the user submits that form or presses its buttons. */
  readonly #panelHandlers = new Map<string, Handler>();
  readonly #timers = new Map<number, NodeJS.Timeout>();
  readonly #capabilities = new Set<string>();
  #nextTimerId = 1;
  /** Depth of the event being handled synchronously right now, so emits from inside a handler are counted. */
  #eventDepth = 0;
  #meta: Meta | undefined;

  constructor(transport: HostTransport) {
    this.#transport = transport;
  }

  log(level: LogLevel, text: string): void {
    this.#send({ t: 'log', level, text: text.length > MAX_LOG_TEXT ? `${text.slice(0, MAX_LOG_TEXT)}… (cut)` : text });
  }

  /** Evaluates the plugin and announces it ready, or reports why it failed and exits. */
  load(meta: Meta, source: string, filename: string): void {
    this.#meta = harden({ ...meta });
    const compartment = new Compartment({ __options__: true, name: `plugin:${meta.id}`, globals: this.#globals() as never });
    try {
      // Main has refused a real direct eval already (app/direct-eval.ts); SES's own check would refuse the text `eval(` in a string too.
      compartment.evaluate(`${source}\n//# sourceURL=${filename.replace(/[\r\n]/g, '')}\n`, { __rejectSomeDirectEvalExpressions__: false } as never);
    } catch (err) {
      this.#fail(err);
      return;
    }
    // Let promise jobs queued by the top level (async IIFEs) register before the handshake.
    setImmediate(() => {
      const commands = [...this.#commands].map(([key, c]) => ({ key, label: c.label, takesArgument: c.takesArgument }));
      this.#send({ t: 'ready', commands, capabilities: [...this.#capabilities] });
    });
  }

  handle(message: MainMessage): void {
    switch (message.t) {
      case 'init':
        this.load(message.meta, message.source, message.filename);
        return;
      case 'result': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        for (const run of pending.runs) if (--run.open === 0) run.answered?.();
        if (message.ok) pending.resolve(harden(message.value));
        else {
          const err = new Error(message.error);
          if (pending.runs.length) this.#refusals.set(err, pending.runs);
          pending.reject(err);
        }
        return;
      }
      case 'ping': {
        const memory = process.memoryUsage();
        this.#send({ t: 'pong', id: message.id, rss: memory.rss, heapUsed: memory.heapUsed });
        return;
      }
      case 'message':
        this.#dispatch(this.#messageHandlers, [freezeData(withToolArgumentAliases(message.message))], 'message handler', 0);
        return;
      case 'settings':
        this.#dispatch(this.#settingsHandlers, [freezeData(message.values)], 'settings handler', 0);
        return;
      case 'event':
        this.#dispatch(this.#events.get(message.name) ?? [], [freezeData(message.payload), Object.freeze({ name: message.name, from: message.from })], `handler of event '${message.name}'`, message.depth);
        return;
      case 'invoke':
        void this.#invoke(message);
        return;
    }
  }

  #send(envelope: unknown): void {
    this.#transport.send(JSON.stringify(envelope));
  }

  #fail(err: unknown): void {
    this.#send({ t: 'failed', error: describe(err).slice(0, 9000) });
    setImmediate(() => process.exit(1));
  }

  #dispatch(handlers: Handler[], args: unknown[], what: string, depth: number): void {
    for (const handler of handlers) {
      this.#eventDepth = depth;
      try {
        const result = handler(...args);
        if (result && typeof (result as Promise<unknown>).then === 'function') {
          (result as Promise<unknown>).then(undefined, (err: unknown) => this.log('error', `${what} failed: ${describe(err)}`));
        }
      } catch (err) {
        this.log('error', `${what} failed: ${describe(err)}`);
      } finally {
        this.#eventDepth = 0;
      }
    }
  }

  async #invoke(message: Extract<MainMessage, { t: 'invoke' }>): Promise<void> {
    try {
      let value: unknown = null;
      if (message.target === 'command') {
        const command = this.#commands.get(message.key);
        if (!command) throw new Error('This command is no longer registered');
        value = toPlainData(await this.#runCommand(command, message.argument), 'A command result');
      } else if (message.target === 'hook') {
        const handler = this.#hooks.get(message.key);
        if (!handler) throw new Error('This hook is no longer registered');
        const metadata = { ...message.metadata };
        // Only the envelope is frozen: handlers of one chain share and may extend `metadata`.
        const answer = await handler(Object.freeze({ stage: message.stage, body: message.body, metadata }));
        value = this.#hookReply(answer, metadata);
      } else if (message.target === 'panel') {
        const handler = this.#panelHandlers.get(message.blockId);
        if (!handler) throw new Error(`Nothing handles "${message.blockId}" on this panel`);
        value = toPlainData(await handler(Object.freeze({ ...message.values }), message.actionId), 'A panel handler result');
      } else {
        await Promise.allSettled(this.#unloadHandlers.map(async (h) => h()));
        for (const timer of this.#timers.values()) clearTimeout(timer);
        this.#timers.clear();
      }
      this.#send({ t: 'reply', id: message.id, ok: true, value });
    } catch (err) {
      this.#send({ t: 'reply', id: message.id, ok: false, error: errorText(err) });
    }
  }

  /**
   * Runs a command handler. An API call it made and left unhandled (agor
   * plugins rarely await `agor.notifications.send`) that main refused fails
   * the command with that refusal, so the palette shows it as an error; main
   * has logged the refusal already, so it is not logged again here.
   */
  async #runCommand(command: { handler: Handler; takesArgument: boolean }, argument?: string | null): Promise<unknown> {
    const run: CommandRun = { open: 0, answered: null, refused: null };
    this.#commandRuns.add(run);
    let value: unknown;
    try {
      value = await command.handler(...(command.takesArgument ? [argument ?? ''] : []));
    } finally {
      this.#commandRuns.delete(run);
    }
    if (run.open > 0) await new Promise<void>((resolve) => (run.answered = resolve));
    // Node reports unhandled rejections once the microtasks have run.
    await new Promise((resolve) => setImmediate(resolve));
    if (run.refused !== null) throw new Error(run.refused);
    return value;
  }

  /** An unhandled rejection of an API call a command made: counted against the command (true), or not one of those (false). */
  absorbRejection(reason: unknown): boolean {
    const runs = reason instanceof Error ? this.#refusals.get(reason) : undefined;
    if (!runs) return false;
    for (const run of runs) run.refused ??= reason instanceof Error ? reason.message : String(reason);
    return true;
  }

  /** A hook may return nothing (passthrough), a new body string (modify) or `{action, ...}`. */
  #hookReply(answer: unknown, metadata: Record<string, unknown>): HookReply {
    const shared = toPlainData(metadata, 'Hook metadata') as Record<string, unknown>;
    if (answer === undefined || answer === null) return { action: 'passthrough', metadata: shared };
    if (typeof answer === 'string') return { action: 'modify', body: answer, metadata: shared };
    const plain = toPlainData(answer, 'A hook result') as Record<string, unknown>;
    switch (plain.action) {
      case undefined:
      case 'passthrough':
        return { action: 'passthrough', metadata: shared };
      case 'modify':
        return { action: 'modify', body: requireString(plain.body, 'A modify result\'s body'), metadata: shared };
      case 'block':
        return {
          action: 'block',
          status: typeof plain.status === 'number' ? plain.status : 403,
          errorType: typeof plain.errorType === 'string' ? plain.errorType : 'blocked_by_plugin',
          message: typeof plain.message === 'string' ? plain.message : 'Blocked by a plugin hook',
          metadata: shared,
        };
      default:
        throw new TypeError(`A hook must return passthrough, modify or block, not '${describe(plain.action).slice(0, 40)}'`);
    }
  }

  /** Sends one API call; the returned promise settles with main's answer. */
  #call(method: ApiMethod, args: Record<string, unknown>): Promise<unknown> {
    // The id is taken before the arguments are read: a getter among them may itself call the API.
    const id = this.#nextCallId++;
    let envelope: string;
    try {
      envelope = JSON.stringify({ t: 'call', id, method, args: toPlainData(args, 'The arguments') });
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(errorText(err)));
    }
    const runs = [...this.#commandRuns];
    const result = new Promise((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, runs });
      this.#transport.send(envelope);
    });
    for (const run of runs) run.open += 1;
    return result;
  }

  /** For registrations a plain-style plugin does not await: main logs a denial itself, so the rejection is marked handled here. */
  #register(method: ApiMethod, args: Record<string, unknown>): Promise<unknown> {
    const result = this.#call(method, args);
    result.catch(() => undefined);
    return result;
  }

  #api(): { agor: unknown; bt: unknown } {
    const meta = this.#meta!;
    const use = (capability: string) => this.#capabilities.add(capability);
    const registerCommand = (label: unknown, handler: unknown) => {
      const fn = requireFunction(handler, 'A command handler');
      const text = requireString(label, 'A command label');
      const key = this.#nextHandlerKey++;
      const takesArgument = fn.length > 0;
      this.#commands.set(key, { label: text, handler: fn, takesArgument });
      use('palette');
      return this.#register('palette.registerCommand', { key, label: text, takesArgument }).then(() => undefined);
    };
    const on = (name: unknown, handler: unknown) => {
      const eventName = requireString(name, 'An event name');
      const fn = requireFunction(handler, 'An event handler');
      if (eventName === 'unload') {
        this.#unloadHandlers.push(fn);
        return Promise.resolve();
      }
      const list = this.#events.get(eventName) ?? [];
      list.push(fn);
      this.#events.set(eventName, list);
      use('events');
      return this.#register('events.on', { name: eventName }).then(() => undefined);
    };
    const emit = (name: unknown, payload: unknown) => {
      const depth = this.#eventDepth + 1;
      if (depth > MAX_EVENT_DEPTH) return Promise.reject(new Error(`Events nested deeper than ${MAX_EVENT_DEPTH} are refused`));
      return this.#call('events.emit', { name: requireString(name, 'An event name'), payload, depth }).then(() => undefined);
    };
    const send = (title: unknown, body: unknown) =>
      this.#call('notifications.send', { title: requireString(title, 'A notification title'), body: body === undefined ? '' : requireString(body, 'A notification body') }).then(() => undefined);
    const onMessage = (handler: unknown) => {
      this.#messageHandlers.push(requireFunction(handler, 'A message handler'));
      use('messages');
      return this.#register('messages.subscribe', {}).then(() => undefined);
    };
    const tasks = {
      list: () => this.#call('tasks.list', {}),
      create: (title: unknown, description?: unknown) => this.#call('tasks.create', { title, description: description ?? '' }),
      updateStatus: (id: unknown, status: unknown) => this.#call('tasks.updateStatus', { id, status }),
    };
    const getSetting = (key: unknown) => this.#call('settings.get', { key: requireString(key, 'A setting key') });
    const setSetting = (key: unknown, value: unknown) => this.#call('settings.set', { key: requireString(key, 'A setting key'), value }).then(() => undefined);
    const onSettingsChange = (handler: unknown) => {
      this.#settingsHandlers.push(requireFunction(handler, 'A settings handler'));
      use('settings');
      return this.#register('settings.subscribe', {}).then(() => undefined);
    };
    const storage = {
      get: (key: unknown) => this.#call('storage.get', { key: requireString(key, 'A storage key') }),
      set: (key: unknown, value: unknown) => this.#call('storage.set', { key: requireString(key, 'A storage key'), value }).then(() => undefined),
      delete: (key: unknown) => this.#call('storage.delete', { key: requireString(key, 'A storage key') }),
      keys: () => this.#call('storage.keys', {}),
    };
    const setPanel = (content: unknown) => this.#call('ui.setPanel', { panel: content === undefined ? null : content }).then(() => undefined);
    const registerHook = (stage: unknown, handler: unknown, options?: unknown) => {
      const fn = requireFunction(handler, 'A hook handler');
      const opts = (options ?? {}) as { priority?: unknown; timeoutMs?: unknown };
      const priority = opts.priority === undefined ? HOOK_DEFAULT_PRIORITY : opts.priority;
      const timeoutMs = opts.timeoutMs === undefined ? HOOK_DEFAULT_TIMEOUT_MS : opts.timeoutMs;
      if (typeof timeoutMs !== 'number' || !Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > HOOK_MAX_TIMEOUT_MS) {
        return Promise.reject(new RangeError(`A hook's timeoutMs must be a whole number from 1 to ${HOOK_MAX_TIMEOUT_MS}`));
      }
      const key = this.#nextHandlerKey++;
      this.#hooks.set(key, fn);
      use('hooks');
      return this.#register('hooks.register', { key, stage, priority, timeoutMs }).then(() => undefined);
    };

    const setStatus = (text: unknown, options?: unknown) => {
      const tooltip = (options as { tooltip?: unknown } | undefined)?.tooltip;
      return this.#call('ui.setStatus', { text: text === null || text === undefined || text === '' ? null : requireString(text, 'A status text'), ...(tooltip === undefined ? {} : { tooltip }) }).then(() => undefined);
    };
    const onAction = (blockId: unknown, handler: unknown) => {
      this.#panelHandlers.set(requireString(blockId, 'A panel block id'), requireFunction(handler, 'A panel handler'));
    };
    const ui = { setPanel, setStatus, onAction };
    const options = (value: unknown): Record<string, unknown> => (value === undefined || value === null ? {} : (value as Record<string, unknown>));
    const net = {
      fetch: (url: unknown, init?: unknown) => {
        use('network');
        const { method, headers, body, timeoutMs } = options(init);
        return this.#call('net.fetch', { url, ...defined({ method, headers, body, timeoutMs }) });
      },
      allowHost: (host: unknown, reason: unknown) => this.#call('net.allowHost', { host, reason }),
    };
    const files = {
      save: (request: unknown) => {
        const { suggestedName, content, mimeType } = options(request);
        return this.#call('files.save', { suggestedName, content, ...defined({ mimeType }) });
      },
      saveCopy: (request: unknown) => {
        const { names, suggestedName, mimeType } = options(request);
        return this.#call('files.saveCopy', { names, suggestedName, ...defined({ mimeType }) });
      },
      append: (name: unknown, text: unknown) => this.#call('files.append', { name, text }),
      read: (name: unknown) => this.#call('files.read', { name }),
      list: () => this.#call('files.list', {}),
      remove: (name: unknown) => this.#call('files.remove', { name }),
    };
    const projectCall = (method: 'git.log' | 'git.status' | 'git.branch' | 'git.diff') => (request: unknown) => this.#call(method, { ...defined(options(request)) });
    const git = { log: projectCall('git.log'), status: projectCall('git.status'), branch: projectCall('git.branch'), diff: projectCall('git.diff') };
    const projects = {
      list: () => this.#call('projects.list', {}),
      scratchCopy: (projectId: unknown) => this.#call('projects.scratchCopy', { projectId }),
      scratchDiff: (projectId: unknown) => this.#call('projects.scratchDiff', { projectId }),
    };
    const sessions = {
      list: (filter?: unknown) => this.#call('sessions.list', { ...defined(options(filter)) }),
      get: (id: unknown) => this.#call('sessions.get', { id }),
      messages: (id: unknown, page?: unknown) => this.#call('sessions.messages', { id, ...defined(options(page)) }),
      current: () => this.#call('sessions.current', {}),
    };
    const audit = {
      query: (filter?: unknown) => this.#call('audit.query', { ...defined(options(filter)) }),
      record: (type: unknown, subject: unknown, detail?: unknown) => this.#call('audit.record', { type, subject, detail: detail ?? {} }).then(() => undefined),
    };
    const agents = { run: (request: unknown) => this.#call('agents.run', { ...defined(options(request)) }) };
    const permissions = { request: (name: unknown, reason: unknown) => this.#call('permissions.request', { name, reason }) };

    const agor = harden({
      meta,
      palette: { registerCommand },
      events: { on, emit },
      notifications: { send },
      messages: { onMessage },
      tasks,
      settings: { get: getSetting, set: setSetting, onChange: onSettingsChange },
      storage,
      ui,
      hooks: { register: registerHook },
      net,
      files,
      git,
      projects,
      sessions,
      audit,
      agents,
      permissions,
    });
    const bt = harden({
      meta,
      registerCommand,
      on,
      emit,
      notify: (message: unknown) => send(meta.name, message),
      onMessage,
      tasks,
      getSetting,
      setSetting,
      storage,
      setPanel,
      registerHook,
    });
    return { agor, bt };
  }

  #timer(repeat: boolean) {
    return (callback: unknown, delay?: unknown, ...args: unknown[]): number => {
      if (typeof callback !== 'function') {
        throw new TypeError(`${repeat ? 'setInterval' : 'setTimeout'} takes a function; strings are never evaluated`);
      }
      if (this.#timers.size >= MAX_TIMERS) throw new RangeError(`A plugin may have at most ${MAX_TIMERS} timers at once`);
      const id = this.#nextTimerId++;
      const ms = typeof delay === 'number' && Number.isFinite(delay) ? Math.max(0, delay) : 0;
      const run = () => {
        if (!repeat) this.#timers.delete(id);
        try {
          const result = (callback as Handler)(...args);
          if (result && typeof (result as Promise<unknown>).then === 'function') {
            (result as Promise<unknown>).then(undefined, (err: unknown) => this.log('error', `Timer callback failed: ${describe(err)}`));
          }
        } catch (err) {
          this.log('error', `Timer callback failed: ${describe(err)}`);
        }
      };
      this.#timers.set(id, repeat ? setInterval(run, ms) : setTimeout(run, ms));
      return id;
    };
  }

  #clearTimer = (id: unknown): void => {
    if (typeof id !== 'number') return;
    const timer = this.#timers.get(id);
    if (timer) clearTimeout(timer);
    this.#timers.delete(id);
  };

  #console() {
    const line = (level: LogLevel) => (...args: unknown[]) => this.log(level, args.map(describe).join(' '));
    return { log: line('info'), info: line('info'), debug: line('debug'), warn: line('warn'), error: line('error') };
  }

  /** The plugin's whole world besides the standard built-ins. */
  #globals(): Record<string, unknown> {
    const { agor, bt } = this.#api();
    return harden({
      agor,
      bt,
      console: this.#console(),
      setTimeout: this.#timer(false),
      setInterval: this.#timer(true),
      clearTimeout: this.#clearTimer,
      clearInterval: this.#clearTimer,
      // Inside a compartment SES makes Date.now() and Math.random() throw; plugins need the real ones.
      Date: globalThis.Date,
      Math: globalThis.Math,
    });
  }
}
