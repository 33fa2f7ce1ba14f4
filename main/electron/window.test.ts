import { describe, expect, it, vi } from 'vitest';
import { focusWindow, mainWindowOptions } from './window.ts';

describe('mainWindowOptions', () => {
  it('sandboxes the page, isolates the preload and gives the page no Node', () => {
    const options = mainWindowOptions({ x: 10, y: 20, width: 1000, height: 700, maximized: false }, '/app/out/preload/index.cjs');
    expect(options.webPreferences).toMatchObject({
      preload: '/app/out/preload/index.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(options).toMatchObject({ x: 10, y: 20, width: 1000, height: 700, show: false });
  });

  it('centres a window that has no saved position', () => {
    const options = mainWindowOptions({ width: 1280, height: 800, maximized: false }, '/p.cjs');
    expect(options.center).toBe(true);
    expect(options.x).toBeUndefined();
  });
});

describe('focusWindow', () => {
  const window = (minimized: boolean, destroyed = false) => ({
    isDestroyed: () => destroyed,
    isMinimized: () => minimized,
    restore: vi.fn(),
    show: vi.fn(),
    focus: vi.fn(),
  });

  it('restores a minimized window and brings it forward', () => {
    const minimized = window(true);
    focusWindow(minimized);
    expect(minimized.restore).toHaveBeenCalled();
    expect(minimized.focus).toHaveBeenCalled();
    const open = window(false);
    focusWindow(open);
    expect(open.restore).not.toHaveBeenCalled();
    expect(open.show).toHaveBeenCalled();
    expect(open.focus).toHaveBeenCalled();
  });

  it('does nothing when there is no live window', () => {
    const gone = window(true, true);
    focusWindow(gone);
    focusWindow(undefined);
    expect(gone.focus).not.toHaveBeenCalled();
  });
});
