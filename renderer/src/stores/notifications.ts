import { create } from 'zustand';
import type { Static } from '@sinclair/typebox';
import { MAX_VISIBLE_TOASTS, NOTIFICATION_HISTORY_LIMIT, type AppNotification } from '../../../app/contract/notifications.ts';
import { api } from '../api.ts';

export type Notification = Static<typeof AppNotification>;

/** A button on a toast made in this window, like "Undo" after a delete. */
export interface ToastAction {
  label: string;
  run(): void | Promise<void>;
}

export type Toast = Notification & { action?: ToastAction };

interface NotificationState {
  /** History from main, newest first (main keeps the last 100). */
  items: Notification[];
  unread: number;
  loaded: boolean;
  error: string | null;
  /** Toasts in arrival order; the first MAX_VISIBLE_TOASTS are on screen, the rest wait. */
  toasts: Toast[];
  /** The Notification Center shows the same items, so toasts step aside while it is open. */
  centerOpen: boolean;
  setCenterOpen(open: boolean): void;
  load(): Promise<void>;
  markRead(ids?: number[]): Promise<void>;
  clear(): Promise<void>;
  dismissToast(id: number): void;
}

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

export const useNotifications = create<NotificationState>((set, get) => ({
  items: [],
  unread: 0,
  loaded: false,
  error: null,
  toasts: [],
  centerOpen: false,
  setCenterOpen: (centerOpen) => set({ centerOpen }),
  load: async () => {
    try {
      const { items, unread } = await api.invoke('notifications.list', {});
      set({ items, unread, loaded: true, error: null });
    } catch (error) {
      set({ error: message(error), loaded: true });
    }
  },
  markRead: async (ids) => {
    const { unread } = await api.invoke('notifications.markRead', ids ? { ids } : {});
    const marked = ids ? new Set(ids) : null;
    set({ unread, items: get().items.map((n) => (!marked || marked.has(n.id) ? { ...n, read: true } : n)) });
  },
  clear: async () => {
    const { unread } = await api.invoke('notifications.clear', {});
    set({ items: [], unread });
  },
  dismissToast: (id) => set({ toasts: get().toasts.filter((t) => t.id !== id) }),
}));

export const visibleToasts = (toasts: Toast[]): Toast[] => toasts.slice(0, MAX_VISIBLE_TOASTS);

let nextLocalId = -1;

/**
 * A toast about something just done in this window (not kept in main's
 * history). Negative ids keep these apart from main's notification ids.
 */
export function showLocalToast(toast: { type: Notification['type']; title: string; message?: string; action?: ToastAction }): number {
  const id = nextLocalId--;
  const local: Toast = { id, at: new Date().toISOString(), type: toast.type, title: toast.title, message: toast.message ?? '', source: 'app', read: true, action: toast.action };
  useNotifications.setState((state) => ({ toasts: [...state.toasts, local] }));
  return id;
}

/** Keeps history, unread count and toasts in step with main's push events. */
export function followNotifications(): () => void {
  const stopAdded = api.on('notifications.added', (notification) => {
    const { items, toasts } = useNotifications.getState();
    if (items.some((n) => n.id === notification.id)) return;
    useNotifications.setState({
      items: [notification, ...items].slice(0, NOTIFICATION_HISTORY_LIMIT),
      toasts: [...toasts, notification],
    });
  });
  const stopChanged = api.on('notifications.changed', ({ unread }) => {
    const state = useNotifications.getState();
    useNotifications.setState({ unread });
    // Another window marked or cleared: fetch the history again so read flags match.
    if (unread !== state.items.filter((n) => !n.read).length) void state.load();
  });
  return () => {
    stopAdded();
    stopChanged();
  };
}
