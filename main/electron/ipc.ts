import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { IPC_EVENT, IPC_INVOKE, type Envelope } from '../../app/contract/index.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Dispatch } from '../ipc/dispatcher.ts';
import type { Logger } from '../log/logger.ts';

/** The parts of an invoke event the sender check reads. */
export type InvokeSender = Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>;

export type SenderCheck = (event: InvokeSender) => boolean;

export const REFUSED_SENDER: Envelope<never> = {
  ok: false,
  error: { code: 'permission_denied', message: 'This page is not part of Switchboard, so it may not call the app.' },
};

/**
 * A call is trusted only when it comes from the top frame of one of our own
 * windows while that frame shows our renderer: not from an iframe, not from
 * a page the window was somehow navigated to, not from any other webContents.
 */
export function createSenderCheck(options: {
  isOurWebContents: (contents: WebContents) => boolean;
  isAppUrl: (url: string) => boolean;
}): SenderCheck {
  return ({ sender, senderFrame }) => {
    if (!senderFrame || senderFrame.parent !== null) return false;
    if (!options.isOurWebContents(sender)) return false;
    return options.isAppUrl(senderFrame.url);
  };
}

/**
 * Binds the services' one handler table to Electron IPC. The dispatcher
 * validates channel and arguments; this refuses callers before they reach it.
 * Returns a function that removes the handler.
 */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  services: { dispatch: Dispatch; log: Logger },
  isTrustedSender: SenderCheck,
): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, args: unknown) => {
    if (!isTrustedSender(event)) {
      services.log.warn(`refused an IPC call to ${String(channel).slice(0, 80)} from ${event.senderFrame?.url ?? 'a destroyed frame'}`);
      return REFUSED_SENDER;
    }
    return services.dispatch(typeof channel === 'string' ? channel : String(channel), args);
  });
  return () => ipcMain.removeHandler(IPC_INVOKE);
}

/** A window as the event broadcast sees it. */
export interface EventTarget {
  webContents: Pick<WebContents, 'send' | 'isDestroyed' | 'getURL'>;
}

/**
 * Pushes every service event to every window that shows our renderer.
 * Returns the unsubscribe function.
 */
export function broadcastEvents(events: AppEvents, windows: () => Iterable<EventTarget>, isAppUrl: (url: string) => boolean): () => void {
  return events.subscribe((name, payload) => {
    for (const { webContents } of windows()) {
      if (webContents.isDestroyed() || !isAppUrl(webContents.getURL())) continue;
      webContents.send(IPC_EVENT, name, payload);
    }
  });
}
