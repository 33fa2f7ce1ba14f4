import type { LookupFunction } from 'node:net';
import { request } from 'node:https';
import { Readable } from 'node:stream';
import { rootCertificates } from 'node:tls';

export interface HttpRequestInit {
  /** GET when absent. */
  method?: string;
  headers?: Record<string, string>;
  body?: Uint8Array;
  signal?: AbortSignal;
  /**
   * Connect only to the addresses this gives (plugin requests pass the
   * addresses main already checked, so the name is not resolved again).
   * Chromium's stack in Electron resolves names itself and cannot take it.
   */
  lookup?: LookupFunction;
}

/**
 * How the marketplace talks to the network. It must NOT follow redirects:
 * the marketplace follows them itself so that every hop is checked (https
 * only, at most five, credentials dropped when the origin changes).
 * Electron passes `net.fetch` with `redirect: 'manual'`; Node uses
 * `nodeHttpsFetch`.
 */
export type HttpFetch = (url: string, init: HttpRequestInit) => Promise<Response>;

const NULL_BODY_STATUS = new Set([101, 103, 204, 205, 304]);

/**
 * A Node HTTPS client that returns fetch `Response`s. `extraCa` adds
 * certificates to the usual roots (the harness and the tests trust a test
 * CA this way); the usual roots stay trusted.
 */
export function nodeHttpsFetch(options: { extraCa?: string[] } = {}): HttpFetch {
  const ca = options.extraCa?.length ? [...rootCertificates, ...options.extraCa] : undefined;
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      if (target.protocol !== 'https:') {
        reject(new TypeError(`Only https:// addresses can be fetched (got ${target.protocol})`));
        return;
      }
      const req = request(target, { method: init.method ?? 'GET', headers: init.headers, ca, signal: init.signal, ...(init.lookup ? { lookup: init.lookup } : {}) }, (res) => {
        const headers = new Headers();
        for (const [name, value] of Object.entries(res.headers)) {
          if (value === undefined) continue;
          headers.set(name, Array.isArray(value) ? value.join(', ') : value);
        }
        const status = res.statusCode ?? 502;
        const body = NULL_BODY_STATUS.has(status) ? null : (Readable.toWeb(res) as ReadableStream<Uint8Array>);
        if (!body) res.resume();
        resolve(new Response(body, { status, statusText: res.statusMessage ?? '', headers }));
      });
      req.on('error', reject);
      req.end(init.body);
    });
}
