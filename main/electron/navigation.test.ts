import type { WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createAppUrlCheck, denyAllPermissions, externalLinkDecision, guardWebContents, plainHttpQuestion } from './navigation.ts';

type Listener = (...args: unknown[]) => unknown;

/** Records the listeners guardWebContents attaches, so a test can fire them as Electron would. */
function fakeContents() {
  const listeners = new Map<string, Listener>();
  let openHandler: Listener | undefined;
  const contents = {
    on: (event: string, listener: Listener) => {
      listeners.set(event, listener);
      return contents;
    },
    setWindowOpenHandler: (handler: Listener) => {
      openHandler = handler;
    },
  };
  const event = () => ({ preventDefault: vi.fn() });
  return {
    contents: contents as unknown as Pick<WebContents, 'on' | 'setWindowOpenHandler'>,
    navigate(url: string) {
      const e = event();
      listeners.get('will-navigate')!(e, url);
      return e.preventDefault;
    },
    attachWebview() {
      const e = event();
      listeners.get('will-attach-webview')!(e, {}, {});
      return e.preventDefault;
    },
    openWindow: (url: string) => openHandler!({ url, frameName: '', features: '', disposition: 'new-window', referrer: {} }),
  };
}

/** The browser and the "open an unencrypted link?" question, answered with `answer`. */
function fakeLinks(answer = false) {
  return { open: vi.fn(), confirmPlainHttp: vi.fn(async () => answer) };
}

describe('guardWebContents', () => {
  it('keeps the window on the renderer: every navigation is cancelled, https links go to the browser', () => {
    const links = fakeLinks();
    const page = fakeContents();
    guardWebContents(page.contents, links);

    expect(page.navigate('https://example.com/docs')).toHaveBeenCalled();
    expect(links.open.mock.calls).toEqual([['https://example.com/docs']]);

    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'app://switchboard/other.html', 'smb://server/share', 'data:text/html,hi']) {
      expect(page.navigate(url), url).toHaveBeenCalled();
    }
    expect(links.open).toHaveBeenCalledTimes(1);
    expect(links.confirmPlainHttp).not.toHaveBeenCalled();
  });

  it('asks before opening a plain http link, and opens it only when the user says yes', async () => {
    const declined = fakeLinks(false);
    const page = fakeContents();
    guardWebContents(page.contents, declined);
    expect(page.navigate('http://example.com/plain')).toHaveBeenCalled();
    await vi.waitFor(() => expect(declined.confirmPlainHttp.mock.calls).toEqual([['http://example.com/plain']]));
    expect(declined.open).not.toHaveBeenCalled();

    const accepted = fakeLinks(true);
    const other = fakeContents();
    guardWebContents(other.contents, accepted);
    expect(other.openWindow('http://example.com/plain')).toEqual({ action: 'deny' });
    await vi.waitFor(() => expect(accepted.open.mock.calls).toEqual([['http://example.com/plain']]));
  });

  it('denies every new window and opens only web links externally', () => {
    const links = fakeLinks();
    const openExternal = links.open;
    const page = fakeContents();
    guardWebContents(page.contents, links);

    expect(page.openWindow('https://example.com/')).toEqual({ action: 'deny' });
    expect(page.openWindow('file:///home/user/.ssh/id_rsa')).toEqual({ action: 'deny' });
    expect(page.openWindow('app://switchboard/index.html')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.com/']]);
  });

  it('refuses to attach a <webview>', () => {
    const page = fakeContents();
    guardWebContents(page.contents, fakeLinks());
    expect(page.attachWebview()).toHaveBeenCalled();
  });
});

describe('plainHttpQuestion', () => {
  it('names the link, says why it asks, and makes Cancel the default', () => {
    const question = plainHttpQuestion('http://example.com/plain');
    expect(question.buttons![question.defaultId!]).toBe('Cancel');
    expect(question.buttons![question.cancelId!]).toBe('Cancel');
    expect(question.buttons![1]).toBe('Open in browser');
    expect(question.detail).toContain('http://example.com/plain');
    expect(question.detail).toContain('anyone on the network');
  });
});

describe('externalLinkDecision', () => {
  it('opens https, asks for http, refuses the rest', () => {
    expect(externalLinkDecision('https://example.com')).toBe('open');
    expect(externalLinkDecision('HTTP://EXAMPLE.COM')).toBe('ask');
    for (const url of ['file:///etc/passwd', 'ms-settings:', 'javascript:void 0', 'mailto:a@b.c', 'not a url', '']) {
      expect(externalLinkDecision(url), url).toBe('refuse');
    }
  });
});

describe('createAppUrlCheck', () => {
  it('recognises our renderer and, in development only, the dev server', () => {
    const packaged = createAppUrlCheck();
    expect(packaged('app://switchboard/index.html')).toBe(true);
    expect(packaged('app://switchboard/')).toBe(true);
    for (const url of ['app://other/index.html', 'app://switchboard.evil/', 'https://switchboard/', 'http://localhost:5173/', 'file:///index.html', '']) {
      expect(packaged(url), url).toBe(false);
    }
    const dev = createAppUrlCheck('http://localhost:5173');
    expect(dev('http://localhost:5173/index.html')).toBe(true);
    expect(dev('http://localhost:5173.evil.example/')).toBe(false);
    expect(dev('https://localhost:5173/')).toBe(false);
  });
});

describe('denyAllPermissions', () => {
  it('answers no to every permission request and check', () => {
    let request: ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined;
    let check: ((...args: unknown[]) => boolean) | undefined;
    denyAllPermissions({
      setPermissionRequestHandler: (handler) => void (request = handler as typeof request),
      setPermissionCheckHandler: (handler) => void (check = handler as typeof check),
    });
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      const callback = vi.fn();
      request!({}, permission, callback);
      expect(callback).toHaveBeenCalledWith(false);
      expect(check!({}, permission, 'app://switchboard')).toBe(false);
    }
  });
});
