import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NotificationConstructorOptions } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase, type Db } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import { NotificationService } from '../notifications/notifications.ts';
import { electronNotifier, type DesktopNotificationClass } from './notifications.ts';

/** Stands in for Electron's Notification class and remembers what was shown. */
function fakeNotificationClass(supported: boolean) {
  const shown: { options: NotificationConstructorOptions; emit: (event: string) => void }[] = [];
  class FakeNotification {
    static isSupported = () => supported;
    readonly #listeners = new Map<string, () => void>();
    readonly options: NotificationConstructorOptions;
    constructor(options: NotificationConstructorOptions) {
      this.options = options;
    }
    on(event: string, listener: () => void) {
      this.#listeners.set(event, listener);
      return this;
    }
    show() {
      shown.push({ options: this.options, emit: (event) => this.#listeners.get(event)?.() });
    }
  }
  return { NotificationClass: FakeNotification as DesktopNotificationClass, shown };
}

describe('electronNotifier', () => {
  let dir: string | undefined;
  let db: Db | undefined;
  afterEach(() => {
    db?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
    db = undefined;
    dir = undefined;
  });

  function service(supported: boolean) {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-native-'));
    db = openDatabase(join(dir, 'switchboard.db'), MIGRATIONS);
    const warnings: string[] = [];
    const log: Logger = { info: () => {}, warn: (m) => void warnings.push(m), error: () => {} };
    const fake = fakeNotificationClass(supported);
    const onClick = vi.fn();
    const notifications = new NotificationService(db, new AppEvents(), electronNotifier(fake.NotificationClass, onClick), log, () => true);
    return { notifications, shown: fake.shown, warnings, onClick };
  }

  it('shows a desktop notification with the title and message, and a click brings the window forward', () => {
    const { notifications, shown, onClick } = service(true);
    notifications.notify({ type: 'agent_complete', title: 'Session finished', message: 'claude-code in ~/src/app' });
    expect(shown.map((s) => s.options)).toEqual([{ title: 'Session finished', body: 'claude-code in ~/src/app', urgency: 'normal' }]);
    shown[0]!.emit('click');
    expect(onClick).toHaveBeenCalledTimes(1);
  });

  it('marks errors as critical so they stay until read', () => {
    const { notifications, shown } = service(true);
    notifications.notify({ type: 'agent_error', title: 'Session crashed' });
    expect(shown[0]!.options.urgency).toBe('critical');
  });

  it('reports no support where the OS has no notification service; the app keeps them in-app and logs it once', () => {
    const { notifications, shown, warnings } = service(false);
    expect(electronNotifier(fakeNotificationClass(false).NotificationClass, () => {}).isSupported()).toBe(false);
    notifications.notify({ type: 'info', title: 'One' });
    notifications.notify({ type: 'info', title: 'Two' });
    expect(shown).toEqual([]);
    expect(warnings.filter((w) => w.includes('no desktop notification service'))).toHaveLength(1);
    expect(notifications.list().items.map((n) => n.title)).toEqual(['Two', 'One']);
  });

  it('stops trying after the desktop refuses a notification, and says so once', () => {
    const { notifications, shown, warnings } = service(true);
    notifications.notify({ type: 'info', title: 'First' });
    shown[0]!.emit('failed');
    notifications.notify({ type: 'info', title: 'Second' });
    notifications.notify({ type: 'info', title: 'Third' });
    expect(shown.map((s) => s.options.title)).toEqual(['First']);
    expect(warnings.filter((w) => w.includes('no desktop notification service'))).toHaveLength(1);
    expect(notifications.list().items.map((n) => n.title)).toEqual(['Third', 'Second', 'First']);
  });
});
