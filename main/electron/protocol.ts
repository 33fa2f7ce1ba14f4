import { readFile, stat } from 'node:fs/promises';
import { extname, resolve, sep } from 'node:path';
import type { CustomScheme } from 'electron';

/**
 * The window loads the renderer from `app://switchboard/`, never `file://`:
 * a standard, secure scheme gives the page a real origin, so CSP `'self'`,
 * fetch and module scripts behave as on the web, and the page cannot read
 * other local files the way a `file://` page could.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'switchboard';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Must be registered before the app is ready (`protocol.registerSchemesAsPrivileged`). */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Referrer-Policy': 'no-referrer',
};

/** The parts of a request the handler looks at (Electron passes a full `Request`). */
export type AppRequest = Pick<Request, 'url' | 'method'>;
export type AppProtocolHandler = (request: AppRequest) => Promise<Response>;

function refuse(status: 404 | 405, text: string): Response {
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': MIME['.txt']! } });
}

/**
 * The file inside `rendererDir` a URL names, or undefined when it names
 * anything else: another host, a path that climbs out of the folder (plain
 * or percent-encoded `..`, encoded slashes or backslashes), or a NUL byte.
 */
export function resolveRendererFile(rendererDir: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let path: string;
  try {
    path = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (path.includes('\0')) return undefined;
  const relative = path === '/' || path === '' ? 'index.html' : path.replace(/^[/\\]+/, '');
  const root = resolve(rendererDir);
  const file = resolve(root, relative);
  return file.startsWith(root + sep) ? file : undefined;
}

/**
 * Serves the built renderer for `protocol.handle`. Every answer carries the
 * CSP; anything outside the renderer folder, or missing, is a 404.
 */
export function createAppProtocolHandler(rendererDir: string): AppProtocolHandler {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405, 'Method not allowed');
    const file = resolveRendererFile(rendererDir, request.url);
    if (!file) return refuse(404, 'Not found');
    try {
      if (!(await stat(file)).isFile()) return refuse(404, 'Not found');
      const body = request.method === 'HEAD' ? null : await readFile(file);
      return new Response(body, {
        status: 200,
        headers: { ...SECURITY_HEADERS, 'Content-Type': MIME[extname(file).toLowerCase()] ?? 'application/octet-stream' },
      });
    } catch {
      return refuse(404, 'Not found');
    }
  };
}

/**
 * In development the window loads Vite's dev server, which sends no CSP. The
 * same policy is added there, loosened only where the dev server needs it:
 * its HMR WebSocket, and inline <style> elements Vite injects for CSS.
 */
export function devContentSecurityPolicy(devServerUrl: string): string {
  const origin = new URL(devServerUrl);
  const socket = `${origin.protocol === 'https:' ? 'wss:' : 'ws:'}//${origin.host}`;
  return CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace(
    "connect-src 'self'",
    `connect-src 'self' ${socket}`,
  );
}

type HeadersListener = (
  details: { url: string; responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

/** Puts the development CSP on every response from the dev server (Electron's `session.webRequest`). */
export function applyDevContentSecurityPolicy(
  webRequest: { onHeadersReceived(filter: { urls: string[] }, listener: HeadersListener): void },
  devServerUrl: string,
): void {
  const origin = new URL(devServerUrl).origin;
  const policy = devContentSecurityPolicy(devServerUrl);
  webRequest.onHeadersReceived({ urls: [`${origin}/*`] }, (details, callback) => {
    const headers = Object.fromEntries(Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'));
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [policy] } });
  });
}
