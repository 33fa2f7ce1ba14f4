import { EventEmitter } from 'node:events';
import { Readable } from 'node:stream';
import type { ClientRequestConstructorOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { electronNetFetch } from './net.ts';

/**
 * Stands in for Electron's ClientRequest: records what the adapter asked for
 * and lets the test play the network's part (a response, a redirect, an error).
 */
class FakeRequest extends EventEmitter {
  readonly headers: Record<string, string> = {};
  aborted = false;
  ended = false;
  readonly options: ClientRequestConstructorOptions;
  constructor(options: ClientRequestConstructorOptions) {
    super();
    this.options = options;
  }
  setHeader(name: string, value: string): void {
    this.headers[name] = value;
  }
  abort(): void {
    this.aborted = true;
  }
  end(): this {
    this.ended = true;
    return this;
  }
  respond(statusCode: number, body: string, headers: Record<string, string | string[]> = {}): void {
    const message = Object.assign(Readable.from([Buffer.from(body)]), { statusCode, statusMessage: 'OK', headers });
    this.emit('response', message);
  }
}

function setup() {
  const requests: FakeRequest[] = [];
  const fetch = electronNetFetch((options) => {
    const request = new FakeRequest(options);
    requests.push(request);
    return request as never;
  });
  return { fetch, requests, last: () => requests.at(-1)! };
}

describe('electronNetFetch', () => {
  it('makes a cookie-less GET with the given headers and streams the answer back as a Response', async () => {
    const { fetch, last } = setup();
    const pending = fetch('https://catalog.example/index.json', { headers: { accept: 'application/json' } });
    expect(last().options).toMatchObject({ url: 'https://catalog.example/index.json', method: 'GET', redirect: 'manual', credentials: 'omit', useSessionCookies: false });
    expect(last().headers).toEqual({ accept: 'application/json' });
    expect(last().ended).toBe(true);
    last().respond(200, '{"plugins":[]}', { 'content-type': 'application/json', 'set-cookie': ['a=1', 'b=2'] });
    const response = await pending;
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({ plugins: [] });
  });

  it('hands a redirect back with its status and Location instead of following it', async () => {
    const { fetch, last } = setup();
    const pending = fetch('https://catalog.example/old', {});
    last().emit('redirect', 302, 'GET', 'https://mirror.example/new', {});
    const response = await pending;
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('https://mirror.example/new');
    expect(last().aborted).toBe(true);
  });

  it('refuses anything but https before touching the network', async () => {
    const { fetch, requests } = setup();
    await expect(fetch('http://catalog.example/index.json', {})).rejects.toThrow('Only https:// addresses can be fetched (got http:)');
    await expect(fetch('file:///etc/passwd', {})).rejects.toThrow('Only https:// addresses can be fetched (got file:)');
    await expect(fetch('not a url', {})).rejects.toThrow('Not a valid address: not a url');
    expect(requests).toEqual([]);
  });

  it('passes a network error through', async () => {
    const { fetch, last } = setup();
    const pending = fetch('https://catalog.example/', {});
    last().emit('error', new Error('net::ERR_NAME_NOT_RESOLVED'));
    await expect(pending).rejects.toThrow('net::ERR_NAME_NOT_RESOLVED');
  });

  it('aborts the request when the signal fires, and never starts one for an aborted signal', async () => {
    const { fetch, last, requests } = setup();
    const controller = new AbortController();
    const pending = fetch('https://catalog.example/big.tgz', { signal: controller.signal });
    controller.abort(new Error('cancelled by the user'));
    await expect(pending).rejects.toThrow('cancelled by the user');
    expect(last().aborted).toBe(true);

    await expect(fetch('https://catalog.example/', { signal: controller.signal })).rejects.toThrow('cancelled by the user');
    expect(requests).toHaveLength(1);
  });
});
