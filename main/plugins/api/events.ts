import { AppError } from '../../../app/contract/envelope.ts';
import { MAX_EVENT_DEPTH } from '../../../app/plugin-protocol.ts';
import type { ApiContext, ApiTable } from './context.ts';
import { notifyFromPlugin } from './notifications.ts';

const MAX_SUBSCRIPTIONS = 100;
const TOAST_TYPES = ['info', 'success', 'warning', 'error'] as const;

/** `emit('notification', {type, message})` shows a toast; the gate has checked that the plugin also holds `notifications`. */
function notificationEvent(ctx: ApiContext, payload: unknown): void {
  const p = (payload ?? {}) as { type?: unknown; message?: unknown; title?: unknown };
  const type = TOAST_TYPES.find((t) => t === p.type) ?? 'info';
  if (typeof p.message !== 'string' || p.message.length === 0) {
    throw new AppError('invalid_argument', "A notification event needs {message: string, type?: 'info' | 'success' | 'warning' | 'error'}");
  }
  notifyFromPlugin(ctx, { type, title: typeof p.title === 'string' ? p.title : '', message: p.message });
}

/** `events`: host events such as `session.complete`, and events between plugins. */
export const eventsApi = {
  'events.on': async (ctx, { name }) => {
    const { events } = ctx.registered;
    if (events.size >= MAX_SUBSCRIPTIONS) throw new AppError('conflict', `A plugin may listen to at most ${MAX_SUBSCRIPTIONS} event names`);
    events.add(name);
    return null;
  },
  'events.emit': async (ctx, { name, payload, depth }) => {
    if (depth > MAX_EVENT_DEPTH) throw new AppError('conflict', `Events nested deeper than ${MAX_EVENT_DEPTH} are refused`);
    if (name === 'notification') notificationEvent(ctx, payload);
    ctx.services.fanOut(name, payload, depth, ctx.pluginId);
    return null;
  },
} satisfies Partial<ApiTable>;
