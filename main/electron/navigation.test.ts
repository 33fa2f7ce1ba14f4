import type { WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { createAppUrlCheck, denyAllPermissions, guardWebContents, isExternalWebLink } from './navigation.ts';

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

describe('guardWebContents', () => {
  it('keeps the window on the renderer: every navigation is cancelled, web links go to the browser', () => {
    const openExternal = vi.fn();
    const page = fakeContents();
    guardWebContents(page.contents, openExternal);

    expect(page.navigate('https://example.com/docs')).toHaveBeenCalled();
    expect(page.navigate('http://example.com/')).toHaveBeenCalled();
    expect(openExternal.mock.calls).toEqual([['https://example.com/docs'], ['http://example.com/']]);

    for (const url of ['file:///etc/passwd', 'javascript:alert(1)', 'app://switchboard/other.html', 'smb://server/share', 'data:text/html,hi']) {
      expect(page.navigate(url), url).toHaveBeenCalled();
    }
    expect(openExternal).toHaveBeenCalledTimes(2);
  });

  it('denies every new window and opens only web links externally', () => {
    const openExternal = vi.fn();
    const page = fakeContents();
    guardWebContents(page.contents, openExternal);

    expect(page.openWindow('https://example.com/')).toEqual({ action: 'deny' });
    expect(page.openWindow('file:///home/user/.ssh/id_rsa')).toEqual({ action: 'deny' });
    expect(page.openWindow('app://switchboard/index.html')).toEqual({ action: 'deny' });
    expect(openExternal.mock.calls).toEqual([['https://example.com/']]);
  });

  it('refuses to attach a <webview>', () => {
    const page = fakeContents();
    guardWebContents(page.contents, vi.fn());
    expect(page.attachWebview()).toHaveBeenCalled();
  });
});

describe('isExternalWebLink', () => {
  it('accepts only http and https', () => {
    expect(isExternalWebLink('https://example.com')).toBe(true);
    expect(isExternalWebLink('HTTP://EXAMPLE.COM')).toBe(true);
    for (const url of ['file:///etc/passwd', 'ms-settings:', 'javascript:void 0', 'mailto:a@b.c', 'not a url', '']) {
      expect(isExternalWebLink(url), url).toBe(false);
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
