import { Type } from '@sinclair/typebox';
import { NoArgs } from './app.ts';

export const NOTIFICATION_TYPES = ['success', 'error', 'warning', 'info', 'agent_complete', 'agent_error'] as const;

export const NotificationType = Type.Union(NOTIFICATION_TYPES.map((t) => Type.Literal(t)));

export const AppNotification = Type.Object({
  id: Type.Integer(),
  at: Type.String({ description: 'ISO 8601 time' }),
  type: NotificationType,
  title: Type.String(),
  message: Type.String(),
  source: Type.String({ description: 'app, plugin:<id> or agent:<id>' }),
  read: Type.Boolean(),
});

export const NOTIFICATION_HISTORY_LIMIT = 100;
export const MAX_VISIBLE_TOASTS = 5;
export const TOAST_DISMISS_MS = 4000;

export const notificationChannels = {
  'notifications.list': {
    args: NoArgs,
    result: Type.Object({ items: Type.Array(AppNotification), unread: Type.Integer() }),
  },
  'notifications.markRead': {
    args: Type.Object({ ids: Type.Optional(Type.Array(Type.Integer(), { maxItems: 1000 })) }, { additionalProperties: false }),
    result: Type.Object({ unread: Type.Integer() }),
  },
  'notifications.clear': { args: NoArgs, result: Type.Object({ unread: Type.Integer() }) },
  /** Lets the user check that toasts and desktop notifications reach them. */
  'notifications.sendTest': { args: NoArgs, result: AppNotification },
} as const;

export const notificationEvents = {
  'notifications.added': AppNotification,
  'notifications.changed': Type.Object({ unread: Type.Integer() }),
} as const;
