import { AppError } from '../../../app/contract/envelope.ts';
import type { ApiTable } from './context.ts';

/** Rows a plugin records itself stay small: the audit log is for what happened, not for payloads. */
const MAX_DETAIL_CHARS = 8192;

/** `audit`: reading the audit log, newest first, or oldest first after a row id; and rows in the plugin's own name. */
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
  'audit.record': async (ctx, { type, subject, detail }) => {
    const size = JSON.stringify(detail).length;
    if (size > MAX_DETAIL_CHARS) throw new AppError('invalid_argument', `An audit row's detail may be at most ${MAX_DETAIL_CHARS} characters of JSON, not ${size}`);
    ctx.services.audit(type, ctx.actor, subject, detail);
    return null;
  },
} satisfies Partial<ApiTable>;
