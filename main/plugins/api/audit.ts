import type { ApiTable } from './context.ts';

/** `audit`: reading the audit log, newest first, or oldest first after a row id. */
export const auditApi = {
  'audit.query': async (ctx, { types, actor, since, afterId, limit }) =>
    ctx.services.capabilities.audit.query({
      ...(types ? { types } : {}),
      ...(actor ? { actor } : {}),
      ...(since ? { since } : {}),
      ...(afterId !== undefined ? { afterId } : {}),
      limit: limit ?? 100,
    }),
} satisfies Partial<ApiTable>;
