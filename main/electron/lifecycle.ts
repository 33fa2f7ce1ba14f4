import type { App, Event } from 'electron';

export const MAX_CLOSE_WAIT_MS = 5000;

/**
 * Quitting waits for the services to close (plugin processes stopped, the
 * database closed cleanly), which is asynchronous, while Electron's
 * 'will-quit' is not: the first quit is held, the services close, then the
 * app quits for real. A close that fails or hangs past the limit is
 * reported and does not keep the app alive.
 */
export function closeServicesBeforeQuit(
  app: Pick<App, 'on' | 'quit'>,
  close: () => Promise<void>,
  onError: (error: unknown) => void,
  maxWaitMs = MAX_CLOSE_WAIT_MS,
): void {
  let state: 'running' | 'closing' | 'closed' = 'running';
  app.on('will-quit', (event: Event) => {
    if (state === 'closed') return;
    event.preventDefault();
    if (state === 'closing') return;
    state = 'closing';
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the services did not close within ${maxWaitMs} ms; quitting anyway`)), maxWaitMs);
    });
    Promise.race([close(), limit])
      .catch(onError)
      .finally(() => {
        clearTimeout(timer);
        state = 'closed';
        app.quit();
      });
  });
}
