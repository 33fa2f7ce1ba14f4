import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  DEFAULT_SIZE,
  placeWindow,
  readWindowState,
  SAVE_DELAY_MS,
  trackWindowState,
  WINDOW_STATE_FILE,
  writeWindowState,
  type TrackedWindow,
  type WindowState,
} from './window-state.ts';

const laptop = { x: 0, y: 0, width: 1920, height: 1050 };
const rightMonitor = { x: 1920, y: 0, width: 2560, height: 1410 };

describe('window state file', () => {
  let dir: string;
  let file: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'switchboard-window-'));
    file = join(dir, WINDOW_STATE_FILE);
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads back what it wrote', () => {
    const state: WindowState = { x: 40, y: 60, width: 1100, height: 720, maximized: true };
    writeWindowState(file, state);
    expect(readWindowState(file)).toEqual(state);
    expect(readFileSync(file, 'utf8')).toBe(`${JSON.stringify(state)}\n`);
  });

  it('has no state before the first save', () => {
    expect(readWindowState(file)).toBeUndefined();
  });

  it('ignores a corrupt or foreign file, and the window then opens at the default size', () => {
    for (const content of ['{"x": 1, "y":', 'null', '[]', '"text"', '{"x":"0","y":0,"width":800,"height":600,"maximized":false}', '{"x":0,"y":0,"width":-5,"height":600,"maximized":false}', '{"x":0,"y":0,"width":1e400,"height":600,"maximized":false}', '{"x":0,"y":0,"width":800,"height":600}']) {
      writeFileSync(file, content);
      expect(readWindowState(file), content).toBeUndefined();
      expect(placeWindow(readWindowState(file), [laptop], laptop)).toEqual({ ...DEFAULT_SIZE, maximized: false });
    }
  });
});

describe('placeWindow', () => {
  it('puts a window back exactly where it was when that is still on screen', () => {
    const saved = { x: 2100, y: 100, width: 1400, height: 900, maximized: false };
    expect(placeWindow(saved, [laptop, rightMonitor], laptop)).toEqual(saved);
  });

  it('centres a window whose monitor was unplugged on the primary display', () => {
    const saved = { x: 2100, y: 100, width: 1400, height: 900, maximized: true };
    expect(placeWindow(saved, [laptop], laptop)).toEqual({ width: 1400, height: 900, maximized: true });
  });

  it('pulls a window that hangs off the edge fully onto the display it mostly covers', () => {
    const saved = { x: 1700, y: -200, width: 1000, height: 800, maximized: false };
    expect(placeWindow(saved, [laptop, rightMonitor], laptop)).toEqual({ x: 1920, y: 0, width: 1000, height: 800, maximized: false });
    const offLeft = { x: -300, y: 500, width: 1000, height: 800, maximized: false };
    expect(placeWindow(offLeft, [laptop, rightMonitor], laptop)).toEqual({ x: 0, y: 250, width: 1000, height: 800, maximized: false });
  });

  it('shrinks a window larger than a display that got smaller', () => {
    const saved = { x: 0, y: 0, width: 2500, height: 1400, maximized: false };
    expect(placeWindow(saved, [laptop], laptop)).toEqual({ x: 0, y: 0, width: 1920, height: 1050, maximized: false });
  });

  it('opens at the default size, never larger than a small screen, when nothing was saved', () => {
    const small = { x: 0, y: 0, width: 1024, height: 740 };
    expect(placeWindow(undefined, [small], small)).toEqual({ width: 1024, height: 740, maximized: false });
  });
});

describe('trackWindowState', () => {
  /** A window that records listeners, plus manual timers, so a test controls when the debounce fires. */
  function setup(save: (state: WindowState) => void = vi.fn()) {
    const listeners = new Map<string, () => void>();
    let bounds = { x: 10, y: 10, width: 900, height: 600 };
    let maximized = false;
    const window: TrackedWindow = {
      on: (event, listener) => listeners.set(event, listener),
      getNormalBounds: () => bounds,
      isMaximized: () => maximized,
      isDestroyed: () => false,
    };
    const timers = new Map<number, () => void>();
    let nextTimer = 1;
    const onError = vi.fn();
    trackWindowState(window, save, onError, {
      setTimeout: (callback) => {
        timers.set(nextTimer, callback);
        return nextTimer++;
      },
      clearTimeout: (handle) => void timers.delete(handle as number),
    });
    return {
      onError,
      fire: (event: string) => listeners.get(event)!(),
      move: (x: number, y: number) => {
        bounds = { ...bounds, x, y };
        listeners.get('move')!();
      },
      maximize: () => {
        maximized = true;
        listeners.get('maximize')!();
      },
      runTimers: () => {
        const pending = [...timers.values()];
        timers.clear();
        pending.forEach((callback) => callback());
      },
      pendingTimers: () => timers.size,
    };
  }

  it('saves once after a burst of moves settles, with the last position', () => {
    const save = vi.fn();
    const w = setup(save);
    w.move(100, 100);
    w.move(200, 150);
    w.move(300, 180);
    expect(save).not.toHaveBeenCalled();
    expect(w.pendingTimers()).toBe(1);
    w.runTimers();
    expect(save.mock.calls).toEqual([[{ x: 300, y: 180, width: 900, height: 600, maximized: false }]]);
    expect(SAVE_DELAY_MS).toBeGreaterThan(0);
  });

  it('saves at once on close, including the maximized flag, and drops the pending save', () => {
    const save = vi.fn();
    const w = setup(save);
    w.maximize();
    w.fire('close');
    expect(save.mock.calls).toEqual([[{ x: 10, y: 10, width: 900, height: 600, maximized: true }]]);
    expect(w.pendingTimers()).toBe(0);
  });

  it('reports a failed save and keeps running', () => {
    const w = setup(() => {
      throw new Error('EROFS: read-only file system');
    });
    expect(() => w.fire('close')).not.toThrow();
    expect(w.onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'EROFS: read-only file system' }));
  });
});
