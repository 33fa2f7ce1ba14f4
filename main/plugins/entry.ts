import type { Panel, PluginDetailValue, PluginIncidentValue, PluginLogLineValue, PluginState, PluginSummaryValue } from '../../app/contract/plugins.ts';
import type { PluginManifest } from '../../app/manifest.ts';
import type { Permission } from '../../app/permissions.ts';
import { emptyRegistrations, freshLimits, type ApiContext, type ApiServices, type Registrations, type StatusItem } from './api/context.ts';
import type { PluginConnection } from './connection.ts';
import type { CrashTracker } from './crash-tracker.ts';
import type { DiscoveredPlugin } from './manifest.ts';
import type { RegistryRow } from './registry.ts';

/** What one process start runs. */
export interface Code {
  manifest: PluginManifest;
  source: string;
}

export type StartResult = { ok: true } | { ok: false; reason: string };

/**
 * Every state change the supervisor makes, as a table (a change to the same
 * state, with a new reason, is always allowed). Anything else is a bug in
 * main, never something a plugin process can cause: the supervisor throws.
 */
export const PLUGIN_TRANSITIONS: Readonly<Record<PluginState, readonly PluginState[]>> = {
  // Ready, stopped while loading, crashed or killed while loading, or its script threw / its process could not start.
  starting: ['running', 'stopping', 'crashed', 'error'],
  running: ['stopping', 'crashed'],
  // Stopped, or asleep again after a while without use (or a stop) when it has activation events.
  stopping: ['stopped', 'sleeping', 'disabled'],
  stopped: ['starting', 'sleeping', 'disabled', 'error'],
  // Woken by one of its activation events, disabled, its manifest no longer lazy, or its folder broke.
  sleeping: ['starting', 'stopped', 'disabled', 'error'],
  // Restarted after the backoff, stopped or disabled meanwhile, or its folder broke.
  crashed: ['starting', 'stopped', 'sleeping', 'disabled', 'error'],
  disabled: ['starting', 'stopped', 'sleeping', 'error'],
  // An error on disk clears once the folder is fixed; a failed start stays until the next start.
  error: ['starting', 'stopped', 'sleeping', 'disabled'],
};

export function checkTransition(id: string, from: PluginState, to: PluginState): void {
  if (from !== to && !PLUGIN_TRANSITIONS[from].includes(to)) throw new Error(`plugin ${id}: no state change from ${from} to ${to}`);
}

/** One plugin folder the supervisor knows, installed or not, across all its process starts. */
export interface Entry {
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
  /** Its status bar item; cleared when its process stops. */
  status: StatusItem | null;
  registered: Registrations;
  readyWaiters: ((result: StartResult) => void)[];
  exitWaiters: (() => void)[];
  restartTimer: NodeJS.Timeout | undefined;
  /** The last start failed (its script threw or its process could not start), as opposed to a problem on disk. */
  failedStart: boolean;
  stopping: boolean;
  /** Set while a reload tries new code: a failure then rolls back instead of restarting. */
  trial: boolean;
  /** A copy of the registry's grants and the registry revision it was read at. */
  grants: { revision: number; set: Set<Permission> };
  /** The plugin as the API gate, the capability modules and the bus see it. */
  api: ApiContext;
}

/** What a new entry's API context reaches in the supervisor. */
export interface EntryHost {
  root: string;
  crashes: () => CrashTracker;
  services: ApiServices;
  granted(entry: Entry, permission: Permission): boolean;
  log(entry: Entry, level: PluginLogLineValue['level'], text: string): void;
  changed(entry: Entry): void;
  panelChanged(entry: Entry): void;
  statusChanged(entry: Entry): void;
}

export function newEntry(id: string, host: EntryHost): Entry {
  const registered = emptyRegistrations();
  // The context's functions run only once the entry exists.
  const api: ApiContext = {
    pluginId: id,
    actor: `plugin:${id}`,
    registered,
    limits: freshLimits(),
    services: host.services,
    name: () => nameOf(entry),
    manifest: () => entry.code?.manifest ?? null,
    running: () => entry.state === 'running',
    granted: (permission) => host.granted(entry, permission),
    log: (level, text) => host.log(entry, level, text),
    changed: () => host.changed(entry),
    setPanel: (panel) => {
      entry.panel = panel;
      host.panelChanged(entry);
    },
    setStatus: (status) => {
      entry.status = status;
      host.statusChanged(entry);
    },
    askUser: (request) => {
      const answer = host.services.capabilities.consent(request);
      return entry.connection ? entry.connection.waitOnUser(answer) : answer;
    },
  };
  const entry: Entry = {
    id,
    discovered: { ok: false, id, folder: `${host.root}/${id}`, name: id, version: '0.0.0', errors: ['Not scanned yet'] },
    code: null,
    state: 'stopped',
    stateReason: null,
    connection: null,
    restarts: 0,
    crashes: host.crashes(),
    logs: [],
    incidents: [],
    panel: null,
    status: null,
    registered,
    readyWaiters: [],
    exitWaiters: [],
    restartTimer: undefined,
    failedStart: false,
    stopping: false,
    trial: false,
    grants: { revision: -1, set: new Set() },
    api,
  };
  return entry;
}

export function manifestOf(entry: Entry): PluginManifest | null {
  return entry.code?.manifest ?? (entry.discovered.ok ? entry.discovered.manifest : null);
}

export function nameOf(entry: Entry): string {
  return manifestOf(entry)?.name ?? (entry.discovered.ok ? entry.discovered.manifest.name : entry.discovered.name);
}

/** The plugin as its card shows it. */
export function summaryOf(entry: Entry, row: RegistryRow | undefined, now: number): PluginSummaryValue {
  const manifest = manifestOf(entry);
  const running = entry.state === 'running';
  const palette = running && row?.grants.includes('palette');
  const startedAt = entry.connection?.startedAt ?? null;
  return {
    id: entry.id,
    name: nameOf(entry),
    version: manifest?.version ?? (entry.discovered.ok ? entry.discovered.manifest.version : entry.discovered.version),
    description: manifest?.description ?? '',
    state: entry.state,
    enabled: row?.enabled ?? false,
    grants: row?.grants ?? [],
    errors: entry.discovered.ok ? [] : [...entry.discovered.errors],
    stateReason: entry.stateReason,
    uptimeMs: running && startedAt !== null ? now - startedAt : null,
    memoryBytes: running ? (entry.connection?.memoryBytes ?? null) : null,
    restarts: entry.restarts,
    hasUpdate: false,
    commands: palette ? [...entry.registered.commands].map(([key, c]) => ({ id: `${entry.id}::${key}`, label: c.label, takesArgument: c.takesArgument })) : [],
    canRollback: Boolean(row?.previousVersion),
    sideloaded: !row || row.sourceId === null,
    status: running && row?.grants.includes('status') ? entry.status : null,
  };
}

/** The plugin as its page shows it. */
export function detailOf(entry: Entry, row: RegistryRow | undefined, settings: Record<string, unknown>, now: number): PluginDetailValue {
  const manifest = manifestOf(entry);
  return {
    ...summaryOf(entry, row, now),
    requestedPermissions: manifest?.permissions ?? [],
    optionalPermissions: manifest?.optionalPermissions ?? [],
    networkHosts: manifest?.networkHosts ?? [],
    folder: entry.discovered.folder,
    uiSchema: manifest?.uiSchema ?? [],
    settings,
    panel: entry.panel,
    logs: [...entry.logs],
    incidents: [...entry.incidents],
    installedAt: row?.installedAt ?? null,
    previousVersion: row?.previousVersion ?? null,
  };
}
