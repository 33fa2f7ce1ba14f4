import type { AuditLog } from '../audit/audit.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { PluginCapabilities } from './api/capabilities.ts';
import type { TaskBackend } from './api/context.ts';
import type { PluginLauncher } from './launcher.ts';
import type { PluginPaths } from './paths.ts';
import type { PluginRegistry } from './registry.ts';
import type { PluginStore } from './store.ts';

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
  /** How long a plugin that sleeps when idle may go unused before it is stopped (the settings override it in the app). */
  idleMs: number;
  /** How often main looks for plugins idle long enough to be put to sleep. */
  idleCheckMs: number;
  /** How long a hook chain waits for sleeping plugins that hold that hook to start; past it they are skipped (or block, for `hooks.failure: closed`). */
  coldHookDeadlineMs: number;
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
  idleMs: 10 * 60_000,
  idleCheckMs: 30_000,
  coldHookDeadlineMs: 3000,
};

/** Messages and events held for one sleeping plugin until it is ready; past this the oldest are dropped. */
export const WAKE_QUEUE_LIMIT = 200;

export const DEFAULT_MEMORY_LIMIT_MB = 128;

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
  /** What main does on plugins' behalf (network, files, git, sessions, audit, agents); all missing when absent. */
  capabilities?: PluginCapabilities;
  /** Resident memory of a process in bytes; null where it cannot be measured from outside. */
  readRss?: (pid: number) => number | null;
  /** The idle time from the settings, read at every check so a change holds at once; timing.idleMs when absent. */
  idleMs?: () => number;
}
