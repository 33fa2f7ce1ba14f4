import { Type } from '@sinclair/typebox';

/** Event types grow with capabilities; the log accepts any snake_case name. */
export const AUDIT_EVENT_TYPES = [
  'settings_changed',
  'database_reset',
  'secret_stored',
  'secret_deleted',
  'plugin_installed',
  'plugin_updated',
  'plugin_uninstalled',
  'plugin_enabled',
  'plugin_disabled',
  'plugin_rolled_back',
  'permission_granted',
  'permission_denied',
  'plugin_crashed',
  'plugin_killed',
  'catalog_source_added',
  'catalog_source_updated',
  'catalog_source_removed',
  'task_created',
  'task_status_changed',
  'prompt_injection_detected',
] as const;

export const AuditEventType = Type.String({ pattern: '^[a-z][a-z0-9_]{0,63}$' });
export const AuditActor = Type.String({ pattern: '^(app|user|(plugin|agent):[A-Za-z0-9._@/-]{1,128})$' });

export const AuditEntry = Type.Object({
  id: Type.Integer(),
  at: Type.String(),
  eventType: AuditEventType,
  actor: AuditActor,
  subject: Type.String(),
  detail: Type.Record(Type.String(), Type.Unknown()),
});

export const AUDIT_PAGE_LIMIT = 200;

export const AuditFilter = Type.Object(
  {
    eventType: Type.Optional(AuditEventType),
    actor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const auditChannels = {
  'audit.list': {
    args: AuditFilter,
    result: Type.Object({ entries: Type.Array(AuditEntry), eventTypes: Type.Array(Type.String()), actors: Type.Array(Type.String()) }),
  },
  /** JSON Lines, newest first, of every row matching the filter. */
  'audit.export': { args: AuditFilter, result: Type.Object({ jsonl: Type.String(), count: Type.Integer() }) },
} as const;

export const auditEvents = {
  'audit.appended': AuditEntry,
} as const;
