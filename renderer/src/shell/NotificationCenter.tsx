import { useEffect, useId, useRef, useState } from 'react';
import { useNotifications } from '../stores/notifications.ts';
import { Button, IconButton } from '../ui/Button.tsx';
import { EmptyState } from '../ui/EmptyState.tsx';
import { formatFullTime, formatRelative, formatTime, errorMessage } from '../ui/format.ts';
import { SafeText } from '../ui/SafeText.tsx';
import { revealHidden } from '../../../app/text.ts';
import { BellIcon, CheckAllIcon, CheckIcon, TrashIcon } from '../ui/icons.tsx';
import { Banner } from '../ui/Banner.tsx';
import { NotificationIcon, notificationTypeLabel } from './NotificationIcon.tsx';
import './notification-center.css';

/** The bell in the top bar and its dropdown with the history of the last 100 notifications. */
export function NotificationCenter() {
  const open = useNotifications((s) => s.centerOpen);
  const setOpen = useNotifications((s) => s.setCenterOpen);
  const unread = useNotifications((s) => s.unread);
  const root = useRef<HTMLDivElement>(null);
  const bell = useRef<HTMLButtonElement>(null);
  const panelId = useId();

  useEffect(() => {
    if (!open) return;
    const onPointer = (event: PointerEvent) => {
      if (!root.current?.contains(event.target as Node)) setOpen(false);
    };
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') {
        setOpen(false);
        bell.current?.focus();
      }
    };
    document.addEventListener('pointerdown', onPointer);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onPointer);
      document.removeEventListener('keydown', onKey);
    };
  }, [open, setOpen]);

  const label = unread > 0 ? `Notifications, ${unread} unread` : 'Notifications';
  return (
    <div className="notification-center" ref={root}>
      <button
        ref={bell}
        type="button"
        className="icon-btn bell"
        aria-label={label}
        title={label}
        aria-haspopup="dialog"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => setOpen(!open)}
      >
        <BellIcon size={18} />
        {unread > 0 ? (
          <span className="bell-badge" data-testid="unread-count" aria-hidden="true">
            {unread > 99 ? '99+' : unread}
          </span>
        ) : null}
      </button>
      {open ? <NotificationPanel id={panelId} /> : null}
    </div>
  );
}

function NotificationPanel({ id }: { id: string }) {
  const { items, unread, error, markRead, clear, load } = useNotifications();
  const [actionError, setActionError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'read' | 'clear' | null>(null);
  const panel = useRef<HTMLDivElement>(null);

  useEffect(() => {
    panel.current?.focus();
    void load();
  }, [load]);

  const run = async (what: 'read' | 'clear', action: () => Promise<void>) => {
    setBusy(what);
    setActionError(null);
    try {
      await action();
    } catch (e) {
      setActionError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  return (
    <div id={id} ref={panel} className="notification-panel" role="dialog" aria-label="Notification Center" tabIndex={-1}>
      <header className="notification-panel-header">
        <h2>Notifications</h2>
        <div className="notification-panel-actions">
          <Button size="sm" variant="ghost" icon={CheckAllIcon} disabled={unread === 0} busy={busy === 'read'} onClick={() => run('read', () => markRead())}>
            Mark all read
          </Button>
          <Button size="sm" variant="ghost" icon={TrashIcon} disabled={items.length === 0} busy={busy === 'clear'} onClick={() => run('clear', clear)}>
            Clear
          </Button>
        </div>
      </header>
      {error || actionError ? (
        <div className="notification-panel-error">
          <Banner tone="danger">{actionError ?? error}</Banner>
        </div>
      ) : null}
      {items.length === 0 ? (
        <EmptyState icon={BellIcon} title="No notifications">
          Messages from Switchboard, plugins and agents will show up here.
        </EmptyState>
      ) : (
        <ul className="notification-list" aria-label="Notification history">
          {items.map((n) => (
            <li key={n.id} className={`notification-item${n.read ? '' : ' unread'}`} aria-label={`${n.read ? '' : 'Unread. '}${notificationTypeLabel(n.type)}: ${revealHidden(n.title)}`}>
              <NotificationIcon type={n.type} />
              <div className="notification-item-text">
                <div className="notification-item-title">
                  <SafeText text={n.title} />
                </div>
                {n.message ? (
                  <div className="notification-item-message">
                    <SafeText text={n.message} />
                  </div>
                ) : null}
                <time dateTime={n.at} title={formatFullTime(n.at)} className="notification-item-time">
                  {formatRelative(n.at)} · {formatTime(n.at)}
                  {n.source !== 'app' ? <> · <SafeText text={n.source} /></> : ''}
                </time>
              </div>
              {n.read ? null : (
                <IconButton icon={CheckIcon} size="sm" label={`Mark "${revealHidden(n.title)}" read`} onClick={() => run('read', () => markRead([n.id]))} />
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
