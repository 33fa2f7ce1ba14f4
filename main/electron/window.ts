import type { BrowserWindowConstructorOptions } from 'electron';
import { MIN_SIZE, type WindowPlacement } from './window-state.ts';

/**
 * The one place the window's security settings are set. The page gets no
 * Node, runs in Chromium's sandbox, and sees main only through the preload's
 * `window.switchboard`, which lives in an isolated world.
 */
export function mainWindowOptions(placement: WindowPlacement, preloadPath: string): BrowserWindowConstructorOptions {
  const { x, y, width, height } = placement;
  return {
    ...(x !== undefined && y !== undefined ? { x, y } : { center: true }),
    width,
    height,
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: 'Switchboard',
    show: false,
    autoHideMenuBar: true,
    webPreferences: {
      preload: preloadPath,
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
    },
  };
}

/** What focusing needs of a BrowserWindow. */
export interface FocusableWindow {
  isDestroyed(): boolean;
  isMinimized(): boolean;
  restore(): void;
  show(): void;
  focus(): void;
}

/** A second launch, or a click on a desktop notification, brings the existing window forward. */
export function focusWindow(window: FocusableWindow | undefined): void {
  if (!window || window.isDestroyed()) return;
  if (window.isMinimized()) window.restore();
  window.show();
  window.focus();
}
