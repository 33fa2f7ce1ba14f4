import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { AgentMessage, HookStage } from './messages.ts';
import { HOOK_STAGES } from './messages.ts';
import { PERMISSIONS, type Permission } from './permissions.ts';
import { ENVELOPE_LIMITS, HOOK_MAX_TIMEOUT_MS, STORAGE_LIMITS } from './plugin-limits.ts';

/**
 * The envelopes between main and a plugin-host process. Everything a plugin
 * asks for travels as a `call`; main answers with a `result`. Everything main
 * asks of a plugin (run a command, run a hook, unload) is an `invoke` the host
 * answers with a `reply`. Main validates every envelope from the host against
 * the schemas below and never believes who the host says it is: the plugin id
 * comes from which process sent the envelope, never from its contents.
 */

export { ENVELOPE_LIMITS, STORAGE_LIMITS, HOOK_DEFAULT_TIMEOUT_MS, HOOK_MAX_TIMEOUT_MS, MAX_EVENT_DEPTH } from './plugin-limits.ts';

const Key = Type.String({ minLength: 1, maxLength: STORAGE_LIMITS.maxKeyLength });
const EventName = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' });
const HandlerKey = Type.Integer({ minimum: 1, maximum: 1_000_000 });
const Json = Type.Unknown();
const ProjectId = Type.String({ minLength: 1, maxLength: 200 });
const SessionId = Type.String({ minLength: 1, maxLength: 300 });
const FileName = Type.String({ minLength: 1, maxLength: 128 });

/** The status bar item is a glance, not a paragraph. */
export const STATUS_MAX_CHARS = 40;

/** Each API method, the permission it needs (null: none) and the shape of its argument. */
export const API_METHODS = {
  'palette.registerCommand': {
    permission: 'palette',
    args: Type.Object({ key: HandlerKey, label: Type.String({ minLength: 1, maxLength: 200 }), takesArgument: Type.Boolean() }, { additionalProperties: false }),
  },
  'events.on': { permission: 'events', args: Type.Object({ name: EventName }, { additionalProperties: false }) },
  'events.emit': {
    permission: 'events',
    args: Type.Object({ name: EventName, payload: Json, depth: Type.Integer({ minimum: 0, maximum: 1000 }) }, { additionalProperties: false }),
  },
  'notifications.send': {
    permission: 'notifications',
    args: Type.Object({ title: Type.String({ maxLength: 200 }), body: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
  },
  'messages.subscribe': { permission: 'messages', args: Type.Object({}, { additionalProperties: false }) },
  'tasks.list': { permission: 'tasks', args: Type.Object({}, { additionalProperties: false }) },
  'tasks.create': {
    permission: 'tasks',
    args: Type.Object({ title: Type.String({ maxLength: 10_000 }), description: Type.String({ maxLength: 100_000 }) }, { additionalProperties: false }),
  },
  'tasks.updateStatus': {
    permission: 'tasks',
    args: Type.Object({ id: Type.Union([Type.Integer(), Type.String({ maxLength: 100 })]), status: Type.String({ maxLength: 100 }) }, { additionalProperties: false }),
  },
  'settings.get': { permission: 'settings', args: Type.Object({ key: Key }, { additionalProperties: false }) },
  'settings.set': { permission: 'settings', args: Type.Object({ key: Key, value: Json }, { additionalProperties: false }) },
  /** Asks to hear when the user saves the plugin's settings form (agor.settings.onChange). */
  'settings.subscribe': { permission: 'settings', args: Type.Object({}, { additionalProperties: false }) },
  'storage.get': { permission: null, args: Type.Object({ key: Key }, { additionalProperties: false }) },
  'storage.set': { permission: null, args: Type.Object({ key: Key, value: Json }, { additionalProperties: false }) },
  'storage.delete': { permission: null, args: Type.Object({ key: Key }, { additionalProperties: false }) },
  'storage.keys': { permission: null, args: Type.Object({}, { additionalProperties: false }) },
  'ui.setPanel': { permission: 'panels', args: Type.Object({ panel: Json }, { additionalProperties: false }) },
  'hooks.register': {
    permission: 'hooks',
    args: Type.Object(
      {
        key: HandlerKey,
        stage: Type.Union(HOOK_STAGES.map((s) => Type.Literal(s))),
        priority: Type.Number({ minimum: -1_000_000, maximum: 1_000_000 }),
        timeoutMs: Type.Integer({ minimum: 1, maximum: HOOK_MAX_TIMEOUT_MS }),
      },
      { additionalProperties: false },
    ),
  },
  'ui.setStatus': {
    permission: 'status',
    args: Type.Object(
      { text: Type.Union([Type.String({ minLength: 1, maxLength: STATUS_MAX_CHARS }), Type.Null()]), tooltip: Type.Optional(Type.String({ maxLength: 300 })) },
      { additionalProperties: false },
    ),
  },
  'net.fetch': {
    permission: 'network',
    args: Type.Object(
      {
        url: Type.String({ minLength: 1, maxLength: 8192 }),
        method: Type.Optional(Type.String({ minLength: 1, maxLength: 10 })),
        headers: Type.Optional(Type.Record(Type.String({ minLength: 1, maxLength: 100 }), Type.String({ maxLength: 8192 }), { maxProperties: 50 })),
        body: Type.Optional(Type.String({ maxLength: ENVELOPE_LIMITS.maxStringLength })),
        timeoutMs: Type.Optional(Type.Integer({ minimum: 1, maximum: 60_000 })),
      },
      { additionalProperties: false },
    ),
  },
  /**
   * A host the user names (a webhook, a SIEM collector), which the manifest
   * cannot list in advance: main asks the user once whether the plugin may
   * send data there, and remembers the answer for that exact host.
   */
  'net.allowHost': {
    permission: null,
    args: Type.Object(
      { host: Type.String({ minLength: 1, maxLength: 253, pattern: '^[A-Za-z0-9.:\\[\\]-]+$' }), reason: Type.String({ minLength: 1, maxLength: 300 }) },
      { additionalProperties: false },
    ),
  },
  'files.save': {
    permission: 'files',
    args: Type.Object(
      { suggestedName: Type.String({ minLength: 1, maxLength: 200 }), content: Type.String({ maxLength: ENVELOPE_LIMITS.maxStringLength }), mimeType: Type.Optional(Type.String({ maxLength: 100 })) },
      { additionalProperties: false },
    ),
  },
  /** Its own data files, joined in the order named, saved where the user chooses: for more than one envelope carries. */
  'files.saveCopy': {
    permission: 'files',
    args: Type.Object(
      { names: Type.Array(FileName, { minItems: 1, maxItems: 1000 }), suggestedName: Type.String({ minLength: 1, maxLength: 200 }), mimeType: Type.Optional(Type.String({ maxLength: 100 })) },
      { additionalProperties: false },
    ),
  },
  'files.append': { permission: 'files', args: Type.Object({ name: FileName, text: Type.String({ maxLength: ENVELOPE_LIMITS.maxStringLength }) }, { additionalProperties: false }) },
  'files.read': { permission: 'files', args: Type.Object({ name: FileName }, { additionalProperties: false }) },
  'files.list': { permission: 'files', args: Type.Object({}, { additionalProperties: false }) },
  'files.remove': { permission: 'files', args: Type.Object({ name: FileName }, { additionalProperties: false }) },
  'git.log': { permission: 'git', args: Type.Object({ projectId: ProjectId, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }) },
  'git.status': { permission: 'git', args: Type.Object({ projectId: ProjectId }, { additionalProperties: false }) },
  'git.branch': { permission: 'git', args: Type.Object({ projectId: ProjectId }, { additionalProperties: false }) },
  'git.diff': { permission: 'git', args: Type.Object({ projectId: ProjectId, path: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })) }, { additionalProperties: false }) },
  /** Names and ids only: enough to pick a project; what is in it needs its own permission. */
  'projects.list': { permission: null, args: Type.Object({}, { additionalProperties: false }) },
  /**
   * A copy of a project's folder in main's own data folder, registered as a
   * project of its own, for comparing agent runs: the user's folder is never
   * touched. Its diff is everything a run changed there.
   */
  'projects.scratchCopy': { permission: 'agents', args: Type.Object({ projectId: ProjectId }, { additionalProperties: false }) },
  'projects.scratchDiff': { permission: 'agents', args: Type.Object({ projectId: ProjectId }, { additionalProperties: false }) },
  'sessions.list': {
    permission: 'sessions',
    args: Type.Object({ projectId: Type.Optional(ProjectId), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false }),
  },
  'sessions.get': { permission: 'sessions', args: Type.Object({ id: SessionId }, { additionalProperties: false }) },
  'sessions.messages': {
    permission: 'sessions',
    args: Type.Object(
      { id: SessionId, afterSeq: Type.Optional(Type.Integer({ minimum: 0 })), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) },
      { additionalProperties: false },
    ),
  },
  /** The session and project the user is looking at in the window. */
  'sessions.current': { permission: 'sessions', args: Type.Object({}, { additionalProperties: false }) },
  'audit.query': {
    permission: 'audit',
    args: Type.Object(
      {
        types: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { maxItems: 50 })),
        actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        /** An ISO 8601 time; main refuses one it cannot read. */
        since: Type.Optional(Type.String({ minLength: 1, maxLength: 40 })),
        afterId: Type.Optional(Type.Integer({ minimum: 0 })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
      },
      { additionalProperties: false },
    ),
  },
  /**
   * Adds a row to the audit log in the plugin's own name (its actor is always
   * `plugin:<id>`), for what a plugin enforces, such as a policy violation.
   */
  'audit.record': {
    permission: 'audit',
    args: Type.Object(
      {
        type: Type.String({ pattern: '^[a-z][a-z0-9_]{2,60}$' }),
        subject: Type.String({ maxLength: 500 }),
        detail: Type.Record(Type.String({ maxLength: 100 }), Json, { maxProperties: 30 }),
      },
      { additionalProperties: false },
    ),
  },
  'agents.run': {
    permission: 'agents',
    args: Type.Object(
      {
        projectId: ProjectId,
        prompt: Type.String({ minLength: 1, maxLength: 100_000 }),
        provider: Type.Optional(Type.Union([Type.Literal('claude'), Type.Literal('codex')])),
        model: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
      },
      { additionalProperties: false },
    ),
  },
  'permissions.request': {
    permission: null,
    args: Type.Object(
      { name: Type.Union(PERMISSIONS.map((p) => Type.Literal(p))), reason: Type.String({ minLength: 1, maxLength: 300 }) },
      { additionalProperties: false },
    ),
  },
} as const satisfies Record<string, { permission: Permission | null; args: TSchema }>;

export type ApiMethod = keyof typeof API_METHODS;
export type ApiArgs<M extends ApiMethod> = Static<(typeof API_METHODS)[M]['args']>;
export const API_METHOD_NAMES = Object.keys(API_METHODS) as ApiMethod[];

/** One permission a call needs, and how the call is named where it is refused (log line, audit row). */
export interface RequiredGrant {
  permission: Permission;
  call: string;
}

/**
 * Every permission a call needs, in the order main checks them: its method's
 * own, then any its arguments add. Emitting the `notification` event shows a
 * toast, so it needs `notifications` as well as `events`.
 */
export function requiredGrants<M extends ApiMethod>(method: M, args: ApiArgs<M>): RequiredGrant[] {
  const own: Permission | null = API_METHODS[method].permission;
  const grants: RequiredGrant[] = own ? [{ permission: own, call: method }] : [];
  if (method === 'events.emit' && (args as ApiArgs<'events.emit'>).name === 'notification') {
    grants.push({ permission: 'notifications', call: 'events.emit(notification)' });
  }
  return grants;
}

const CallId = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER });

export const HostCommand = Type.Object(
  { key: HandlerKey, label: Type.String({ minLength: 1, maxLength: 200 }), takesArgument: Type.Boolean() },
  { additionalProperties: false },
);

/** Host -> main. */
export const HostEnvelope = Type.Union([
  Type.Object(
    {
      t: Type.Literal('ready'),
      commands: Type.Array(HostCommand, { maxItems: 100 }),
      /** The API areas the plugin used while loading, e.g. `messages`, `hooks`. */
      capabilities: Type.Array(Type.String({ maxLength: 50 }), { maxItems: 20 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ t: Type.Literal('call'), id: CallId, method: Type.String({ maxLength: 50 }), args: Json }, { additionalProperties: false }),
  Type.Object({ t: Type.Literal('reply'), id: CallId, ok: Type.Literal(true), value: Json }, { additionalProperties: false }),
  Type.Object({ t: Type.Literal('reply'), id: CallId, ok: Type.Literal(false), error: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false }),
  Type.Object(
    {
      t: Type.Literal('log'),
      level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
      text: Type.String({ maxLength: 16_384 }),
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { t: Type.Literal('pong'), id: CallId, rss: Type.Number({ minimum: 0 }), heapUsed: Type.Number({ minimum: 0 }) },
    { additionalProperties: false },
  ),
  /** The plugin's script threw while loading; the host exits after sending it. */
  Type.Object({ t: Type.Literal('failed'), error: Type.String({ maxLength: 10_000 }) }, { additionalProperties: false }),
]);
export type HostMessage = Static<typeof HostEnvelope>;

export interface HookInvocation {
  stage: HookStage;
  body: string;
  metadata: Record<string, unknown>;
}

/** What a hook handler answers, after the host has normalised it. */
export type HookReply =
  | { action: 'passthrough'; metadata: Record<string, unknown> }
  | { action: 'modify'; body: string; metadata: Record<string, unknown> }
  | { action: 'block'; status: number; errorType: string; message: string; metadata: Record<string, unknown> };

export const HookReplySchema = Type.Union([
  Type.Object({ action: Type.Literal('passthrough'), metadata: Type.Record(Type.String(), Json) }, { additionalProperties: false }),
  Type.Object(
    { action: Type.Literal('modify'), body: Type.String({ maxLength: ENVELOPE_LIMITS.maxStringLength }), metadata: Type.Record(Type.String(), Json) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      action: Type.Literal('block'),
      status: Type.Integer({ minimum: 100, maximum: 599 }),
      errorType: Type.String({ maxLength: 100 }),
      message: Type.String({ maxLength: 2000 }),
      metadata: Type.Record(Type.String(), Json),
    },
    { additionalProperties: false },
  ),
]);

/** Main -> host. */
export type MainMessage =
  | { t: 'init'; meta: { id: string; name: string; version: string }; source: string; filename: string }
  | { t: 'result'; id: number; ok: true; value: unknown }
  | { t: 'result'; id: number; ok: false; error: string }
  | { t: 'invoke'; id: number; target: 'command'; key: number; argument: string | null }
  | ({ t: 'invoke'; id: number; target: 'hook'; key: number } & HookInvocation)
  | { t: 'invoke'; id: number; target: 'unload' }
  /** The user submitted a form or pressed a button of the plugin's panel. */
  | { t: 'invoke'; id: number; target: 'panel'; blockId: string; actionId: string | null; values: Record<string, unknown> }
  | { t: 'message'; message: AgentMessage }
  /** The user saved the plugin's settings form: every ui_schema key with its value now. */
  | { t: 'settings'; values: Record<string, unknown> }
  | { t: 'event'; name: string; payload: unknown; depth: number; from: string | null }
  | { t: 'ping'; id: number };

/**
 * What a plugin must hold to receive an event: `events`, and for a host event
 * that tells what the user is looking at (`session.viewed`) also `sessions`,
 * the permission `agor.sessions.current()` needs for the same facts; for a
 * change on the task board (`task.changed`) also `tasks`.
 */
const HOST_EVENT_PERMISSIONS: Record<string, Permission> = { 'session.viewed': 'sessions', 'task.changed': 'tasks' };

export function eventPermissions(name: string, from: string | null): Permission[] {
  const extra = from === null && Object.hasOwn(HOST_EVENT_PERMISSIONS, name) ? HOST_EVENT_PERMISSIONS[name] : undefined;
  return extra ? ['events', extra] : ['events'];
}

/** The text of a denied call; tests and the plugin log both rely on this wording. */
export function permissionDeniedMessage(permission: Permission, pluginId: string): string {
  return `Permission '${permission}' not granted to ${pluginId}`;
}
