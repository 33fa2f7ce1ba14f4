import { useEffect, useRef } from 'react';
import { TOAST_DISMISS_MS } from '../../../app/contract/notifications.ts';
import { useNotifications, visibleToasts, type Toast as ToastValue } from '../stores/notifications.ts';
import { Button } from '../ui/Button.tsx';
import { SafeText } from '../ui/SafeText.tsx';
import { revealHidden } from '../../../app/text.ts';
import { IconButton } from '../ui/Button.tsx';
import { CloseIcon } from '../ui/icons.tsx';
import { NotificationIcon, notificationTypeLabel } from './NotificationIcon.tsx';
import './toasts.css';

/**
 * One toast with its own timer. The timer starts when the toast becomes
 * visible (not when it arrived), and pointer hover or keyboard focus pause it
 * with the remaining time kept.
 */
function Toast({ notification, onDismiss }: { notification: ToastValue; onDismiss: (id: number) => void }) {
  const remaining = useRef(TOAST_DISMISS_MS);
  const startedAt = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | null>(null);
  // Hover and focus pause independently: leaving one while the other holds must not restart the timer.
  const held = useRef({ hover: false, focus: false });

  const pause = () => {
    if (!timer.current) return;
    clearTimeout(timer.current);
    timer.current = null;
    remaining.current -= Date.now() - startedAt.current;
  };
  const resume = () => {
    if (timer.current) return;
    startedAt.current = Date.now();
    timer.current = setTimeout(() => onDismiss(notification.id), Math.max(0, remaining.current));
  };

  const hold = (by: 'hover' | 'focus', on: boolean) => {
    held.current[by] = on;
    if (held.current.hover || held.current.focus) pause();
    else resume();
  };

  useEffect(() => {
    resume();
    return pause;
    // The timer belongs to this toast's lifetime; it must not restart on re-render.
  }, []);

  return (
    <li
      className={`toast toast-${notification.type}`}
      onMouseEnter={() => hold('hover', true)}
      onMouseLeave={() => hold('hover', false)}
      onFocus={() => hold('focus', true)}
      onBlur={() => hold('focus', false)}
      aria-label={`${notificationTypeLabel(notification.type)}: ${revealHidden(notification.title)}`}
    >
      <NotificationIcon type={notification.type} size={18} />
      <div className="toast-text">
        <div className="toast-title">
          <SafeText text={notification.title} />
        </div>
        {notification.message ? (
          <div className="toast-message">
            <SafeText text={notification.message} />
          </div>
        ) : null}
      </div>
      {notification.action ? (
        <Button
          size="sm"
          onClick={() => {
            onDismiss(notification.id);
            void notification.action!.run();
          }}
        >
          {notification.action.label}
        </Button>
      ) : null}
      <IconButton icon={CloseIcon} label="Dismiss notification" size="sm" onClick={() => onDismiss(notification.id)} />
    </li>
  );
}

export function Toasts() {
  const toasts = useNotifications((s) => s.toasts);
  const dismiss = useNotifications((s) => s.dismissToast);
  const centerOpen = useNotifications((s) => s.centerOpen);
  const visible = visibleToasts(toasts).toReversed();
  return (
    <section className={`toasts${centerOpen ? ' toasts-behind-center' : ''}`} aria-label="Notifications" aria-live="polite" aria-relevant="additions">
      <ol className="toast-list">
        {visible.map((n) => (
          <Toast key={n.id} notification={n} onDismiss={dismiss} />
        ))}
      </ol>
      {toasts.length > visible.length ? (
        <p className="toast-waiting" aria-hidden="true">
          +{toasts.length - visible.length} more
        </p>
      ) : null}
    </section>
  );
}
