import { AppError } from '../../app/contract/envelope.ts';
import { findDirectEval } from '../../app/direct-eval.ts';
import {
  PLUGIN_LOG_LIMIT,
  type PaletteEntryValue,
  type PluginDetailValue,
  type PluginLogLineValue,
  type PluginState,
  type PluginSummaryValue,
} from '../../app/contract/plugins.ts';
import { checkSettings, isSafePluginId } from '../../app/manifest.ts';
import type { AgentMessage, HookOutcome, HookStage } from '../../app/messages.ts';
import type { Permission } from '../../app/permissions.ts';
import type { HostMessage, MainMessage } from '../../app/plugin-protocol.ts';
import { NO_CAPABILITIES } from './api/capabilities.ts';
import { clearRegistrations } from './api/context.ts';
import { ApiGate } from './api/gate.ts';
import { API_TABLE } from './api/table.ts';
import { PluginBus } from './bus.ts';
import { PluginConnection, procRss, seconds, type ConnectionExit } from './connection.ts';
import type { PluginBus as PluginBusContract, PluginProcessControl } from './control.ts';
import { CrashTracker } from './crash-tracker.ts';
import { checkTransition, detailOf, manifestOf, nameOf, newEntry, summaryOf, type Code, type Entry, type EntryHost, type StartResult } from './entry.ts';
import { planOf, PluginActivation, startsOnDemand } from './activation.ts';
import { errorMessage, PluginCommands } from './commands.ts';
import { cannotRun, restingState } from './resting.ts';
import { PluginIncidents } from './incidents.ts';
import { PluginGrants, type StatusBarItem } from './grants.ts';
import { discoverPlugins, readPluginFolder, readPluginScript, type DiscoveredPlugin } from './manifest.ts';
import { DEFAULT_MEMORY_LIMIT_MB, DEFAULT_TIMING, type SupervisorOptions, type SupervisorTiming } from './supervisor-options.ts';

export type { SupervisorTiming } from './supervisor-options.ts';

/**
 * The plugin runtime in main: one process per enabled plugin, its lifecycle
 * and health, and the permission-checked API every plugin request goes
 * through. It never believes a plugin process about anything: which plugin a
 * request is from is decided by which process sent it, and every grant is
 * read from the registry.
 */
export class PluginSupervisor implements PluginProcessControl, PluginBusContract {
  readonly #o: SupervisorOptions;
  readonly #timing: SupervisorTiming;
  readonly #memoryLimitMb: number;
  readonly #now: () => number;
  readonly #readRss: (pid: number) => number | null;
  readonly #entries = new Map<string, Entry>();
  readonly #gate: ApiGate;
  readonly #bus = new PluginBus(() => this.#entries.values());
  readonly #entryHost: EntryHost;
  readonly #grants: PluginGrants;
  readonly #commands: PluginCommands;
  readonly #incidents: PluginIncidents;
  readonly #activation: PluginActivation;
  #closed = false;

  constructor(options: SupervisorOptions) {
    this.#o = options;
    this.#timing = { ...DEFAULT_TIMING, ...options.timing };
    this.#memoryLimitMb = options.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    this.#now = options.now ?? Date.now;
    this.#readRss = options.readRss ?? procRss;
    this.#gate = new ApiGate({ table: API_TABLE, audit: options.audit, log: options.log, now: this.#now, callsPerSecond: options.callsPerSecond ?? 1000 });
    const log = (entry: Entry, level: PluginLogLineValue['level'], text: string) => this.#log(entry, level, 'system', text);
    const shared = { entries: () => this.#entries.values(), granted: (entry: Entry, permission: Permission) => this.#grants.granted(entry, permission), log };
    this.#grants = new PluginGrants({
      registry: options.registry,
      audit: options.audit,
      entry: (id) => this.#entry(id),
      entries: shared.entries,
      start: (id) => this.start(id),
      summary: (entry) => this.#summary(entry),
      log: (entry, text) => this.#log(entry, 'info', 'system', text),
      changed: (entry) => this.#changed(entry),
    });
    this.#commands = new PluginCommands({
      appCommands: options.appCommands ?? [],
      ...shared,
      entry: (id) => this.#entries.get(id),
      requestTimeoutMs: this.#timing.requestTimeoutMs,
      wake: (entry, why) => this.#activation.wakeFor(entry, why),
      used: (entry) => this.#activation.touch(entry),
    });
    this.#activation = new PluginActivation({
      ...shared,
      wake: (entry) => this.#spawn(entry),
      sleep: (entry, reason) => this.stop(entry.id, reason),
      now: this.#now,
      idleMs: options.idleMs ?? (() => this.#timing.idleMs),
      idleCheckMs: this.#timing.idleCheckMs,
      coldHookDeadlineMs: this.#timing.coldHookDeadlineMs,
    });
    this.#incidents = new PluginIncidents({
      registry: options.registry,
      audit: options.audit,
      notifications: options.notifications,
      memoryLimitMb: this.#memoryLimitMb,
      crashWindowMs: this.#timing.crashWindowMs,
      now: this.#now,
      setState: (entry, state, reason) => this.#setState(entry, state, reason),
      log,
      settleStart: (entry, result) => this.#settleStart(entry, result),
    });
    const timing = this.#timing;
    this.#entryHost = {
      root: options.paths.root,
      crashes: () => new CrashTracker({ windowMs: timing.crashWindowMs, maxCrashesInWindow: timing.maxCrashesInWindow, backoffMs: timing.backoffMs }, this.#now),
      services: {
        store: options.store,
        tasks: options.tasks,
        notifications: options.notifications,
        capabilities: options.capabilities ?? NO_CAPABILITIES,
        audit: (eventType, actor, subject, detail) => options.audit.append(eventType, actor, subject, detail),
        grants: { grant: (id, permission, actor) => this.#grants.set(this.#entry(id), permission, true, actor) },
        consents: { has: (id, kind) => options.registry.hasConsent(id, kind), remember: (id, kind) => options.registry.rememberConsent(id, kind) },
        fanOut: (name, payload, depth, from) => this.#fanOut(name, payload, depth, from),
        now: this.#now,
      },
      granted: shared.granted,
      log,
      changed: (entry) => this.#changed(entry),
      panelChanged: (entry) => options.events.emit('plugins.panel', { id: entry.id, panel: entry.panel }),
      statusChanged: () => options.events.emit('plugins.status', { items: this.statusItems() }),
    };
  }

  // ---- Control (marketplace, services, channels) ----

  /** Starts every installed, enabled plugin, or puts it to sleep until one of its activation events; used once at start-up. */
  async startAll(): Promise<void> {
    this.list();
    await Promise.all(this.#o.registry.list().filter((row) => row.enabled).map((row) => this.start(row.id)));
  }

  /** Re-reads the plugin from disk and (re)starts it if it is installed and enabled; resolves once it is ready or has failed. */
  async start(id: string): Promise<void> {
    const entry = this.#entry(id, true);
    if (entry.connection) await this.stop(id, 'Restarting');
    entry.discovered = readPluginFolder(this.#o.paths.root, id, this.#o.appVersion);
    const refused = cannotRun(entry, this.#o.registry.get(id));
    if (refused) return this.#setState(entry, refused.state, refused.reason);
    const discovered = entry.discovered as Extract<DiscoveredPlugin, { ok: true }>;
    entry.code = { manifest: discovered.manifest, source: readPluginScript(discovered) };
    entry.crashes.reset();
    if (startsOnDemand(entry)) this.#setState(entry, 'sleeping', this.#activation.sleepingReason(entry, null));
    else await this.#spawn(entry);
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
    const enabled = this.#o.registry.get(id)?.enabled;
    if (enabled && entry.discovered.ok && startsOnDemand(entry)) this.#setState(entry, 'sleeping', this.#activation.sleepingReason(entry, reason));
    else this.#setState(entry, enabled ? 'stopped' : 'disabled', reason);
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
    this.#activation.close();
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
      const settled = entry.connection || entry.restartTimer ? null : restingState(entry, this.#o.registry.get(id)?.enabled ?? false, () => this.#activation.sleepingReason(entry, null));
      if (settled) this.#setState(entry, settled.state, settled.reason);
    }
    return [...ids]
      .filter((id) => this.#entries.has(id))
      .map((id) => this.#summary(this.#entries.get(id)!))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
  }

  /** The plugin's page; opening it wakes a sleeping plugin that starts `onPanel`. */
  get(id: string): PluginDetailValue {
    this.list();
    const entry = this.#entry(id);
    if (entry.state === 'sleeping' && planOf(entry)?.onPanel) void this.#activation.wakeFor(entry, 'its page was opened');
    return detailOf(entry, this.#o.registry.get(id), this.#o.store.settings(id, manifestOf(entry)), this.#now());
  }

  async setEnabled(id: string, enabled: boolean): Promise<PluginSummaryValue> {
    this.list();
    const entry = this.#entry(id);
    const row = this.#o.registry.get(id);
    if (!row) {
      if (!enabled) return this.#summary(entry);
      if (!entry.discovered.ok) throw new AppError('conflict', `${entry.discovered.name} cannot be enabled: ${entry.discovered.errors[0]}`);
      // Placed by hand, never installed: the user approves its permissions first (plugins.approveSideload).
      throw new AppError('conflict', `${entry.discovered.manifest.name} was sideloaded. Review and approve its permissions to enable it.`);
    }
    if (row.enabled !== enabled) {
      this.#o.registry.setEnabled(id, enabled);
      this.#o.audit.append(enabled ? 'plugin_enabled' : 'plugin_disabled', 'user', id);
    }
    // Enabling what already runs changes nothing: no restart, no lost state.
    if (enabled && !entry.connection) await this.start(id);
    else if (!enabled) await this.stop(id, 'Disabled by you');
    return this.#summary(entry);
  }

  approveSideload(id: string, accepted: readonly Permission[]): Promise<PluginSummaryValue> {
    this.list();
    return this.#grants.approveSideload(id, accepted);
  }

  setPermission(id: string, permission: Permission, granted: boolean): PluginSummaryValue {
    this.list();
    return this.#grants.setPermission(id, permission, granted);
  }

  panelAction(id: string, blockId: string, actionId: string | null, values: Record<string, string | number | boolean>): Promise<{ ok: true } | { ok: false; error: string }> {
    return this.#commands.panelAction(this.#entry(id), blockId, actionId, values);
  }

  statusItems(): StatusBarItem[] {
    return this.#grants.statusItems();
  }

  /** Stops and starts the same code again (no disk read). */
  async restart(id: string): Promise<PluginSummaryValue> {
    this.list();
    const entry = this.#entry(id);
    if (!this.#o.registry.get(id)?.enabled) throw new AppError('conflict', `${nameOf(entry)} is disabled. Enable it to start it.`);
    if (!entry.code) {
      await this.start(id);
      // One that sleeps is started by Restart too: the user asked for it.
      if (entry.state !== 'sleeping') return this.#summary(entry);
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
    const entry = this.#entry(id);
    if (!this.#o.registry.get(id)?.enabled) throw new AppError('conflict', `${nameOf(entry)} is disabled. Enable it to load it.`);
    const fresh = readPluginFolder(this.#o.paths.root, id, this.#o.appVersion);
    if (!fresh.ok) {
      throw new AppError('conflict', `${nameOf(entry)} was not reloaded: ${fresh.errors.join('; ')}. The running version was left as it was.`);
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
    if (!previous) throw new AppError('conflict', `${nameOf(entry)} did not start: ${result.reason}`);
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
    const entry = this.#entry(id);
    const manifest = manifestOf(entry);
    if (!manifest) throw new AppError('conflict', `${nameOf(entry)} has no usable plugin.json, so it has no settings.`);
    const errors = checkSettings(manifest.uiSchema, values);
    if (Object.keys(errors).length > 0) return { saved: false, errors };
    this.#o.store.setSettings(id, manifest, values);
    this.#o.audit.append('plugin_settings_changed', 'user', id, { keys: Object.keys(values) });
    this.#log(entry, 'info', 'system', `Settings changed: ${Object.keys(values).join(', ')}`);
    const saved = this.#o.store.settings(id, manifest);
    // A running plugin that asked (agor.settings.onChange) redraws with them now; a sleeping one reads them when it starts.
    if (entry.state === 'running' && entry.registered.settings && this.#grants.granted(entry, 'settings')) entry.connection?.send({ t: 'settings', values: saved });
    return { saved: true, values: saved };
  }

  logs(id: string): PluginLogLineValue[] {
    this.list();
    return [...this.#entry(id).logs];
  }

  palette(): PaletteEntryValue[] {
    return this.#commands.palette();
  }

  /** Runs a palette command; resolves with what its handler returned. */
  runCommand(commandId: string, argument: string | undefined): Promise<unknown> {
    return this.#commands.run(commandId, argument);
  }

  // ---- Bus (agent sessions) ----

  deliverMessage(message: AgentMessage): void {
    this.#bus.deliverMessage(message);
    this.#activation.message(message);
  }

  emitHostEvent(name: string, payload: unknown): void {
    this.#fanOut(name, payload, 0, null);
  }

  /** Plugins that sleep until this stage's hook runs are started first, within the cold-start deadline. */
  async runHooks(stage: HookStage, body: string, metadata: Record<string, unknown> = {}): Promise<HookOutcome> {
    const blocked = await this.#activation.hooks(stage, metadata);
    return blocked ?? this.#bus.runHooks(stage, body, metadata);
  }

  #fanOut(name: string, payload: unknown, depth: number, from: string | null): void {
    this.#bus.fanOut(name, payload, depth, from);
    this.#activation.event(name, payload, depth, from);
  }

  // ---- Processes ----

  #spawn(entry: Entry): Promise<StartResult> {
    const code = entry.code!;
    entry.failedStart = false;
    clearRegistrations(entry.registered);
    entry.api.limits.calls = { windowStart: 0, count: 0, warned: false };
    this.#setState(entry, 'starting', null);
    this.#log(entry, 'info', 'system', `Starting ${code.manifest.name} ${code.manifest.version} (${this.#o.launcher.kind})`);
    const result = new Promise<StartResult>((resolve) => entry.readyWaiters.push(resolve));
    const evalLine = findDirectEval(code.source);
    if (evalLine !== null) {
      this.#incidents.startFailed(entry, `Possible direct eval expression rejected at ${code.manifest.entry}:${evalLine}: a direct eval cannot run in the sandbox; use (0, eval)(…) or no eval`);
      return result;
    }
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
          violation: (reason) => current() && this.#gate.violation(entry.api, reason),
          output: (line) => current() && this.#log(entry, 'warn', 'system', line),
          killing: (reason) => current() && this.#incidents.killing(entry, reason),
          exit: (exit) => current() && this.#onExit(entry, exit),
        },
      });
    } catch (err) {
      this.#incidents.startFailed(entry, `its process could not be started: ${errorMessage(err)}`);
      return result;
    }
    entry.connection = connection;
    connection.send({ t: 'init', meta: { id: entry.id, name: code.manifest.name, version: code.manifest.version }, source: code.source, filename: code.manifest.entry });
    return result;
  }

  #onReady(entry: Entry, message: Extract<HostMessage, { t: 'ready' }>): void {
    if (entry.state !== 'starting') return;
    this.#setState(entry, 'running', null);
    const announced = message.commands.filter((c) => entry.registered.commands.has(c.key)).map((c) => c.label);
    this.#log(entry, 'info', 'system', `Running${announced.length ? ` with commands: ${announced.join(', ')}` : ''}`);
    this.#settleStart(entry, { ok: true });
    this.#activation.ready(entry);
  }

  #onExit(entry: Entry, exit: ConnectionExit): void {
    entry.connection = null;
    // Its status item spoke for the process that just ended.
    if (entry.status) entry.api.setStatus(null);
    const waiters = entry.exitWaiters.splice(0);
    if (entry.stopping) {
      for (const w of waiters) w();
      this.#settleStart(entry, { ok: false, reason: 'it was stopped' });
      return;
    }
    for (const w of waiters) w();
    this.#activation.forget(entry);
    if (exit.loadError) {
      this.#incidents.startFailed(entry, `its script threw while loading: ${exit.loadError}`);
      return;
    }
    const reason = this.#incidents.ended(entry, exit);
    // A reload's trial run rolls back instead of restarting.
    if (entry.trial || this.#closed) return;

    const verdict = entry.crashes.record();
    if (verdict.action === 'disable') {
      this.#incidents.disabledAfterCrashes(entry, verdict.crashes, reason);
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

  #settleStart(entry: Entry, result: StartResult): void {
    for (const resolve of entry.readyWaiters.splice(0)) resolve(result);
  }

  // ---- Requests from a plugin process ----

  async #onCall(entry: Entry, id: number, method: string, args: unknown): Promise<void> {
    this.#activation.touch(entry);
    const result = await this.#gate.call(entry.api, method, args);
    entry.connection?.send({ t: 'result', id, ...result } as MainMessage);
  }

  // ---- Bookkeeping ----

  #entry(id: string, create = false): Entry {
    let entry = this.#entries.get(id);
    if (!entry && create) {
      entry = newEntry(id, this.#entryHost);
      this.#entries.set(id, entry);
    }
    if (!entry) throw new AppError('not_found', `No plugin "${id.slice(0, 80)}" is installed.`);
    return entry;
  }

  #summary(entry: Entry): PluginSummaryValue {
    return summaryOf(entry, this.#o.registry.get(entry.id), this.#now());
  }

  #setState(entry: Entry, state: PluginState, reason: string | null): void {
    checkTransition(entry.id, entry.state, state);
    const changed = entry.state !== state || entry.stateReason !== reason;
    const shownBefore = entry.state === 'running';
    entry.state = state;
    entry.stateReason = reason;
    if (changed) this.#changed(entry);
    // An item set while the plugin was starting is shown from the moment it runs.
    if (entry.status && shownBefore !== (state === 'running')) this.#o.events.emit('plugins.status', { items: this.statusItems() });
  }

  #changed(entry: Entry): void {
    this.#o.events.emit('plugins.changed', { id: entry.id, plugin: this.#summary(entry) });
  }

  #log(entry: Entry, level: PluginLogLineValue['level'], source: PluginLogLineValue['source'], text: string): void {
    const line: PluginLogLineValue = { at: new Date(this.#now()).toISOString(), level, source, text };
    entry.logs.push(line);
    if (entry.logs.length > PLUGIN_LOG_LIMIT) entry.logs.shift();
    this.#o.events.emit('plugins.log', { id: entry.id, line });
  }
}
