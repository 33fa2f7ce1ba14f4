import { useEffect, useRef } from 'react';
import { overlays } from '../overlays/index.ts';
import type { Shortcut } from '../overlays/types.ts';
import { screens } from '../screens/index.ts';
import { useNavigation } from '../stores/navigation.ts';
import { followNotifications, useNotifications } from '../stores/notifications.ts';
import { useOverlays } from '../stores/overlays.ts';
import { EmptyState } from '../ui/EmptyState.tsx';
import { Button } from '../ui/Button.tsx';
import { SearchIcon } from '../ui/icons.tsx';
import { ConsentPrompts } from './ConsentPrompts.tsx';
import { NotificationCenter } from './NotificationCenter.tsx';
import { StatusBar } from './StatusBar.tsx';
import { Toasts } from './Toasts.tsx';
import './shell.css';

const isMac = navigator.platform.toLowerCase().includes('mac');

function matches(shortcut: Shortcut, event: KeyboardEvent): boolean {
  const mod = isMac ? event.metaKey : event.ctrlKey;
  return (
    event.key.toLowerCase() === shortcut.key.toLowerCase() &&
    mod === Boolean(shortcut.mod) &&
    event.shiftKey === Boolean(shortcut.shift) &&
    event.altKey === Boolean(shortcut.alt)
  );
}

/** "Ctrl+Shift+P" or "⌘⇧P", for hints and aria-keyshortcuts. */
export function shortcutLabel(shortcut: Shortcut): string {
  const parts = [shortcut.mod ? (isMac ? '⌘' : 'Ctrl') : null, shortcut.shift ? (isMac ? '⇧' : 'Shift') : null, shortcut.alt ? (isMac ? '⌥' : 'Alt') : null, shortcut.key.toUpperCase()];
  return parts.filter(Boolean).join(isMac ? '' : '+');
}

function Navigation() {
  const current = useNavigation((s) => s.screen);
  const navigate = useNavigation((s) => s.navigate);
  return (
    <nav className="nav" aria-label="Main">
      <ul>
        {screens.map(({ id, title, icon: Icon }) => (
          <li key={id}>
            <button type="button" className="nav-item" aria-current={current === id ? 'page' : undefined} onClick={() => navigate(id)}>
              <Icon size={16} />
              <span>{title}</span>
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function CurrentScreen() {
  const { screen, params, navigate } = useNavigation();
  const definition = screens.find((s) => s.id === screen);
  if (!definition) {
    return (
      <EmptyState icon={SearchIcon} title="This screen does not exist" action={<Button onClick={() => navigate(screens[0]!.id)}>Go to {screens[0]!.title}</Button>}>
        Nothing is registered under “{screen}”.
      </EmptyState>
    );
  }
  const Component = definition.component;
  return <Component key={definition.id} params={params} />;
}

function OverlayHost() {
  const open = useOverlays((s) => s.open);
  const close = useOverlays((s) => s.closeOverlay);
  const toggle = useOverlays((s) => s.toggleOverlay);
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const overlay = overlays.find((o) => matches(o.shortcut, event));
      if (!overlay) return;
      event.preventDefault();
      toggle(overlay.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [toggle]);
  const overlay = overlays.find((o) => o.id === open);
  if (!overlay) return null;
  const Component = overlay.component;
  return <Component onClose={close} />;
}

/**
 * Where focus goes in the screen: what the screen marks `data-navigation-focus` (an opened session's
 * heading), else its own heading, made focusable; null while the screen is still loading.
 */
function screenHeading(): HTMLElement | null {
  const heading = document.querySelector<HTMLElement>('#content [data-navigation-focus]') ?? document.querySelector<HTMLElement>('#content h1');
  if (heading && !heading.hasAttribute('tabindex')) heading.tabIndex = -1;
  return heading;
}

/** Moves focus to the new screen's heading, waiting a few frames for a screen that loads first. */
function focusScreenHeading(): () => void {
  let frame = 0;
  let tries = 0;
  const attempt = () => {
    const heading = screenHeading();
    if (heading) heading.focus({ preventScroll: true });
    else if (tries++ < 60) frame = requestAnimationFrame(attempt);
  };
  frame = requestAnimationFrame(attempt);
  return () => cancelAnimationFrame(frame);
}

/**
 * After navigating, focus lands on the new screen's heading, so a keyboard
 * or screen reader user starts there instead of at the top of the window.
 * The first screen at start-up leaves focus alone: "Skip to content" comes first.
 */
function useFocusOnNavigate(): void {
  const screen = useNavigation((s) => s.screen);
  const params = useNavigation((s) => s.params);
  const first = useRef(true);
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    return focusScreenHeading();
  }, [screen, params]);
}

function SkipLink() {
  return (
    <a
      className="skip-link"
      href="#content"
      onClick={(event) => {
        event.preventDefault();
        (screenHeading() ?? document.getElementById('content'))?.focus();
      }}
    >
      Skip to content
    </a>
  );
}

/** The window: top bar, navigation, the current screen, toasts and global overlays. */
export function Shell() {
  useFocusOnNavigate();
  const screen = useNavigation((s) => s.screen);
  const title = screens.find((s) => s.id === screen)?.title ?? 'Switchboard';
  const loadNotifications = useNotifications((s) => s.load);
  useEffect(() => {
    const stop = followNotifications();
    void loadNotifications();
    return stop;
  }, [loadNotifications]);
  useEffect(() => {
    document.title = `${title} — Switchboard`;
  }, [title]);

  return (
    <div className="shell">
      <SkipLink />
      <header className="topbar">
        <div className="brand">
          <img className="brand-mark" src="./icon.svg" alt="" width={18} height={18} />
          <span className="brand-name">Switchboard</span>
        </div>
        <div className="topbar-title" aria-hidden="true">{title}</div>
        <div className="topbar-actions">
          <NotificationCenter />
        </div>
      </header>
      <Navigation />
      <main className="content" id="content" tabIndex={-1}>
        <CurrentScreen />
      </main>
      <StatusBar />
      <Toasts />
      <OverlayHost />
      <ConsentPrompts />
    </div>
  );
}
