import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Rectangle } from 'electron';

export interface WindowState {
  x: number;
  y: number;
  width: number;
  height: number;
  maximized: boolean;
}

/** Where and how big the window opens: no position means "centre it". */
export interface WindowPlacement {
  x?: number;
  y?: number;
  width: number;
  height: number;
  maximized: boolean;
}

export const DEFAULT_SIZE = { width: 1280, height: 800 };
export const MIN_SIZE = { width: 720, height: 480 };
export const WINDOW_STATE_FILE = 'window-state.json';

const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value);

/** The saved state, or undefined when there is none or it is not a state we wrote. */
export function readWindowState(file: string): WindowState | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { x, y, width, height, maximized } = raw as Record<string, unknown>;
  if (!isInteger(x) || !isInteger(y) || !isInteger(width) || !isInteger(height) || typeof maximized !== 'boolean') return undefined;
  if (width <= 0 || height <= 0) return undefined;
  return { x, y, width, height, maximized };
}

/** Written to a temporary file and renamed, so a crash mid-write never leaves half a file. */
export function writeWindowState(file: string, state: WindowState): void {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(state)}\n`);
  renameSync(temporary, file);
}

function overlap(a: Rectangle, b: Rectangle): number {
  const width = Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x);
  const height = Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y);
  return width > 0 && height > 0 ? width * height : 0;
}

/**
 * Puts the saved window back where it was, as long as that place is still on
 * a screen: a monitor unplugged since, or a resolution that shrank, must not
 * leave the window off-screen or larger than the screen. The window goes to
 * the display it overlaps most, shrunk to fit and moved fully inside; with no
 * overlap at all it is centred on the primary display.
 */
export function placeWindow(saved: WindowState | undefined, workAreas: Rectangle[], primary: Rectangle): WindowPlacement {
  if (!saved) {
    return { width: Math.min(DEFAULT_SIZE.width, primary.width), height: Math.min(DEFAULT_SIZE.height, primary.height), maximized: false };
  }
  let best: Rectangle | undefined;
  let bestOverlap = 0;
  for (const area of workAreas) {
    const shared = overlap(saved, area);
    if (shared > bestOverlap) {
      best = area;
      bestOverlap = shared;
    }
  }
  const area = best ?? primary;
  const width = Math.min(Math.max(saved.width, Math.min(MIN_SIZE.width, area.width)), area.width);
  const height = Math.min(Math.max(saved.height, Math.min(MIN_SIZE.height, area.height)), area.height);
  if (!best) return { width, height, maximized: saved.maximized };
  const x = Math.min(Math.max(saved.x, area.x), area.x + area.width - width);
  const y = Math.min(Math.max(saved.y, area.y), area.y + area.height - height);
  return { x, y, width, height, maximized: saved.maximized };
}

/** What the tracker needs of a BrowserWindow. */
export interface TrackedWindow {
  on(event: 'move' | 'resize' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
  getNormalBounds(): Rectangle;
  isMaximized(): boolean;
  isDestroyed(): boolean;
}

export interface Timers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SAVE_DELAY_MS = 500;

/**
 * Saves the window's normal bounds (what it returns to from maximized,
 * minimized or full screen) and its maximized flag: after
 * moves and resizes settle, and at once when the window closes. A save that
 * fails (read-only disk) is reported and the app carries on.
 */
export function trackWindowState(
  window: TrackedWindow,
  save: (state: WindowState) => void,
  onError: (error: unknown) => void,
  timers: Timers = { setTimeout: (c, ms) => setTimeout(c, ms), clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout) },
): void {
  let pending: unknown;
  const saveNow = (): void => {
    if (pending !== undefined) timers.clearTimeout(pending);
    pending = undefined;
    if (window.isDestroyed()) return;
    const { x, y, width, height } = window.getNormalBounds();
    try {
      save({ x, y, width, height, maximized: window.isMaximized() });
    } catch (error) {
      onError(error);
    }
  };
  const saveSoon = (): void => {
    if (pending !== undefined) timers.clearTimeout(pending);
    pending = timers.setTimeout(saveNow, SAVE_DELAY_MS);
  };
  for (const event of ['move', 'resize', 'maximize', 'unmaximize'] as const) window.on(event, saveSoon);
  window.on('close', saveNow);
}
