import { AppError } from '../../../app/contract/envelope.ts';
import type { NotifyInput } from '../../notifications/notifications.ts';
import type { ApiContext, ApiTable } from './context.ts';

/** Toasts one plugin may raise per minute; a chatty plugin must not bury the user's other notifications. */
const NOTIFICATIONS_PER_MINUTE = 10;

/** Shows a toast from the plugin, within its allowance. */
export function notifyFromPlugin(ctx: ApiContext, toast: { type: NotifyInput['type']; title: string; message: string }): void {
  const now = ctx.services.now();
  const limits = ctx.limits;
  limits.notifiedAt = limits.notifiedAt.filter((at) => now - at < 60_000);
  if (limits.notifiedAt.length >= NOTIFICATIONS_PER_MINUTE) {
    const message = `Too many notifications: at most ${NOTIFICATIONS_PER_MINUTE} a minute`;
    ctx.log('warn', `${message}; this one was dropped`);
    throw new AppError('conflict', message);
  }
  limits.notifiedAt.push(now);
  ctx.services.notifications.notify({ ...toast, title: toast.title || ctx.name(), source: ctx.actor });
}

/** `notifications`: toasts in the app and on the desktop. */
export const notificationsApi = {
  'notifications.send': async (ctx, { title, body }) => {
    notifyFromPlugin(ctx, { type: 'info', title, message: body });
    return null;
  },
} satisfies Partial<ApiTable>;
