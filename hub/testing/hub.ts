import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { startHub, type HubConfig, type RunningHub } from '../hub.ts';
import { freshDatabase } from './postgres.ts';

export interface TestHub {
  hub: RunningHub;
  url: string;
  dataDir: string;
  /** Every log line the Hub wrote. */
  lines: string[];
  adminToken: string;
  /** A JSON request with a bearer token; returns the status and the parsed body. */
  api<T = unknown>(token: string | null, method: string, path: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }>;
  /** Creates a user in the given groups and returns their id and a fresh token. */
  person(name: string, groups?: string[]): Promise<{ id: string; token: string }>;
  close(): Promise<void>;
}

/** A Hub on 127.0.0.1 over a fresh data folder, with its log captured. `databaseUrl` selects PostgreSQL. */
export async function startTestHub(config: Partial<HubConfig> = {}): Promise<TestHub> {
  const dataDir = config.dataDir ?? mkdtempSync(join(tmpdir(), 'hub-test-'));
  const lines: string[] = [];
  // HUB_TEST_POSTGRES (a server URL) runs the same suite on PostgreSQL: each Hub gets a database of its own.
  const database = !config.databaseUrl && process.env.HUB_TEST_POSTGRES ? await freshDatabase(process.env.HUB_TEST_POSTGRES) : null;
  const hub = await startHub({ syncAt: null, ...(database ? { databaseUrl: database.url } : {}), ...config, dataDir, write: (line) => lines.push(line) });
  if (!hub.firstAdmin) throw new Error('the test Hub was not a first start');
  const api: TestHub['api'] = async (token, method, path, body) => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await testRequest(`${hub.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), ca: config.tls ? testCertificates().ca : undefined });
    const text = res.body.toString('utf8');
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the test gets the text.
    }
    return { status: res.status, body: parsed as never, headers: res.headers };
  };
  const adminToken = hub.firstAdmin.token;
  const test: TestHub = {
    hub,
    url: hub.url,
    dataDir,
    lines,
    adminToken,
    api,
    person: async (name, groups = []) => {
      const user = await api<{ id: string }>(adminToken, 'POST', '/api/admin/users', { name, groups });
      if (user.status !== 201) throw new Error(`creating ${name}: ${JSON.stringify(user.body)}`);
      const tok = await api<{ token: string }>(adminToken, 'POST', `/api/admin/users/${user.body.id}/tokens`, { name: 'test' });
      return { id: user.body.id, token: tok.body.token };
    },
    close: async () => {
      // A test may have restarted the Hub on the same folder: close the one running now.
      await test.hub.close();
      await database?.drop();
      if (!config.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}

/** One request over http or https (trusting `ca`), read whole. */
export function testRequest(
  url: string,
  options: { method?: string; headers?: Record<string, string>; body?: string | Buffer; ca?: string },
): Promise<{ status: number; body: Buffer; headers: Headers }> {
  const request = url.startsWith('https:') ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.headers, ...(options.ca ? { ca: options.ca } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const headers = new Headers();
        for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });
}
