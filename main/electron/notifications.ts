import type { NotificationConstructorOptions } from 'electron';
import type { NativeNotifier, Notification } from '../notifications/notifications.ts';

/** What the adapter needs of Electron's `Notification` class. */
export interface DesktopNotificationClass {
  new (options: NotificationConstructorOptions): DesktopNotification;
  isSupported(): boolean;
}

export interface DesktopNotification {
  show(): void;
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
}

const URGENT = new Set<Notification['type']>(['error', 'agent_error']);
/** Some notification servers never report a close; past this many, the oldest is let go. */
const MAX_HELD = 50;

/**
 * Desktop notifications through Electron. `isSupported()` is false where the
 * OS has no notification service; NotificationService then keeps them in the
 * app and logs that once. A notification is held until it closes so the
 * garbage collector cannot drop it (and its click handler) while it is on
 * screen; clicking it brings the window forward.
 */
export function electronNotifier(NotificationClass: DesktopNotificationClass, onClick: () => void): NativeNotifier {
  const onScreen = new Set<DesktopNotification>();
  // isSupported() only says the library is there; on Linux a missing notification
  // server shows up as 'failed'. After one, the app stops trying and says so once.
  let serverFailed = false;
  return {
    isSupported: () => !serverFailed && NotificationClass.isSupported(),
    show: (notification) => {
      const desktop = new NotificationClass({
        title: notification.title,
        body: notification.message,
        urgency: URGENT.has(notification.type) ? 'critical' : 'normal',
      });
      onScreen.add(desktop);
      if (onScreen.size > MAX_HELD) onScreen.delete(onScreen.values().next().value!);
      const release = (): void => void onScreen.delete(desktop);
      desktop.on('click', () => {
        release();
        onClick();
      });
      desktop.on('close', release);
      desktop.on('failed', () => {
        release();
        serverFailed = true;
      });
      desktop.show();
    },
  };
}
