import { Readable } from 'node:stream';
import type { ClientRequest, ClientRequestConstructorOptions, IncomingMessage } from 'electron';

/** The app's HTTP client shape (main/marketplace/http.ts): redirects handed back, not followed. */
export type NetFetch = (url: string, init: { method?: string; headers?: Record<string, string>; body?: Uint8Array; signal?: AbortSignal }) => Promise<Response>;

type NetRequest = (options: ClientRequestConstructorOptions) => Pick<ClientRequest, 'on' | 'setHeader' | 'abort' | 'end'>;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

/**
 * HTTPS through Chromium's network stack (system proxy settings, the OS
 * trust store), for the marketplace and plugins' requests. `net.fetch` is not usable here: with
 * `redirect: 'manual'` it fails with "Redirect was cancelled" instead of
 * returning the 3xx, and the marketplace must see every hop to check it
 * (https only, a hop limit, credentials dropped across origins). So this
 * uses `net.request`, stops at a redirect and answers with its status and
 * `Location`. No cookies are sent or stored.
 */
export function electronNetFetch(request: NetRequest): NetFetch {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      let target: URL;
      try {
        target = new URL(url);
      } catch {
        reject(new TypeError(`Not a valid address: ${url.slice(0, 200)}`));
        return;
      }
      if (target.protocol !== 'https:') {
        reject(new TypeError(`Only https:// addresses can be fetched (got ${target.protocol})`));
        return;
      }
      const signal = init.signal;
      if (signal?.aborted) {
        reject(abortError(signal));
        return;
      }
      const req = request({ url: target.href, method: init.method ?? 'GET', redirect: 'manual', credentials: 'omit', useSessionCookies: false, cache: 'no-store' });
      let settled = false;
      const settle = (finish: () => void): void => {
        if (settled) return;
        settled = true;
        finish();
      };
      // Stays attached after the answer so an abort also stops a body still streaming in.
      signal?.addEventListener(
        'abort',
        () => {
          req.abort();
          settle(() => reject(abortError(signal)));
        },
        { once: true },
      );

      for (const [name, value] of Object.entries(init.headers ?? {})) req.setHeader(name, value);
      req.on('redirect', (statusCode: number, _method: string, redirectUrl: string) => {
        req.abort();
        settle(() => resolve(new Response(null, { status: statusCode, headers: { location: redirectUrl } })));
      });
      req.on('response', (response: IncomingMessage) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(response.headers)) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        const stream = response as unknown as Readable;
        const nullBody = NULL_BODY_STATUS.has(response.statusCode);
        const body = nullBody ? null : (Readable.toWeb(stream) as ReadableStream<Uint8Array>);
        if (nullBody) stream.resume();
        settle(() => resolve(new Response(body, { status: response.statusCode, statusText: response.statusMessage, headers })));
      });
      req.on('error', (error: Error) => settle(() => reject(error)));
      req.end(init.body ? Buffer.from(init.body) : undefined);
    });
}
