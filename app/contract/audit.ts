import { Type } from '@sinclair/typebox';

/**
 * Event types grow with capabilities (settings_changed, secret_stored,
 * plugin_installed, permission_denied, task_created, ...): the log accepts any
 * snake_case name, and the Audit screen offers the ones present.
 */
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
