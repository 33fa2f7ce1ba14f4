import { AppError } from '../../../app/contract/envelope.ts';
import type { ApiTable } from './context.ts';

/** `audit`: reading the audit log, newest first, or oldest first after a row id. */
export const auditApi = {
  'audit.query': async (ctx, { types, actor, since, afterId, limit }) => {
    if (since !== undefined && Number.isNaN(Date.parse(since))) {
      throw new AppError('invalid_argument', `"since" must be a date and time such as 2026-12-01T09:00:00Z, not "${since.slice(0, 40)}"`);
    }
    return ctx.services.capabilities.audit.query({
      ...(types ? { types } : {}),
      ...(actor ? { actor } : {}),
      ...(since ? { since } : {}),
      ...(afterId !== undefined ? { afterId } : {}),
      limit: limit ?? 100,
    });
  },
} satisfies Partial<ApiTable>;
