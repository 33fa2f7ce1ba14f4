import { readFileSync } from 'node:fs';
import { AppError } from '../../app/contract/envelope.ts';
import {
  PLUGIN_LOG_LIMIT,
  type PaletteEntryValue,
  type Panel,
  type PluginDetailValue,
  type PluginIncidentValue,
  type PluginLogLineValue,
  type PluginState,
  type PluginSummaryValue,
} from '../../app/contract/plugins.ts';
import { checkSettings, isSafePluginId, type PluginManifest } from '../../app/manifest.ts';
import type { AgentMessage, HookOutcome, HookStage } from '../../app/messages.ts';
import type { Permission } from '../../app/permissions.ts';
import {
  API_METHODS,
  MAX_EVENT_DEPTH,
  permissionDeniedMessage,
  type ApiArgs,
  type ApiMethod,
  type HookReply,
  type HostMessage,
  type MainMessage,
} from '../../app/plugin-protocol.ts';
import type { AuditLog } from '../audit/audit.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { TaskService } from '../tasks/tasks.ts';
import type { PluginBus, PluginProcessControl } from './control.ts';
import { checkCallArgs, checkHookReply, checkPanel, isApiMethod } from './envelope.ts';
import type { PluginLauncher } from './launcher.ts';
import { PluginConnection, seconds, type ConnectionExit } from './connection.ts';
import { discoverPlugins, readPluginFolder, readPluginScript, type DiscoveredPlugin } from './manifest.ts';
import type { PluginPaths } from './paths.ts';
import type { PluginRegistry } from './registry.ts';
import { PluginStore, PluginStoreError } from './store.ts';
import { CrashTracker } from './crash-tracker.ts';

/** Every duration the supervisor waits for; tests shrink them instead of sleeping. */
export interface SupervisorTiming {
  /** From launch to the ready handshake. */
  readyTimeoutMs: number;
  heartbeatMs: number;
  /** A ping or a command unanswered this long marks the plugin unresponsive: it is killed and restarted. */
  requestTimeoutMs: number;
  /** How long the unload event may take on a graceful stop before the process is killed. */
  stopDeadlineMs: number;
  memorySampleMs: number;
  crashWindowMs: number;
  maxCrashesInWindow: number;
  /** Delay before restart number `n` (1-based) within the crash window. */
  backoffMs: (n: number) => number;
}

export const DEFAULT_TIMING: SupervisorTiming = {
  readyTimeoutMs: 5000,
  heartbeatMs: 10_000,
  requestTimeoutMs: 10_000,
  stopDeadlineMs: 2000,
  memorySampleMs: 2000,
  crashWindowMs: 5 * 60_000,
  maxCrashesInWindow: 3,
  backoffMs: (n) => Math.min(30_000, 1000 * 2 ** (n - 1)),
};

export const DEFAULT_MEMORY_LIMIT_MB = 128;
const MAX_INCIDENTS = 50;
const MAX_COMMANDS = 100;
const MAX_HOOKS = 20;
const MAX_SUBSCRIPTIONS = 100;
/** Toasts one plugin may raise per minute; a chatty plugin must not bury the user's other notifications. */
const NOTIFICATIONS_PER_MINUTE = 10;
/** A denial or protocol violation of the same kind is audited once per this window, so a loop cannot flood the log. */
const AUDIT_REPEAT_MS = 60_000;

export type TaskBackend = Pick<TaskService, 'list' | 'create' | 'updateStatus'>;

/** A command the app itself offers in the palette. */
export interface AppCommand {
  id: string;
  label: string;
  takesArgument: boolean;
  run(argument: string): void | Promise<void>;
}

export interface SupervisorOptions {
  registry: PluginRegistry;
  paths: PluginPaths;
  store: PluginStore;
  audit: AuditLog;
  notifications: NotificationService;
  events: AppEvents;
  tasks: TaskBackend;
  log: Logger;
  appVersion: string;
  launcher: PluginLauncher;
  timing?: Partial<SupervisorTiming>;
  memoryLimitMb?: number;
  /** API calls one plugin may make per second before main refuses them. */
  callsPerSecond?: number;
  appCommands?: AppCommand[];
  now?: () => number;
  /** Resident memory of a process in bytes; null where it cannot be measured from outside. */
  readRss?: (pid: number) => number | null;
}

interface Code {
  manifest: PluginManifest;
  source: string;
}

type StartResult = { ok: true } | { ok: false; reason: string };

interface Entry {
  id: string;
  discovered: DiscoveredPlugin;
  /** The code the current (or last) process runs; a failed reload puts the previous one back here. */
  code: Code | null;
  state: PluginState;
  stateReason: string | null;
  /** The current process start; null while no process runs. */
  connection: PluginConnection | null;
  restarts: number;
  crashes: CrashTracker;
  logs: PluginLogLineValue[];
  incidents: PluginIncidentValue[];
  panel: Panel | null;
  commands: Map<number, { label: string; takesArgument: boolean }>;
  hooks: Map<number, { stage: HookStage; priority: number; timeoutMs: number }>;
  events: Set<string>;
  messages: boolean;
  readyWaiters: ((result: StartResult) => void)[];
  exitWaiters: (() => void)[];
  restartTimer: NodeJS.Timeout | undefined;
  /** The last start failed (its script threw or its process could not start), as opposed to a problem on disk. */
  failedStart: boolean;
  stopping: boolean;
  /** Set while a reload tries new code: a failure then rolls back instead of restarting. */
  trial: boolean;
  calls: { windowStart: number; count: number; warned: boolean };
  audited: Map<string, number>;
  grants: { revision: number; set: Set<Permission> };
  notifiedAt: number[];
}

/** Resident set size from /proc on Linux; other platforms fall back to what the heartbeat reports. */
export function procRss(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The plugin runtime in main: one process per enabled plugin, its lifecycle
 * and health, and the permission-checked API every plugin request goes
 * through. It never believes a plugin process about anything: which plugin a
 * request is from is decided by which process sent it, and every grant is
 * read from the registry.
 */
export class PluginSupervisor implements PluginProcessControl, PluginBus {
  readonly #o: SupervisorOptions;
  readonly #timing: SupervisorTiming;
  readonly #memoryLimitMb: number;
  readonly #callsPerSecond: number;
  readonly #now: () => number;
  readonly #readRss: (pid: number) => number | null;
  readonly #entries = new Map<string, Entry>();
  #closed = false;

  constructor(options: SupervisorOptions) {
    this.#o = options;
    this.#timing = { ...DEFAULT_TIMING, ...options.timing };
    this.#memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    this.#callsPerSecond = options.callsPerSecond ?? 1000;
    this.#now = options.now ?? Date.now;
    this.#readRss = options.readRss ?? procRss;
  }

  // ---- Control (marketplace, services, channels) ----

  /** Starts every installed, enabled plugin; used once at start-up. */
  async startAll(): Promise<void> {
    this.list();
    const enabled = this.#o.registry.list().filter((row) => row.enabled);
    await Promise.all(enabled.map((row) => this.start(row.id)));
  }

  /** Re-reads the plugin from disk and (re)starts it if it is installed and enabled; resolves once it is ready or has failed. */
  async start(id: string): Promise<void> {
    const entry = this.#entry(id, true);
    if (entry.connection) await this.stop(id, 'Restarting');
    entry.discovered = readPluginFolder(this.#o.paths.root, id, this.#o.appVersion);
    if (!this.#canRun(entry)) return;
    const discovered = entry.discovered as Extract<DiscoveredPlugin, { ok: true }>;
    entry.code = { manifest: discovered.manifest, source: readPluginScript(discovered) };
    entry.crashes.reset();
    await this.#spawn(entry);
  }

  async stop(id: string, reason: string): Promise<void> {
    const entry = this.#entries.get(id);
    if (!entry) return;
    clearTimeout(entry.restartTimer);
    entry.restartTimer = undefined;
    const connection = entry.connection;
    if (connection) {
      entry.stopping = true;
      this.#setState(entry, 'stopping', reason);
      const gone = new Promise<void>((resolve) => entry.exitWaiters.push(resolve));
      await connection.invoke({ t: 'invoke', id: 0, target: 'unload' }, this.#timing.stopDeadlineMs, false).catch((err: unknown) => {
        this.#log(entry, 'warn', 'system', `The unload handler did not finish: ${errorMessage(err)}`);
      });
      connection.kill(null);
      await gone;
      entry.stopping = false;
    }
    this.#log(entry, 'info', 'system', `Stopped: ${reason}`);
    this.#setState(entry, this.#o.registry.get(id)?.enabled ? 'stopped' : 'disabled', reason);
  }

  /** The OS process id of a running plugin, for diagnostics. */
  processId(id: string): number | undefined {
    return this.#entries.get(id)?.connection?.pid;
  }

  isRunning(id: string): boolean {
    return this.#entries.get(id)?.state === 'running';
  }

  /** Graceful stop of every process, for shutdown. */
  async stopAll(): Promise<void> {
    this.#closed = true;
    await Promise.all([...this.#entries.values()].map((e) => this.stop(e.id, 'Switchboard is closing')));
  }

  // ---- Channels ----

  list(): PluginSummaryValue[] {
    const found = new Map(discoverPlugins(this.#o.paths.root, this.#o.appVersion).map((d) => [d.id, d]));
    const rows = this.#o.registry.list();
    const ids = new Set([...found.keys(), ...rows.map((r) => r.id)]);
    for (const entry of this.#entries.values()) {
      if (!ids.has(entry.id) && !entry.connection) {
        this.#entries.delete(entry.id);
        this.#o.events.emit('plugins.changed', { id: entry.id, plugin: null });
      }
    }
    for (const id of ids) {
      if (!isSafePluginId(id)) continue;
      const entry = this.#entry(id, true);
      entry.discovered = found.get(id) ?? { ok: false, id, folder: `${this.#o.paths.root}/${id}`, name: id, version: '0.0.0', errors: ['The plugin folder is missing'] };
      if (!entry.connection && !entry.restartTimer) this.#settleIdleState(entry);
    }
    return [...ids]
      .filter((id) => this.#entries.has(id))
      .map((id) => this.#summary(this.#entries.get(id)!))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
  }

  get(id: string): PluginDetailValue {
    this.list();
    const entry = this.#require(id);
    const row = this.#o.registry.get(id);
    const manifest = this.#manifest(entry);
    return {
      ...this.#summary(entry),
      requestedPermissions: manifest?.permissions ?? [],
      folder: entry.discovered.folder,
      uiSchema: manifest?.uiSchema ?? [],
      settings: this.#o.store.settings(id, manifest),
      panel: entry.panel,
      logs: [...entry.logs],
      incidents: [...entry.incidents],
      installedAt: row?.installedAt ?? null,
      previousVersion: row?.previousVersion ?? null,
    };
  }

  async setEnabled(id: string, enabled: boolean): Promise<PluginSummaryValue> {
    this.list();
    const entry = this.#require(id);
    let row = this.#o.registry.get(id);
    if (!row) {
      if (!enabled) return this.#summary(entry);
      if (!entry.discovered.ok) throw new AppError('conflict', `${entry.discovered.name} cannot be enabled: ${entry.discovered.errors[0]}`);
      // Placed by hand, never installed: it runs with no grants until it is installed with the user's consent.
      const { manifest } = entry.discovered;
      row = this.#o.registry.put({ id, name: manifest.name, version: manifest.version, sourceId: null, previousVersion: null, grants: [], enabled: true });
    }
    if (row.enabled !== enabled) {
      this.#o.registry.setEnabled(id, enabled);
      this.#o.audit.append(enabled ? 'plugin_enabled' : 'plugin_disabled', 'user', id);
    }
    if (enabled) await this.start(id);
    else await this.stop(id, 'Disabled by you');
    return this.#summary(entry);
  }

  /** Stops and starts the same code again (no disk read). */
  async restart(id: string): Promise<PluginSummaryValue> {
    this.list();
    const entry = this.#require(id);
    if (!this.#o.registry.get(id)?.enabled) throw new AppError('conflict', `${this.#name(entry)} is disabled. Enable it to start it.`);
    if (!entry.code) {
      await this.start(id);
      return this.#summary(entry);
    }
    if (entry.connection) await this.stop(id, 'Restarting');
    entry.crashes.reset();
    entry.restarts += 1;
    await this.#spawn(entry);
    return this.#summary(entry);
  }

  /**
   * Hot reload from disk. The running version keeps running until the new
   * code is known to be readable; if the new code then fails to start, the
   * previous code is started again and the call fails with the reason.
   */
  async reload(id: string): Promise<PluginSummaryValue> {
    this.list();
    const entry = this.#require(id);
    if (!this.#o.registry.get(id)?.enabled) throw new AppError('conflict', `${this.#name(entry)} is disabled. Enable it to load it.`);
    const fresh = readPluginFolder(this.#o.paths.root, id, this.#o.appVersion);
    if (!fresh.ok) {
      throw new AppError('conflict', `${this.#name(entry)} was not reloaded: ${fresh.errors.join('; ')}. The running version was left as it was.`);
    }
    const next: Code = { manifest: fresh.manifest, source: readPluginScript(fresh) };
    const previous = entry.code;
    if (entry.connection) await this.stop(id, 'Reloading from disk');
    this.#log(entry, 'info', 'system', `Reloading version ${next.manifest.version} from disk`);
    entry.code = next;
    entry.trial = true;
    const result = await this.#spawn(entry);
    entry.trial = false;
    if (result.ok) {
      entry.discovered = fresh;
      entry.crashes.reset();
      return this.#summary(entry);
    }
    if (!previous) throw new AppError('conflict', `${this.#name(entry)} did not start: ${result.reason}`);
    this.#log(entry, 'warn', 'system', `The reloaded code did not start (${result.reason}); starting the previous version again`);
    entry.code = previous;
    const restored = await this.#spawn(entry);
    throw new AppError(
      'conflict',
      restored.ok
        ? `The new code of ${previous.manifest.name} did not start (${result.reason}). The previous version is running again.`
        : `The new code of ${previous.manifest.name} did not start (${result.reason}), and the previous version failed too (${restored.reason}).`,
    );
  }

  updateSettings(id: string, values: Record<string, unknown>): { saved: true; values: Record<string, unknown> } | { saved: false; errors: Record<string, string> } {
    this.list();
    const entry = this.#require(id);
    const manifest = this.#manifest(entry);
    if (!manifest) throw new AppError('conflict', `${this.#name(entry)} has no usable plugin.json, so it has no settings.`);
    const errors = checkSettings(manifest.uiSchema, values);
    if (Object.keys(errors).length > 0) return { saved: false, errors };
    this.#o.store.setSettings(id, manifest, values);
    this.#o.audit.append('plugin_settings_changed', 'user', id, { keys: Object.keys(values) });
    this.#log(entry, 'info', 'system', `Settings changed: ${Object.keys(values).join(', ')}`);
    return { saved: true, values: this.#o.store.settings(id, manifest) };
  }

  logs(id: string): PluginLogLineValue[] {
    this.list();
    return [...this.#require(id).logs];
  }

  palette(): PaletteEntryValue[] {
    const app: PaletteEntryValue[] = (this.#o.appCommands ?? []).map((c) => ({
      id: c.id,
      label: c.label,
      source: 'app',
      pluginId: null,
      pluginName: null,
      takesArgument: c.takesArgument,
    }));
    const plugins: PaletteEntryValue[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.state !== 'running' || !this.#granted(entry, 'palette')) continue;
      for (const [key, c] of entry.commands) {
        plugins.push({ id: `${entry.id}::${key}`, label: c.label, source: 'plugin', pluginId: entry.id, pluginName: this.#name(entry), takesArgument: c.takesArgument });
      }
    }
    return [...app, ...plugins.sort((a, b) => a.label.localeCompare(b.label))];
  }

  async runCommand(commandId: string, argument: string | undefined): Promise<void> {
    const app = this.#o.appCommands?.find((c) => c.id === commandId);
    if (app) {
      await app.run(argument ?? '');
      return;
    }
    const split = commandId.lastIndexOf('::');
    const entry = split > 0 ? this.#entries.get(commandId.slice(0, split)) : undefined;
    const key = Number(commandId.slice(split + 2));
    const command = entry?.commands.get(key);
    if (!entry || !command) throw new AppError('not_found', 'That command no longer exists. Its plugin may have been stopped or changed.');
    if (entry.state !== 'running') throw new AppError('conflict', `${this.#name(entry)} is not running (${entry.state}), so its commands cannot run.`);
    if (!this.#granted(entry, 'palette')) throw new AppError('permission_denied', permissionDeniedMessage('palette', entry.id));
    this.#log(entry, 'info', 'system', `Running command "${command.label}"`);
    try {
      await this.#invoke(entry, { t: 'invoke', id: 0, target: 'command', key, argument: argument ?? null }, this.#timing.requestTimeoutMs, true);
    } catch (err) {
      this.#log(entry, 'error', 'system', `Command "${command.label}" failed: ${errorMessage(err)}`);
      throw new AppError('internal', `"${command.label}" (${this.#name(entry)}) failed: ${errorMessage(err)}`);
    }
  }

  // ---- Bus (agent sessions) ----

  deliverMessage(message: AgentMessage): void {
    for (const entry of this.#entries.values()) {
      if (entry.state === 'running' && entry.messages && this.#granted(entry, 'messages')) {
        this.#send(entry, { t: 'message', message });
      }
    }
  }

  emitHostEvent(name: string, payload: unknown): void {
    this.#fanOut(name, payload, 0, null);
  }

  async runHooks(stage: HookStage, body: string): Promise<HookOutcome> {
    const chain: { entry: Entry; key: number; priority: number; timeoutMs: number }[] = [];
    for (const entry of this.#entries.values()) {
      if (entry.state !== 'running' || !this.#granted(entry, 'hooks')) continue;
      for (const [key, h] of entry.hooks) if (h.stage === stage) chain.push({ entry, key, priority: h.priority, timeoutMs: h.timeoutMs });
    }
    // Lower priority numbers run first; ties run in plugin id order so the chain is the same every time.
    chain.sort((a, b) => a.priority - b.priority || a.entry.id.localeCompare(b.entry.id) || a.key - b.key);
    let current = body;
    let modified = false;
    let metadata: Record<string, unknown> = {};
    for (const link of chain) {
      let reply: HookReply;
      try {
        const raw = await this.#invoke(link.entry, { t: 'invoke', id: 0, target: 'hook', key: link.key, stage, body: current, metadata }, link.timeoutMs, false);
        const checked = checkHookReply(raw);
        if (!checked.ok) throw new Error(checked.reason);
        reply = checked.value;
      } catch (err) {
        const why = /timed out/.test(errorMessage(err)) ? `timed out after ${link.timeoutMs} ms` : `failed: ${errorMessage(err)}`;
        const closed = link.entry.code?.manifest.hookFailure === 'closed';
        this.#log(link.entry, 'warn', 'system', `The ${stage} hook ${why}; ${closed ? 'blocking, as its manifest asks' : 'skipped'}`);
        if (closed) {
          return { action: 'block', status: 503, errorType: 'hook_failed', message: `${this.#name(link.entry)}'s ${stage} hook ${why}`, pluginId: link.entry.id, metadata };
        }
        continue;
      }
      metadata = reply.metadata;
      if (reply.action === 'block') {
        return { action: 'block', status: reply.status, errorType: reply.errorType, message: reply.message, pluginId: link.entry.id, metadata };
      }
      if (reply.action === 'modify') {
        current = reply.body;
        modified = true;
      }
    }
    return modified ? { action: 'modify', body: current, metadata } : { action: 'passthrough', body: current, metadata };
  }

  // ---- Processes ----

  #spawn(entry: Entry): Promise<StartResult> {
    const code = entry.code!;
    Object.assign(entry, { failedStart: false, messages: false });
    entry.commands.clear();
    entry.hooks.clear();
    entry.events.clear();
    entry.calls = { windowStart: 0, count: 0, warned: false };
    this.#setState(entry, 'starting', null);
    this.#log(entry, 'info', 'system', `Starting ${code.manifest.name} ${code.manifest.version} (${this.#o.launcher.kind})`);
    const result = new Promise<StartResult>((resolve) => entry.readyWaiters.push(resolve));
    const current = () => entry.connection === connection;
    let connection: PluginConnection;
    try {
      connection = new PluginConnection({
        launcher: this.#o.launcher,
        spec: { pluginId: entry.id, folder: entry.discovered.folder, memoryLimitMb: this.#memoryLimitMb },
        timing: this.#timing,
        now: this.#now,
        readRss: this.#readRss,
        events: {
          ready: (message) => current() && this.#onReady(entry, message),
          log: (message) => current() && this.#log(entry, message.level, 'plugin', message.text),
          call: (message) => current() && void this.#onCall(entry, message.id, message.method, message.args),
          violation: (reason) => current() && this.#violation(entry, reason),
          output: (line) => current() && this.#log(entry, 'warn', 'system', line),
          killing: (reason) => current() && this.#killing(entry, reason),
          exit: (exit) => current() && this.#onExit(entry, exit),
        },
      });
    } catch (err) {
      this.#startFailed(entry, `its process could not be started: ${errorMessage(err)}`);
      return result;
    }
    entry.connection = connection;
    connection.send({ t: 'init', meta: { id: entry.id, name: code.manifest.name, version: code.manifest.version }, source: code.source, filename: code.manifest.entry });
    return result;
  }

  #onReady(entry: Entry, message: Extract<HostMessage, { t: 'ready' }>): void {
    if (entry.state !== 'starting') return;
    this.#setState(entry, 'running', null);
    const announced = message.commands.filter((c) => entry.commands.has(c.key)).map((c) => c.label);
    this.#log(entry, 'info', 'system', `Running${announced.length ? ` with commands: ${announced.join(', ')}` : ''}`);
    this.#settleStart(entry, { ok: true });
  }

  #killing(entry: Entry, reason: string): void {
    this.#o.audit.append('plugin_killed', 'app', entry.id, { reason });
    this.#incident(entry, 'killed', reason);
    this.#log(entry, 'error', 'system', `Killed: ${reason}`);
  }

  #onExit(entry: Entry, exit: ConnectionExit): void {
    entry.connection = null;
    const waiters = entry.exitWaiters.splice(0);
    if (entry.stopping) {
      for (const w of waiters) w();
      this.#settleStart(entry, { ok: false, reason: 'it was stopped' });
      return;
    }
    for (const w of waiters) w();
    if (exit.loadError) {
      this.#startFailed(entry, `its script threw while loading: ${exit.loadError}`);
      return;
    }
    const memoryReason = `ran out of memory (more than its ${this.#memoryLimitMb} MB limit)`;
    const reason =
      exit.killReason ??
      (exit.outOfMemory ? memoryReason : exit.signal ? `its process was ended by ${exit.signal}` : `its process exited with code ${exit.code}`);
    if (!exit.killReason) {
      if (exit.outOfMemory) this.#o.audit.append('plugin_killed', 'app', entry.id, { reason });
      else this.#o.audit.append('plugin_crashed', 'app', entry.id, { reason, code: exit.code, signal: exit.signal });
      this.#incident(entry, exit.outOfMemory ? 'killed' : 'crashed', reason);
      this.#log(entry, 'error', 'system', `${exit.outOfMemory ? 'Killed' : 'Crashed'}: ${reason}`);
    }
    this.#setState(entry, 'crashed', reason);
    this.#settleStart(entry, { ok: false, reason });
    // A reload's trial run rolls back instead of restarting.
    if (entry.trial || this.#closed) return;

    const verdict = entry.crashes.record();
    if (verdict.action === 'disable') {
      this.#disableAfterCrashes(entry, verdict.crashes, reason);
      return;
    }
    const delay = verdict.delayMs;
    this.#log(entry, 'info', 'system', `Restarting in ${seconds(delay)} (crash ${verdict.crashes} of ${this.#timing.maxCrashesInWindow} allowed within ${seconds(this.#timing.crashWindowMs)})`);
    entry.restartTimer = setTimeout(() => {
      entry.restartTimer = undefined;
      if (this.#closed || !this.#o.registry.get(entry.id)?.enabled || entry.connection) return;
      entry.restarts += 1;
      void this.#spawn(entry);
    }, delay);
  }

  #disableAfterCrashes(entry: Entry, crashes: number, reason: string): void {
    const name = this.#name(entry);
    const minutes = Math.round(this.#timing.crashWindowMs / 60_000);
    const why = `Disabled after crashing ${crashes} times within ${minutes} minute${minutes === 1 ? '' : 's'} (last: ${reason})`;
    this.#o.registry.setEnabled(entry.id, false);
    this.#o.audit.append('plugin_disabled', 'app', entry.id, { reason: why });
    this.#incident(entry, 'disabled', why);
    this.#log(entry, 'error', 'system', why);
    this.#setState(entry, 'disabled', why);
    this.#o.notifications.notify({
      type: 'error',
      title: `${name} was disabled`,
      message: `It crashed ${crashes} times within ${minutes} minute${minutes === 1 ? '' : 's'} (last: ${reason}). Enable it again on its page once it is fixed.`,
      source: `plugin:${entry.id}`,
    });
  }

  #startFailed(entry: Entry, reason: string): void {
    entry.failedStart = true;
    this.#o.audit.append('plugin_start_failed', 'app', entry.id, { reason });
    this.#incident(entry, 'start_failed', reason);
    this.#log(entry, 'error', 'system', `Did not start: ${reason}`);
    this.#setState(entry, 'error', `Did not start: ${reason}`);
    this.#settleStart(entry, { ok: false, reason });
  }

  #settleStart(entry: Entry, result: StartResult): void {
    for (const resolve of entry.readyWaiters.splice(0)) resolve(result);
  }

  #send(entry: Entry, message: MainMessage): void {
    entry.connection?.send(message);
  }

  #invoke(entry: Entry, message: Extract<MainMessage, { t: 'invoke' }>, timeoutMs: number, killOnTimeout: boolean): Promise<unknown> {
    if (!entry.connection) return Promise.reject(new Error(`${this.#name(entry)} is not running`));
    return entry.connection.invoke(message, timeoutMs, killOnTimeout);
  }

  // ---- Requests from a plugin process ----

  #violation(entry: Entry, reason: string): void {
    this.#log(entry, 'error', 'system', `Refused a malformed message from the plugin process: ${reason}`);
    this.#auditOnce(entry, `violation:${reason}`, 'plugin_protocol_violation', { reason });
  }

  async #onCall(entry: Entry, id: number, method: string, args: unknown): Promise<void> {
    const reply = (result: { ok: true; value: unknown } | { ok: false; error: string }) => this.#send(entry, { t: 'result', id, ...result } as MainMessage);
    if (!isApiMethod(method)) {
      this.#violation(entry, `unknown API method "${method.slice(0, 50)}"`);
      reply({ ok: false, error: `There is no API method "${method.slice(0, 50)}"` });
      return;
    }
    const limited = this.#rateLimited(entry);
    if (limited) {
      reply({ ok: false, error: limited });
      return;
    }
    const problem = checkCallArgs(method, args);
    if (problem) {
      this.#violation(entry, problem);
      reply({ ok: false, error: problem });
      return;
    }
    const permission = API_METHODS[method].permission;
    if (permission && !this.#granted(entry, permission)) {
      reply({ ok: false, error: this.#deny(entry, permission, method) });
      return;
    }
    try {
      reply({ ok: true, value: (await this.#perform(entry, method, args as never)) ?? null });
    } catch (err) {
      if (err instanceof AppError || err instanceof PluginStoreError) {
        reply({ ok: false, error: err.message });
        return;
      }
      this.#o.log.error(`plugin ${entry.id}: ${method} failed`, err);
      reply({ ok: false, error: `${method} failed inside Switchboard; details are in the app log` });
    }
  }

  #deny(entry: Entry, permission: Permission, method: string): string {
    const message = permissionDeniedMessage(permission, entry.id);
    this.#log(entry, 'warn', 'system', `${message} (${method})`);
    this.#auditOnce(entry, `denied:${permission}:${method}`, 'permission_denied', { permission, method }, permission);
    return message;
  }

  #auditOnce(entry: Entry, key: string, eventType: string, detail: Record<string, unknown>, subject = entry.id): void {
    const now = this.#now();
    const last = entry.audited.get(key);
    if (last !== undefined && now - last < AUDIT_REPEAT_MS) return;
    entry.audited.set(key, now);
    this.#o.audit.append(eventType, `plugin:${entry.id}`, subject, detail);
  }

  #rateLimited(entry: Entry): string | null {
    const now = this.#now();
    if (now - entry.calls.windowStart >= 1000) entry.calls = { windowStart: now, count: 0, warned: false };
    entry.calls.count += 1;
    if (entry.calls.count <= this.#callsPerSecond) return null;
    const message = `Too many requests: at most ${this.#callsPerSecond} API calls a second`;
    if (!entry.calls.warned) {
      entry.calls.warned = true;
      this.#log(entry, 'warn', 'system', `${message}; refusing the rest of this second`);
    }
    return message;
  }

  async #perform(entry: Entry, method: ApiMethod, args: ApiArgs<ApiMethod>): Promise<unknown> {
    const { store, tasks } = this.#o;
    const manifest = entry.code?.manifest ?? null;
    const actor = `plugin:${entry.id}` as const;
    switch (method) {
      case 'palette.registerCommand': {
        const a = args as ApiArgs<'palette.registerCommand'>;
        if (entry.commands.size >= MAX_COMMANDS && !entry.commands.has(a.key)) throw new AppError('conflict', `A plugin may register at most ${MAX_COMMANDS} commands`);
        entry.commands.set(a.key, { label: a.label, takesArgument: a.takesArgument });
        if (entry.state === 'running') this.#changed(entry);
        return null;
      }
      case 'events.on': {
        if (entry.events.size >= MAX_SUBSCRIPTIONS) throw new AppError('conflict', `A plugin may listen to at most ${MAX_SUBSCRIPTIONS} event names`);
        entry.events.add((args as ApiArgs<'events.on'>).name);
        return null;
      }
      case 'events.emit': {
        const a = args as ApiArgs<'events.emit'>;
        if (a.depth > MAX_EVENT_DEPTH) throw new AppError('conflict', `Events nested deeper than ${MAX_EVENT_DEPTH} are refused`);
        if (a.name === 'notification') this.#notificationEvent(entry, a.payload);
        this.#fanOut(a.name, a.payload, a.depth, entry.id);
        return null;
      }
      case 'notifications.send': {
        const a = args as ApiArgs<'notifications.send'>;
        this.#notificationAllowance(entry);
        this.#o.notifications.notify({ type: 'info', title: a.title || this.#name(entry), message: a.body, source: actor });
        return null;
      }
      case 'messages.subscribe':
        entry.messages = true;
        return null;
      case 'tasks.list':
        return tasks.list();
      case 'tasks.create': {
        const a = args as ApiArgs<'tasks.create'>;
        return tasks.create(a.title, a.description, actor);
      }
      case 'tasks.updateStatus': {
        const a = args as ApiArgs<'tasks.updateStatus'>;
        return tasks.updateStatus(a.id, a.status, actor);
      }
      case 'settings.get':
        return store.getSetting(entry.id, manifest, (args as ApiArgs<'settings.get'>).key);
      case 'settings.set': {
        const a = args as ApiArgs<'settings.set'>;
        store.setSetting(entry.id, manifest, a.key, a.value);
        return null;
      }
      case 'storage.get':
        return store.get(entry.id, (args as ApiArgs<'storage.get'>).key);
      case 'storage.set': {
        const a = args as ApiArgs<'storage.set'>;
        store.set(entry.id, a.key, a.value);
        return null;
      }
      case 'storage.delete':
        return store.delete(entry.id, (args as ApiArgs<'storage.delete'>).key);
      case 'storage.keys':
        return store.keys(entry.id);
      case 'ui.setPanel': {
        const { panel } = args as ApiArgs<'ui.setPanel'>;
        if (panel === null) entry.panel = null;
        else {
          const checked = checkPanel(panel);
          if (!checked.ok) throw new AppError('invalid_argument', checked.reason);
          entry.panel = checked.value;
        }
        this.#o.events.emit('plugins.panel', { id: entry.id, panel: entry.panel });
        return null;
      }
      case 'hooks.register': {
        const a = args as ApiArgs<'hooks.register'>;
        if (entry.hooks.size >= MAX_HOOKS && !entry.hooks.has(a.key)) throw new AppError('conflict', `A plugin may register at most ${MAX_HOOKS} hooks`);
        entry.hooks.set(a.key, { stage: a.stage, priority: a.priority, timeoutMs: a.timeoutMs });
        return null;
      }
    }
  }

  /** `emit('notification', {type, message})` shows a toast, but only for a plugin that also holds `notifications`. */
  #notificationEvent(entry: Entry, payload: unknown): void {
    if (!this.#granted(entry, 'notifications')) {
      throw new AppError('permission_denied', this.#deny(entry, 'notifications', 'events.emit(notification)'));
    }
    const p = (payload ?? {}) as { type?: unknown; message?: unknown; title?: unknown };
    const types = ['info', 'success', 'warning', 'error'] as const;
    const type = types.find((t) => t === p.type) ?? 'info';
    if (typeof p.message !== 'string' || p.message.length === 0) throw new AppError('invalid_argument', "A notification event needs {message: string, type?: 'info' | 'success' | 'warning' | 'error'}");
    const title = typeof p.title === 'string' && p.title ? p.title : this.#name(entry);
    this.#notificationAllowance(entry);
    this.#o.notifications.notify({ type, title, message: p.message, source: `plugin:${entry.id}` });
  }

  #notificationAllowance(entry: Entry): void {
    const now = this.#now();
    entry.notifiedAt = entry.notifiedAt.filter((at) => now - at < 60_000);
    if (entry.notifiedAt.length >= NOTIFICATIONS_PER_MINUTE) {
      const message = `Too many notifications: at most ${NOTIFICATIONS_PER_MINUTE} a minute`;
      this.#log(entry, 'warn', 'system', `${message}; this one was dropped`);
      throw new AppError('conflict', message);
    }
    entry.notifiedAt.push(now);
  }

  #fanOut(name: string, payload: unknown, depth: number, from: string | null): void {
    for (const entry of this.#entries.values()) {
      if (entry.id === from || entry.state !== 'running' || !entry.events.has(name)) continue;
      if (!this.#granted(entry, 'events')) continue;
      this.#send(entry, { t: 'event', name, payload, depth, from });
    }
  }

  // ---- Bookkeeping ----

  #entry(id: string, create: boolean): Entry {
    let entry = this.#entries.get(id);
    if (!entry && create) {
      entry = {
        id,
        discovered: { ok: false, id, folder: `${this.#o.paths.root}/${id}`, name: id, version: '0.0.0', errors: ['Not scanned yet'] },
        code: null,
        state: 'stopped',
        stateReason: null,
        connection: null,
        restarts: 0,
        crashes: new CrashTracker({ windowMs: this.#timing.crashWindowMs, maxCrashesInWindow: this.#timing.maxCrashesInWindow, backoffMs: this.#timing.backoffMs }, this.#now),
        logs: [],
        incidents: [],
        panel: null,
        commands: new Map(),
        hooks: new Map(),
        events: new Set(),
        messages: false,
        readyWaiters: [],
        exitWaiters: [],
        restartTimer: undefined,
        failedStart: false,
        stopping: false,
        trial: false,
        calls: { windowStart: 0, count: 0, warned: false },
        audited: new Map(),
        grants: { revision: -1, set: new Set() },
        notifiedAt: [],
      };
      this.#entries.set(id, entry);
    }
    if (!entry) throw new AppError('not_found', `No plugin "${id.slice(0, 80)}" is installed.`);
    return entry;
  }

  /**
   * Whether the registry grants `permission` to the plugin. Read from the
   * registry on every check, through a copy refreshed whenever the registry
   * has been written since, so a revoked grant holds from the next call.
   */
  #granted(entry: Entry, permission: Permission): boolean {
    const revision = this.#o.registry.revision;
    if (entry.grants.revision !== revision) entry.grants = { revision, set: new Set(this.#o.registry.grants(entry.id)) };
    return entry.grants.set.has(permission);
  }

  #require(id: string): Entry {
    return this.#entry(id, false);
  }

  /** Whether the entry may start; if not, puts it in the state that says why. */
  #canRun(entry: Entry): boolean {
    if (!entry.discovered.ok) {
      this.#setState(entry, 'error', entry.discovered.errors.join('; '));
      return false;
    }
    const row = this.#o.registry.get(entry.id);
    if (!row?.enabled) {
      this.#setState(entry, 'disabled', row ? entry.stateReason : 'Not installed: enable it to run it without any permissions');
      return false;
    }
    return true;
  }

  #settleIdleState(entry: Entry): void {
    if (entry.state === 'starting' || entry.state === 'stopping' || entry.state === 'running') return;
    const enabled = this.#o.registry.get(entry.id)?.enabled ?? false;
    if (!entry.discovered.ok) this.#setState(entry, 'error', entry.discovered.errors.join('; '));
    else if (!enabled) {
      if (entry.state !== 'disabled') this.#setState(entry, 'disabled', entry.stateReason);
    } else if (entry.state === 'disabled') this.#setState(entry, 'stopped', null);
    // An error found on disk clears once the folder is fixed; an error from a failed start stays until the next start.
    else if (entry.state === 'error' && !entry.failedStart) this.#setState(entry, 'stopped', null);
  }

  #manifest(entry: Entry): PluginManifest | null {
    return entry.code?.manifest ?? (entry.discovered.ok ? entry.discovered.manifest : null);
  }

  #name(entry: Entry): string {
    return this.#manifest(entry)?.name ?? (entry.discovered.ok ? entry.discovered.manifest.name : entry.discovered.name);
  }

  #summary(entry: Entry): PluginSummaryValue {
    const row = this.#o.registry.get(entry.id);
    const manifest = this.#manifest(entry);
    const running = entry.state === 'running';
    const palette = running && row?.grants.includes('palette');
    return {
      id: entry.id,
      name: this.#name(entry),
      version: manifest?.version ?? (entry.discovered.ok ? entry.discovered.manifest.version : entry.discovered.version),
      description: manifest?.description ?? '',
      state: entry.state,
      enabled: row?.enabled ?? false,
      grants: row?.grants ?? [],
      errors: entry.discovered.ok ? [] : [...entry.discovered.errors],
      stateReason: entry.stateReason,
      uptimeMs: running && entry.connection?.startedAt != null ? this.#now() - entry.connection.startedAt : null,
      memoryBytes: running ? (entry.connection?.memoryBytes ?? null) : null,
      restarts: entry.restarts,
      hasUpdate: false,
      commands: palette ? [...entry.commands].map(([key, c]) => ({ id: `${entry.id}::${key}`, label: c.label, takesArgument: c.takesArgument })) : [],
      canRollback: Boolean(row?.previousVersion),
    };
  }

  #setState(entry: Entry, state: PluginState, reason: string | null): void {
    const changed = entry.state !== state || entry.stateReason !== reason;
    entry.state = state;
    entry.stateReason = reason;
    if (changed) this.#changed(entry);
  }

  #changed(entry: Entry): void {
    this.#o.events.emit('plugins.changed', { id: entry.id, plugin: this.#summary(entry) });
  }

  #incident(entry: Entry, kind: PluginIncidentValue['kind'], reason: string): void {
    entry.incidents.push({ at: new Date(this.#now()).toISOString(), kind, reason });
    if (entry.incidents.length > MAX_INCIDENTS) entry.incidents.shift();
  }

  #log(entry: Entry, level: PluginLogLineValue['level'], source: PluginLogLineValue['source'], text: string): void {
    const line: PluginLogLineValue = { at: new Date(this.#now()).toISOString(), level, source, text };
    entry.logs.push(line);
    if (entry.logs.length > PLUGIN_LOG_LIMIT) entry.logs.shift();
    this.#o.events.emit('plugins.log', { id: entry.id, line });
  }
}
