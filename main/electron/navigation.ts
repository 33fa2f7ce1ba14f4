import type { Event, HandlerDetails, Session, WebContents, WindowOpenHandlerResponse } from 'electron';
import { APP_HOST, APP_SCHEME } from './protocol.ts';

/**
 * Whether a URL is our renderer: `app://switchboard/…`, or in development
 * the electron-vite dev server's origin. (Node's URL gives custom schemes an
 * opaque origin, so the scheme and host are compared instead.)
 */
export function createAppUrlCheck(devServerUrl?: string): (url: string) => boolean {
  const devOrigin = devServerUrl ? new URL(devServerUrl).origin : undefined;
  return (url) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return false;
    }
    if (parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST) return true;
    return devOrigin !== undefined && parsed.origin === devOrigin;
  };
}

/** Only web links leave the app, and only to the user's browser. */
export function isExternalWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

export type OpenExternal = (url: string) => Promise<void> | void;

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * The window never navigates away from the renderer, never opens another
 * window and never hosts a `<webview>`. A web link the user clicks opens in
 * their browser instead; anything else (file:, javascript:, custom schemes)
 * goes nowhere.
 */
export function guardWebContents(contents: GuardedContents, openExternal: OpenExternal): void {
  const openIfWebLink = (url: string): void => {
    if (isExternalWebLink(url)) void openExternal(url);
  };
  contents.on('will-navigate', (event: Event, url: string) => {
    event.preventDefault();
    openIfWebLink(url);
  });
  contents.on('will-attach-webview', (event: Event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }: HandlerDetails): WindowOpenHandlerResponse => {
    openIfWebLink(url);
    return { action: 'deny' };
  });
}

/** No camera, microphone, location, notifications-from-the-page or anything else the web can ask for. */
export function denyAllPermissions(session: Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler'>): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
