import type { Static } from '@sinclair/typebox';
import { NOTIFICATION_HISTORY_LIMIT, type AppNotification, type NOTIFICATION_TYPES } from '../../app/contract/notifications.ts';
import type { Db, Migration } from '../db/database.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import { revealHidden } from '../../app/text.ts';

export type Notification = Static<typeof AppNotification>;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

export interface NotifyInput {
  type: NotificationType;
  title: string;
  message?: string;
  /** `app`, `plugin:<id>` or `agent:<id>`. */
  source?: string;
}

/** The OS side: Electron's Notification in the app, a log file in the harness. */
export interface NativeNotifier {
  isSupported(): boolean;
  show(notification: Notification): void;
}

export const notificationMigrations: Migration[] = [
  {
    id: 'notifications/create-notifications',
    up(db) {
      db.exec(`
        CREATE TABLE notifications (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          type TEXT NOT NULL,
          title TEXT NOT NULL,
          message TEXT NOT NULL DEFAULT '',
          source TEXT NOT NULL DEFAULT 'app',
          read INTEGER NOT NULL DEFAULT 0
        )
      `);
    },
  },
];

interface Row {
  id: number;
  at: string;
  type: NotificationType;
  title: string;
  message: string;
  source: string;
  read: number;
}

const toNotification = (r: Row): Notification => ({ ...r, read: r.read === 1 });

const MAX_TITLE = 200;
const MAX_MESSAGE = 2000;

/**
 * The one way anything in main tells the user something: a toast in every
 * window, a row in the history (last 100 kept) and, when the user wants it,
 * a desktop notification.
 */
export class NotificationService {
  readonly #db: Db;
  readonly #events: AppEvents;
  readonly #native: NativeNotifier;
  readonly #log: Logger;
  readonly #desktopEnabled: () => boolean;
  #warnedUnsupported = false;

  constructor(db: Db, events: AppEvents, native: NativeNotifier, log: Logger, desktopEnabled: () => boolean) {
    this.#db = db;
    this.#events = events;
    this.#native = native;
    this.#log = log;
    this.#desktopEnabled = desktopEnabled;
  }

  notify(input: NotifyInput): Notification {
    const at = new Date().toISOString();
    const title = input.title.slice(0, MAX_TITLE);
    const message = (input.message ?? '').slice(0, MAX_MESSAGE);
    const source = input.source ?? 'app';
    const id = Number(
      this.#db
        .prepare('INSERT INTO notifications (at, type, title, message, source) VALUES (?, ?, ?, ?, ?)')
        .run(at, input.type, title, message, source).lastInsertRowid,
    );
    this.#db
      .prepare('DELETE FROM notifications WHERE id <= (SELECT id FROM notifications ORDER BY id DESC LIMIT 1 OFFSET ?)')
      .run(NOTIFICATION_HISTORY_LIMIT);
    const notification: Notification = { id, at, type: input.type, title, message, source, read: false };
    this.#events.emit('notifications.added', notification);
    this.#events.emit('notifications.changed', { unread: this.unread() });
    if (this.#desktopEnabled()) this.#showNative(notification);
    return notification;
  }

  list(): { items: Notification[]; unread: number } {
    const rows = this.#db.prepare('SELECT * FROM notifications ORDER BY id DESC LIMIT ?').all(NOTIFICATION_HISTORY_LIMIT) as Row[];
    return { items: rows.map(toNotification), unread: this.unread() };
  }

  markRead(ids?: number[]): { unread: number } {
    if (ids === undefined) {
      this.#db.prepare('UPDATE notifications SET read = 1 WHERE read = 0').run();
    } else {
      const stmt = this.#db.prepare('UPDATE notifications SET read = 1 WHERE id = ?');
      this.#db.transaction(() => ids.forEach((id) => stmt.run(id)))();
    }
    return this.#changed();
  }

  clear(): { unread: number } {
    this.#db.prepare('DELETE FROM notifications').run();
    return this.#changed();
  }

  unread(): number {
    return this.#db.prepare('SELECT count(*) FROM notifications WHERE read = 0').pluck().get() as number;
  }

  #changed(): { unread: number } {
    const result = { unread: this.unread() };
    this.#events.emit('notifications.changed', result);
    return result;
  }

  #showNative(notification: Notification): void {
    if (!this.#native.isSupported()) {
      if (!this.#warnedUnsupported) {
        this.#log.warn('This system has no desktop notification service; notifications are shown in the app only.');
        this.#warnedUnsupported = true;
      }
      return;
    }
    try {
      // The desktop draws plain text we cannot style: a plugin's right-to-left override is spelled out instead of obeyed.
      this.#native.show({ ...notification, title: revealHidden(notification.title), message: revealHidden(notification.message) });
    } catch (err) {
      this.#log.warn('desktop notification failed; shown in the app only', err);
    }
  }
}
