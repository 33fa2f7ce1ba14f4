import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ENTRY_URL,
  applyDevContentSecurityPolicy,
  CONTENT_SECURITY_POLICY,
  createAppProtocolHandler,
  devContentSecurityPolicy,
  type AppProtocolHandler,
} from './protocol.ts';

const SECRET = 'the contents of a file outside the renderer';

describe('the app:// protocol handler', () => {
  let base: string;
  let serve: AppProtocolHandler;
  const get = (url: string) => serve({ url, method: 'GET' });

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'switchboard-protocol-'));
    const renderer = join(base, 'renderer');
    mkdirSync(join(renderer, 'assets'), { recursive: true });
    writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>Switchboard</title>');
    writeFileSync(join(renderer, 'assets', 'index-abc.js'), 'console.log("app")');
    writeFileSync(join(renderer, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(base, 'secret.txt'), SECRET);
    mkdirSync(join(base, 'renderer-evil'));
    writeFileSync(join(base, 'renderer-evil', 'secret.txt'), SECRET);
    serve = createAppProtocolHandler(renderer);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves index.html with the strict content security policy', async () => {
    for (const url of [APP_ENTRY_URL, 'app://switchboard/', 'app://switchboard']) {
      const response = await get(url);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
      );
      expect(await response.text()).toContain('<title>Switchboard</title>');
    }
  });

  it('serves built assets with the types module scripts and stylesheets need', async () => {
    const script = await get('app://switchboard/assets/index-abc.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect(script.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await script.text()).toBe('console.log("app")');
    expect((await get('app://switchboard/assets/index-abc.css')).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  const outside = [
    'app://switchboard/../secret.txt',
    'app://switchboard/%2e%2e/secret.txt',
    'app://switchboard/..%2fsecret.txt',
    'app://switchboard/assets/..%2f..%2fsecret.txt',
    'app://switchboard/%2E%2E%2Fsecret.txt',
    'app://switchboard/..%5csecret.txt',
    'app://switchboard/..%2f..%2frenderer-evil%2fsecret.txt',
    'app://switchboard/%2F..%2Fsecret.txt',
    `app://switchboard/${encodeURIComponent(join(tmpdir(), 'x'))}`,
  ];
  for (const url of outside) {
    it(`refuses ${url} with a 404 and never reads outside the renderer`, async () => {
      const response = await get(url);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain(SECRET);
    });
  }

  it('answers 404 for unknown files, folders, other hosts, NUL bytes and broken escapes', async () => {
    for (const url of [
      'app://switchboard/missing.js',
      'app://switchboard/assets',
      'app://switchboard/assets/',
      'app://elsewhere/index.html',
      'app://switchboard/index.html%00.js',
      'app://switchboard/%E0%A4%A',
      'file:///etc/passwd',
    ]) {
      const response = await get(url);
      expect(response.status, url).toBe(404);
      expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    }
  });

  it('only reads: other methods are refused, HEAD has no body', async () => {
    expect((await serve({ url: APP_ENTRY_URL, method: 'POST' })).status).toBe(405);
    const head = await serve({ url: APP_ENTRY_URL, method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(await head.text()).toBe('');
  });
});

describe('the development CSP', () => {
  it('keeps the strict policy and allows only the dev server’s socket and Vite’s injected styles', () => {
    expect(devContentSecurityPolicy('http://localhost:5173')).toBe(
      "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self' ws://localhost:5173; object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });

  it('replaces whatever CSP the dev server sent, on the dev server’s responses only', () => {
    let filter: { urls: string[] } | undefined;
    let listener: Parameters<Parameters<typeof applyDevContentSecurityPolicy>[0]['onHeadersReceived']>[1] | undefined;
    applyDevContentSecurityPolicy({ onHeadersReceived: (f, l) => ((filter = f), (listener = l)) }, 'http://localhost:5173/');
    expect(filter).toEqual({ urls: ['http://localhost:5173/*'] });
    let answer: { responseHeaders?: Record<string, string[]> } | undefined;
    listener!(
      { url: 'http://localhost:5173/', responseHeaders: { 'content-type': ['text/html'], 'content-security-policy': ["script-src *"] } },
      (response) => (answer = response),
    );
    expect(answer).toEqual({
      responseHeaders: { 'content-type': ['text/html'], 'Content-Security-Policy': [devContentSecurityPolicy('http://localhost:5173')] },
    });
  });
});
