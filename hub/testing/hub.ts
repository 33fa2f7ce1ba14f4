import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startHub, type HubConfig, type RunningHub } from '../hub.ts';

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
  const hub = await startHub({ syncAt: null, ...config, dataDir, write: (line) => lines.push(line) });
  if (!hub.firstAdmin) throw new Error('the test Hub was not a first start');
  const api: TestHub['api'] = async (token, method, path, body) => {
    const headers: Record<string, string> = {};
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const res = await fetch(`${hub.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      // Not JSON: the test gets the text.
    }
    return { status: res.status, body: parsed as never, headers: res.headers };
  };
  const adminToken = hub.firstAdmin.token;
  return {
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
      await hub.close();
      if (!config.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
