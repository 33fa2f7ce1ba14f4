import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type Harness } from './server.ts';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({ dataDir: mkdtempSync(join(tmpdir(), 'sb-harness-')) });
});
afterAll(() => harness.close());

/** Opens a socket and resolves with the first reply to one call, or with how the connection ended. */
function call(url: string, origin: string, message: object): Promise<unknown> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers: { origin } });
    ws.on('open', () => ws.send(JSON.stringify(message)));
    ws.on('message', (data) => {
      resolve(JSON.parse(String(data)));
      ws.close();
    });
    ws.on('unexpected-response', (_req, res) => resolve({ refused: res.statusCode }));
    ws.on('error', () => resolve({ refused: 'error' }));
  });
}

describe('browser harness', () => {
  it('listens on loopback only', () => {
    expect(new URL(harness.url).hostname).toBe('127.0.0.1');
  });

  it('answers calls from the page that holds the token', async () => {
    const origin = new URL(harness.url).origin;
    const ws = `${origin.replace('http', 'ws')}/__harness/ws?token=${harness.token}`;
    expect(await call(ws, origin, { id: 1, channel: 'settings.get', args: {} })).toMatchObject({ id: 1, envelope: { ok: true } });
  });

  it.each([
    ['no token', (o: string) => `${o.replace('http', 'ws')}/__harness/ws`, (o: string) => o],
    ['a wrong token', (o: string) => `${o.replace('http', 'ws')}/__harness/ws?token=guess`, (o: string) => o],
    ['another origin', (o: string) => `${o.replace('http', 'ws')}/__harness/ws?token=${harness.token}`, () => 'https://evil.example'],
  ])('refuses a socket with %s', async (_what, url, origin) => {
    const o = new URL(harness.url).origin;
    expect(await call(url(o), origin(o), { id: 1, channel: 'settings.get', args: {} })).toEqual({ refused: 403 });
  });

  it('serves the renderer with a strict content security policy and nothing outside it', async () => {
    const origin = new URL(harness.url).origin;
    const page = await fetch(harness.url);
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await page.text()).toContain('/__harness/bridge.js');
    expect((await fetch(`${origin}/..%2f..%2fpackage.json`)).status).toBe(404);
    expect((await fetch(`${origin}/%2e%2e/%2e%2e/package.json`)).status).toBe(404);
  });

  it('answers malformed requests and messages without falling over', async () => {
    const origin = new URL(harness.url).origin;
    expect((await fetch(`${origin}/%E0%A4%A`)).status).toBe(400);
    expect((await fetch(`${origin}/assets`)).status).toBe(404);
    const ws = `${origin.replace('http', 'ws')}/__harness/ws?token=${harness.token}`;
    const socket = new WebSocket(ws, { headers: { origin } });
    await new Promise((r) => socket.on('open', r));
    for (const junk of ['null', '42', '"text"', '[1,2]', '{"id":"1"}', '{not json']) socket.send(junk);
    socket.close();
    expect(await call(ws, origin, { id: 7, channel: 'settings.get', args: {} })).toMatchObject({ id: 7, envelope: { ok: true } });
    expect((await fetch(harness.url)).status).toBe(200);
  });
});
