import type { Event, HandlerDetails, MessageBoxOptions, Session, WebContents, WindowOpenHandlerResponse } from 'electron';
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

/**
 * Only web links leave the app, and only to the user's browser: https opens,
 * plain http only after the user agrees (as app.openExternal, the IPC path,
 * opens https alone), anything else never.
 */
export function externalLinkDecision(url: string): 'open' | 'ask' | 'refuse' {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' ? 'open' : protocol === 'http:' ? 'ask' : 'refuse';
  } catch {
    return 'refuse';
  }
}

export interface ExternalLinks {
  open(url: string): Promise<void> | void;
  /** Asks whether to open an unencrypted http: link; resolves true to open it. */
  confirmPlainHttp(url: string): Promise<boolean>;
}

/** The question asked before an http: link opens; button 1 opens it, Cancel (0) is the default. */
export function plainHttpQuestion(url: string): MessageBoxOptions {
  return {
    type: 'warning',
    buttons: ['Cancel', 'Open in browser'],
    defaultId: 0,
    cancelId: 0,
    message: 'Open an unencrypted link?',
    detail: `${url}\n\nThis link uses http:, so anyone on the network between you and the site can read or change the page. Switchboard opens https: links without asking.`,
  };
}

type GuardedContents = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * The window never navigates away from the renderer, never opens another
 * window and never hosts a `<webview>`. A web link the user clicks opens in
 * their browser instead (an http: one after asking); anything else (file:,
 * javascript:, custom schemes) goes nowhere.
 */
export function guardWebContents(contents: GuardedContents, links: ExternalLinks): void {
  const openIfWebLink = (url: string): void => {
    const decision = externalLinkDecision(url);
    if (decision === 'open') void links.open(url);
    if (decision === 'ask') void links.confirmPlainHttp(url).then((yes) => (yes ? links.open(url) : undefined));
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
