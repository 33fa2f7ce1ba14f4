import { request } from 'node:https';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { HUB_MIGRATIONS } from '../storage/migrations.ts';
import { startTestHub, type TestHub } from '../testing/hub.ts';

let hubs: TestHub[] = [];
afterEach(async () => {
  const closing = hubs;
  hubs = [];
  await Promise.all(closing.map((h) => h.close()));
});
const start = async (...args: Parameters<typeof startTestHub>) => {
  const h = await startTestHub(...args);
  hubs.push(h);
  return h;
};

describe('Hub people, tokens and storage', () => {
  it('creates the admin group and prints the first admin token only at the first start', async () => {
    const h = await start();
    const me = await h.api<{ name: string; groups: string[]; admin: boolean }>(h.adminToken, 'GET', '/api/me');
    expect(me.body).toMatchObject({ name: 'admin', groups: ['admin'], admin: true });
    await h.hub.close();
    const { startHub } = await import('../hub.ts');
    const again = await startHub({ dataDir: h.dataDir, databaseUrl: h.hub.databaseUrl, syncAt: null, write: () => undefined });
    expect(again.firstAdmin).toBeNull();
    const res = await fetch(`${again.url}/api/me`, { headers: { Authorization: `Bearer ${h.adminToken}` } });
    expect(res.status).toBe(200);
    h.hub = again;
  });

  it('records each migration once by id', async () => {
    const h = await start();
    const ids = (await h.hub.db.all<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id);
    expect(ids.sort()).toEqual(HUB_MIGRATIONS.map((m) => m.id).sort());
  });

  it.skipIf(process.env.HUB_TEST_POSTGRES)('keeps SQLite in WAL mode, in one file in the data folder', async () => {
    const h = await start();
    const db = new Database(join(h.dataDir, 'hub.db'), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('shows a token once, stores only its hash, records its last use and refuses it once revoked', async () => {
    const h = await start();
    const alice = await h.person('alice', []);
    expect(alice.token).toMatch(/^sbh_/);
    const stored = JSON.stringify(await h.hub.db.all('SELECT * FROM tokens'));
    expect(stored).not.toContain(alice.token);

    expect((await h.api(alice.token, 'GET', '/api/me')).status).toBe(200);
    const listed = await h.api<{ id: string; userId: string; lastUsedAt: string | null; token?: string }[]>(h.adminToken, 'GET', `/api/admin/tokens?user=${alice.id}`);
    expect(listed.body).toHaveLength(1);
    expect(listed.body[0]!.lastUsedAt).not.toBeNull();
    expect(listed.body[0]).not.toHaveProperty('token');

    expect((await h.api(h.adminToken, 'DELETE', `/api/admin/tokens/${listed.body[0]!.id}`)).status).toBe(204);
    const refused = await h.api<{ error: string }>(alice.token, 'GET', '/api/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toBe('The token was revoked.');
    const audit = await h.api<{ action: string }[]>(h.adminToken, 'GET', '/api/admin/audit');
    expect(audit.body.map((a) => a.action)).toEqual(expect.arrayContaining(['user_created', 'token_created', 'token_revoked']));
  });

  it('refuses a token after its expiry', async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const h = await start({ now: () => now });
    const bob = await h.api<{ id: string }>(h.adminToken, 'POST', '/api/admin/users', { name: 'bob' });
    const tok = await h.api<{ token: string }>(h.adminToken, 'POST', `/api/admin/users/${bob.body.id}/tokens`, { name: 'laptop', expiresAt: '2026-12-02T10:00:00Z' });
    expect((await h.api(tok.body.token, 'GET', '/api/me')).status).toBe(200);
    now = new Date('2026-12-02T10:00:01Z');
    const refused = await h.api<{ error: string }>(tok.body.token, 'GET', '/api/me');
    expect(refused.status).toBe(401);
    expect(refused.body.error).toMatch(/expired on 2026-12-02T10:00:00/);
  });

  it('refuses bad input with a specific message and changes nothing', async () => {
    const h = await start();
    const before = await h.api<unknown[]>(h.adminToken, 'GET', '/api/admin/users');
    const cases: [string, string, unknown, RegExp][] = [
      ['POST', '/api/admin/users', { name: 'Has Spaces' }, /user name must be/],
      ['POST', '/api/admin/users', { name: 'carol', groups: ['no-such-group'] }, /no group named "no-such-group"/],
      ['POST', '/api/admin/groups', { name: '' }, /group name must be/],
      ['POST', '/api/admin/groups', { name: 'admin' }, /already exists/],
    ];
    for (const [method, path, body, message] of cases) {
      const res = await h.api<{ error: string }>(h.adminToken, method, path, body);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(res.body.error).toMatch(message);
    }
    const admin = (await h.api<{ id: string; name: string }[]>(h.adminToken, 'GET', '/api/admin/users')).body[0]!;
    const past = await h.api<{ error: string }>(h.adminToken, 'POST', `/api/admin/users/${admin.id}/tokens`, { expiresAt: '2001-01-01T00:00:00Z' });
    expect(past.body.error).toBe('The expiry must be in the future.');
    const last = await h.api<{ error: string }>(h.adminToken, 'DELETE', `/api/admin/users/${admin.id}/groups/admin`);
    expect(last.body.error).toMatch(/last admin/);
    expect((await h.api(h.adminToken, 'GET', '/api/admin/users')).body).toEqual(before.body);
    expect((await h.api(h.adminToken, 'GET', '/api/admin/tokens')).body).toHaveLength(1);
  });

  it('keeps admin routes to the admin group and asks for a token where one is missing', async () => {
    const h = await start();
    const dave = await h.person('dave');
    expect((await h.api<{ error: string }>(dave.token, 'GET', '/api/admin/users')).body.error).toMatch(/admin group/);
    const anonymous = await fetch(`${h.url}/api/me`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Basic/);
  });

  it('limits requests per token and says when to come back', async () => {
    const h = await start({ rateLimit: { perMinute: 60, burst: 3 } });
    const erin = await h.person('erin');
    for (let i = 0; i < 3; i++) expect((await h.api(erin.token, 'GET', '/api/me')).status).toBe(200);
    const limited = await h.api<{ error: string }>(erin.token, 'GET', '/api/me');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(limited.body.error).toMatch(/Too many requests/);
    // Another token has its own bucket.
    expect((await h.api(h.adminToken, 'GET', '/api/me')).status).toBe(200);
  });

  it('speaks HTTPS with the given certificate and key', async () => {
    const certs = testCertificates();
    const h = await start({ tls: { cert: certs.cert, key: certs.key } });
    expect(h.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const status = await new Promise<number>((resolve, reject) => {
      request(`${h.url}/api/me`, { ca: certs.ca, headers: { Authorization: `Bearer ${h.adminToken}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      }).on('error', reject).end();
    });
    expect(status).toBe(200);
  });
});
