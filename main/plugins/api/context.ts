import type { Panel, PluginLogLineValue } from '../../../app/contract/plugins.ts';
import type { PluginManifest } from '../../../app/manifest.ts';
import type { HookStage } from '../../../app/messages.ts';
import type { Permission } from '../../../app/permissions.ts';
import type { ApiArgs, ApiMethod } from '../../../app/plugin-protocol.ts';
import type { NotificationService } from '../../notifications/notifications.ts';
import type { TaskService } from '../../tasks/tasks.ts';
import type { AuditActor } from '../../audit/audit.ts';
import type { PluginStore } from '../store.ts';
import type { PluginCapabilities } from './capabilities.ts';
import type { ConsentRequest } from './consent.ts';

export type TaskBackend = Pick<TaskService, 'list' | 'create' | 'updateStatus'>;

/** What one process start of a plugin registered; a restart begins with none. */
export interface Registrations {
  commands: Map<number, { label: string; takesArgument: boolean }>;
  hooks: Map<number, { stage: HookStage; priority: number; timeoutMs: number }>;
  /** Event names it listens to. */
  events: Set<string>;
  /** It asked for agent messages. */
  messages: boolean;
  /** It asked to hear when the user changes its settings. */
  settings: boolean;
}

export function emptyRegistrations(): Registrations {
  return { commands: new Map(), hooks: new Map(), events: new Set(), messages: false, settings: false };
}

export function clearRegistrations(registered: Registrations): void {
  registered.commands.clear();
  registered.hooks.clear();
  registered.events.clear();
  registered.messages = false;
  registered.settings = false;
}

/** The counters main keeps on a plugin's calls. */
export interface CallerLimits {
  /** Calls in the current one-second window (reset at each process start). */
  calls: { windowStart: number; count: number; warned: boolean };
  /** When each kind of refusal was last audited, so a loop cannot flood the audit log. */
  audited: Map<string, number>;
  /** When its recent toasts were shown. */
  notifiedAt: number[];
}

export function freshLimits(): CallerLimits {
  return { calls: { windowStart: 0, count: 0, warned: false }, audited: new Map(), notifiedAt: [] };
}

/** A short live readout in the shell's status bar, set with `agor.ui.setStatus`. */
export interface StatusItem {
  text: string;
  tooltip: string | null;
}

/** The services of main the capability modules work with. */
export interface ApiServices {
  store: PluginStore;
  tasks: TaskBackend;
  notifications: Pick<NotificationService, 'notify'>;
  capabilities: PluginCapabilities;
  audit(eventType: string, actor: AuditActor, subject: string, detail?: Record<string, unknown>): void;
  /** Grants made on the user's answer (agor.permissions.request), audited and in effect from the next call. */
  grants: { grant(pluginId: string, permission: Permission, actor: AuditActor): void };
  /** Questions the user answered once for a plugin. */
  consents: { has(pluginId: string, kind: string): boolean; remember(pluginId: string, kind: string): void };
  /** Sends an event to every other running plugin that listens to it. */
  fanOut(name: string, payload: unknown, depth: number, from: string | null): void;
  now: () => number;
}

/**
 * The plugin a call came from, as main knows it. Which plugin that is comes
 * from the process that sent the call, never from the call.
 */
export interface ApiContext {
  readonly pluginId: string;
  readonly actor: `plugin:${string}`;
  readonly registered: Registrations;
  readonly limits: CallerLimits;
  readonly services: ApiServices;
  /** The name the user sees. */
  name(): string;
  manifest(): PluginManifest | null;
  running(): boolean;
  /** Read from the registry on every check, so a revoked grant holds from the next call. */
  granted(permission: Permission): boolean;
  log(level: PluginLogLineValue['level'], text: string): void;
  /** Its summary changed (a new palette command): tell the window. */
  changed(): void;
  setPanel(panel: Panel | null): void;
  setStatus(status: StatusItem | null): void;
  /** Puts a question to the user; while it is open, the plugin's command or panel action does not time out. */
  askUser(request: ConsentRequest): Promise<boolean>;
}

/** A capability module's handler for one method; the gate has checked the call before it runs. */
export type ApiHandler<M extends ApiMethod> = (ctx: ApiContext, args: ApiArgs<M>) => Promise<unknown>;

/** Every API method and the capability module that performs it. */
export type ApiTable = { [M in ApiMethod]: ApiHandler<M> };
