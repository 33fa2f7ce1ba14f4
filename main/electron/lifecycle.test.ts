import { describe, expect, it, vi } from 'vitest';
import { closeServicesBeforeQuit } from './lifecycle.ts';

/** An app whose quit() fires 'will-quit' and records whether the quit went through. */
function fakeApp() {
  let listener: ((event: { preventDefault(): void }) => void) | undefined;
  const app = {
    quits: 0,
    exited: false,
    on: (_event: string, l: typeof listener) => {
      listener = l;
      return app;
    },
    quit: () => {
      app.quits++;
      let prevented = false;
      listener!({ preventDefault: () => (prevented = true) });
      if (!prevented) app.exited = true;
    },
  };
  return app;
}

describe('closeServicesBeforeQuit', () => {
  it('holds the quit until the services have closed, then quits once', async () => {
    const app = fakeApp();
    let finishClose!: () => void;
    const close = vi.fn(() => new Promise<void>((resolve) => (finishClose = resolve)));
    closeServicesBeforeQuit(app as never, close, vi.fn());

    app.quit();
    app.quit();
    expect(app.exited).toBe(false);
    expect(close).toHaveBeenCalledTimes(1);

    finishClose();
    await vi.waitFor(() => expect(app.exited).toBe(true));
    expect(close).toHaveBeenCalledTimes(1);
  });

  it('still quits when closing fails, and reports why', async () => {
    const app = fakeApp();
    const onError = vi.fn();
    closeServicesBeforeQuit(app as never, () => Promise.reject(new Error('database is locked')), onError);
    app.quit();
    await vi.waitFor(() => expect(app.exited).toBe(true));
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: 'database is locked' }));
  });

  it('does not let a close that never finishes keep the app alive', async () => {
    const app = fakeApp();
    const onError = vi.fn();
    closeServicesBeforeQuit(app as never, () => new Promise<void>(() => {}), onError, 10);
    app.quit();
    await vi.waitFor(() => expect(app.exited).toBe(true));
    expect(onError).toHaveBeenCalledWith(expect.objectContaining({ message: expect.stringContaining('did not close within 10 ms') }));
  });
});
