import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { pluginArchive } from './testing/archives.ts';
import { catalogV1, marketplaceFixture, publish, treeDigest, type MarketplaceFixture, type PublishedPlugin } from './testing/fixture.ts';
import { TestHttpsServer } from './testing/https-server.ts';

let server: TestHttpsServer;
let m: MarketplaceFixture;
let path: string;
let sourceId: string;

beforeAll(async () => {
  server = await TestHttpsServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  m = marketplaceFixture({ ca: server.certificates.ca });
  path = `/l${Math.random().toString(36).slice(2)}/catalog.json`;
});
afterEach(() => m.close());

async function serve(plugins: PublishedPlugin[]): Promise<void> {
  server.put(path, catalogV1(plugins));
  if (!m.service.sources.list().length) sourceId = m.service.addSource({ name: 'Lifecycle', url: server.url(path) }).id;
  await m.service.fetchCatalog(true);
}

const installedVersion = (id: string) => JSON.parse(readFileSync(join(m.dataDir, 'plugins', id, 'plugin.json'), 'utf8')).version as string;
const backupVersion = (id: string) => JSON.parse(readFileSync(join(m.dataDir, 'plugin-backups', id, 'plugin.json'), 'utf8')).version as string;

describe('updates', () => {
  it('shows the update, updates in place keeping stored state, and keeps the old version for rollback', async () => {
    await serve([publish(server, { id: 'notes', version: '1.0.0', permissions: ['palette'] })]);
    await m.service.install('notes', sourceId, ['palette']);
    m.db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?)').run('plugin:notes:draft', '"hello"');

    await serve([{ ...publish(server, { id: 'notes', version: '1.1.0', permissions: ['palette'] }), changelogUrl: 'https://example.invalid/changes' } as PublishedPlugin]);
    expect(await m.service.checkUpdates()).toEqual([
      { id: 'notes', currentVersion: '1.0.0', latestVersion: '1.1.0', changelogUrl: 'https://example.invalid/changes', newPermissions: [] },
    ]);
    expect((await m.service.listInstalled())[0]).toMatchObject({ hasUpdate: true, latestVersion: '1.1.0' });

    m.control.calls.length = 0;
    const result = await m.service.update('notes');
    expect(result).toMatchObject({ status: 'updated', plugin: { version: '1.1.0', previousVersion: '1.0.0', hasUpdate: false } });
    expect(m.control.calls).toEqual(['stop notes (update)', 'start notes']);
    expect(installedVersion('notes')).toBe('1.1.0');
    expect(backupVersion('notes')).toBe('1.0.0');
    expect(m.db.prepare("SELECT value FROM plugin_kv WHERE key = 'plugin:notes:draft'").pluck().get()).toBe('"hello"');

    m.control.calls.length = 0;
    const rolled = await m.service.rollback('notes');
    expect(rolled).toMatchObject({ version: '1.0.0', previousVersion: '1.1.0', hasUpdate: true });
    expect(installedVersion('notes')).toBe('1.0.0');
    expect(backupVersion('notes')).toBe('1.1.0');
    expect(m.control.calls).toEqual(['stop notes (rollback)', 'start notes']);
    expect(m.audit.list({ eventType: 'plugin_rolled_back' })[0]!.detail).toEqual({ from: '1.1.0', to: '1.0.0' });
  });

  it('waits for approval when the new version asks for more; the old version keeps running', async () => {
    await serve([publish(server, { id: 'watcher', version: '1.0.0', permissions: ['palette'] })]);
    await m.service.install('watcher', sourceId, ['palette']);
    await serve([publish(server, { id: 'watcher', version: '2.0.0', permissions: ['palette', 'messages'] })]);
    m.control.calls.length = 0;
    const before = treeDigest(m.dataDir);

    const waiting = await m.service.update('watcher');
    expect(waiting).toMatchObject({ status: 'needs_approval', newPermissions: ['messages'], plugin: { version: '1.0.0', pendingUpdate: { version: '2.0.0', newPermissions: ['messages'] } } });
    expect(m.control.calls).toEqual([]);
    expect(treeDigest(m.dataDir)).toBe(before);
    expect(m.registry.get('watcher')!.grants).toEqual(['palette']);
    expect(await m.service.updateAll()).toEqual({ updated: [], waiting: ['watcher'], failed: [] });

    await expect(m.service.approveUpdate('watcher', ['palette'])).rejects.toThrow(/needs your consent to: read your agent sessions/);
    const approved = await m.service.approveUpdate('watcher', ['palette', 'messages']);
    expect(approved).toMatchObject({ status: 'updated', plugin: { version: '2.0.0', pendingUpdate: null } });
    expect(m.registry.get('watcher')!.grants).toEqual(['messages', 'palette']);
    expect(m.audit.list({ eventType: 'permission_granted' }).map((r) => r.detail)).toContainEqual({ permission: 'messages' });
  });

  it('updates everything that needs no new permission with Update all', async () => {
    await serve([publish(server, { id: 'one', version: '1.0.0' }), publish(server, { id: 'two', version: '1.0.0' })]);
    await m.service.install('one', sourceId);
    await m.service.install('two', sourceId);
    await serve([publish(server, { id: 'one', version: '1.0.1' }), publish(server, { id: 'two', version: '1.2.0' })]);
    expect(await m.service.updateAll()).toEqual({ updated: ['one', 'two'], waiting: [], failed: [] });
    expect((await m.service.listInstalled()).map((p) => `${p.id}@${p.version}`)).toEqual(['one@1.0.1', 'two@1.2.0']);
  });

  it('a failed update leaves the running version exactly as it was', async () => {
    await serve([publish(server, { id: 'steady', version: '1.0.0' })]);
    await m.service.install('steady', sourceId);
    const broken = publish(server, { id: 'steady', version: '1.1.0' });
    await serve([{ ...broken, checksum: '0'.repeat(64) }]);
    const before = treeDigest(m.dataDir);
    m.control.calls.length = 0;
    await expect(m.service.update('steady')).rejects.toThrow(/SHA-256/);
    expect(treeDigest(m.dataDir)).toBe(before);
    expect(m.registry.get('steady')!.version).toBe('1.0.0');
    expect(m.control.calls).toEqual([]);
  });

  it('has nothing to roll back to after a fresh install', async () => {
    await serve([publish(server, { id: 'fresh', version: '1.0.0' })]);
    await m.service.install('fresh', sourceId);
    await expect(m.service.rollback('fresh')).rejects.toThrow(/No earlier version of "fresh" is kept/);
  });
});

describe('smaller guarantees', () => {
  it('audits permission_revoked when an update drops a grant, and both changes when rolling back', async () => {
    await serve([publish(server, { id: 'slimmer', version: '1.0.0', permissions: ['palette', 'notifications'] })]);
    await m.service.install('slimmer', sourceId, ['palette', 'notifications']);
    const lastAuditId = () => Math.max(...m.audit.list({}).map((r) => r.id));
    const installed = lastAuditId();
    await serve([publish(server, { id: 'slimmer', version: '1.1.0', permissions: ['palette', 'messages'] })]);
    await m.service.update('slimmer', ['palette', 'messages']);
    const changes = (after: number) =>
      m.audit
        .list({})
        .filter((r) => r.id > after && (r.eventType === 'permission_granted' || r.eventType === 'permission_revoked'))
        .map((r) => `${r.eventType} ${(r.detail as { permission: string }).permission}`)
        .sort();
    expect(m.registry.get('slimmer')!.grants).toEqual(['messages', 'palette']);
    expect(changes(installed)).toEqual(['permission_granted messages', 'permission_revoked notifications']);
    const updated = lastAuditId();
    await m.service.rollback('slimmer');
    expect(changes(updated)).toEqual(['permission_granted notifications', 'permission_revoked messages']);
  });

  it('does not claim to cancel a rollback or an uninstall, which run to the end', async () => {
    await serve([publish(server, { id: 'steady', version: '1.0.0' })]);
    await m.service.install('steady', sourceId);
    await serve([publish(server, { id: 'steady', version: '1.1.0' })]);
    await m.service.update('steady');
    const rolling = m.service.rollback('steady');
    expect(m.service.cancel('steady')).toBe(false);
    expect(await rolling).toMatchObject({ version: '1.0.0' });
    const removing = m.service.uninstall('steady');
    expect(m.service.cancel('steady')).toBe(false);
    expect(await removing).toBe(true);
    expect(m.registry.get('steady')).toBeUndefined();
  });

  it('a refresh asked for while a plain load is under way still goes to the server', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const asked = new Promise<void>((resolve) =>
      server.handle(path, (_req, res) => {
        resolve();
        void released.then(() => res.writeHead(200).end(catalogV1([publish(server, { id: 'old', version: '1.0.0' })])));
      }),
    );
    sourceId = m.service.addSource({ name: 'Lifecycle', url: server.url(path) }).id;
    const plain = m.service.fetchCatalog();
    await asked;
    const refreshed = m.service.fetchCatalog(true);
    server.put(path, catalogV1([publish(server, { id: 'new', version: '1.0.0' })]));
    release();
    expect((await plain).entries.map((e) => e.id)).toEqual(['old']);
    expect((await refreshed).entries.map((e) => e.id)).toEqual(['new']);
    expect(server.requestsFor(path)).toHaveLength(2);
  });

  it('a failed uninstall says so, keeps the plugin and starts it again', async () => {
    await serve([publish(server, { id: 'sticky', version: '1.0.0' })]);
    await m.service.install('sticky', sourceId);
    const staging = join(m.dataDir, 'plugin-staging');
    rmSync(staging, { recursive: true });
    writeFileSync(staging, 'not a folder');
    m.control.calls.length = 0;
    await expect(m.service.uninstall('sticky')).rejects.toThrow(/^"sticky" could not be removed \(.+\); it is still installed\.$/);
    expect(m.control.calls).toEqual(['stop sticky (uninstall)', 'start sticky']);
    expect(m.registry.get('sticky')?.version).toBe('1.0.0');
    expect(installedVersion('sticky')).toBe('1.0.0');
    rmSync(staging);
    mkdirSync(staging);
  });

  it('logs a failing source by origin and path, never its query string', async () => {
    sourceId = m.service.addSource({ name: 'Keyed', url: server.url('/nowhere/catalog.json?key=very-secret-key') }).id;
    const view = await m.service.fetchCatalog();
    expect(view.sources.find((s) => s.id === sourceId)!.error).toMatch(/HTTP 404/);
    const log = readFileSync(join(m.dataDir, 'logs', 'main.log'), 'utf8');
    expect(log).toContain(`${server.origin}/nowhere/catalog.json`);
    expect(log).not.toContain('very-secret-key');
  });
});

describe('uninstall', () => {
  it('an uninstall that finishes while an update waits for the catalog is not undone by that update', async () => {
    let clock = new Date('2026-11-21T12:00:00Z');
    m.close();
    m = marketplaceFixture({ ca: server.certificates.ca, now: () => clock });
    await serve([publish(server, { id: 'racer', version: '1.0.0' })]);
    await m.service.install('racer', sourceId);
    const v2 = publish(server, { id: 'racer', version: '2.0.0' });
    await serve([v2]);
    const newer = catalogV1([v2]);

    // The cached catalog is now too old, so the update must ask the server, which answers only when told.
    clock = new Date(clock.getTime() + 2 * 60 * 60_000);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const asked = new Promise<void>((resolve) =>
      server.handle(path, (_req, res) => {
        resolve();
        void released.then(() => res.writeHead(200, { 'Content-Type': 'application/json' }).end(newer));
      }),
    );
    const updating = m.service.update('racer');
    await asked;
    expect(await m.service.uninstall('racer')).toBe(true);
    release();

    await expect(updating).rejects.toThrow('"racer" was uninstalled while its update was being prepared; nothing was installed.');
    expect(m.registry.get('racer')).toBeUndefined();
    expect(existsSync(join(m.dataDir, 'plugins', 'racer'))).toBe(false);
    expect(existsSync(join(m.dataDir, 'plugin-backups', 'racer'))).toBe(false);
    expect(server.requestsFor('/archives/racer-2.0.0.tgz')).toEqual([]);
  });

  it('stops the plugin, deletes its folders, purges its stored state and grants, and audits it', async () => {
    await serve([publish(server, { id: 'gone', version: '1.0.0', permissions: ['tasks'] })]);
    await m.service.install('gone', sourceId, ['tasks']);
    await serve([publish(server, { id: 'gone', version: '1.1.0', permissions: ['tasks'] })]);
    await m.service.update('gone');
    m.db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?), (?, ?)').run('plugin:gone:a', '1', 'plugin:gone-other:b', '2');
    m.control.calls.length = 0;

    await m.service.uninstall('gone');
    expect(m.control.calls).toEqual(['stop gone (uninstall)']);
    expect(existsSync(join(m.dataDir, 'plugins', 'gone'))).toBe(false);
    expect(existsSync(join(m.dataDir, 'plugin-backups', 'gone'))).toBe(false);
    expect(m.registry.get('gone')).toBeUndefined();
    expect(m.db.prepare("SELECT count(*) FROM plugin_grants WHERE plugin_id = 'gone'").pluck().get()).toBe(0);
    expect(m.db.prepare('SELECT key FROM plugin_kv').pluck().all()).toEqual(['plugin:gone-other:b']);
    expect(m.audit.list({ eventType: 'plugin_uninstalled' })[0]).toMatchObject({ subject: 'gone', detail: { version: '1.1.0' } });
    await expect(m.service.uninstall('gone')).rejects.toThrow(/"gone" is not installed/);
  });
});

describe('paid plugins', () => {
  it('needs a license key, kept in the keyring and sent as a bearer token', async () => {
    const served = pluginArchive({ id: 'pro-tool', version: '1.0.0' });
    const entry = publish(server, { id: 'pro-tool', version: '1.0.0', tier: 'paid', archive: served });
    const archivePath = new URL(entry.downloadUrl).pathname;
    server.handle(archivePath, (req, res) => {
      if (req.headers.authorization !== 'Bearer LIC-123') return void res.writeHead(403).end();
      res.writeHead(200, { 'Content-Length': String(served.length) }).end(served);
    });
    await serve([entry]);
    const before = treeDigest(m.dataDir);
    await expect(m.service.install('pro-tool', sourceId)).rejects.toThrow('"pro-tool" requires a license. Enter your license key in its details, then install it.');

    await m.service.setLicenseKey(sourceId, 'pro-tool', 'WRONG');
    await expect(m.service.install('pro-tool', sourceId)).rejects.toThrow(/did not accept the license key for "pro-tool"/);
    expect(treeDigest(m.dataDir)).toBe(before);

    await m.service.setLicenseKey(sourceId, 'pro-tool', 'LIC-123');
    expect((await m.service.fetchCatalog()).licensed).toEqual([`${sourceId}/pro-tool`]);
    await m.service.install('pro-tool', sourceId);
    expect(m.registry.get('pro-tool')!.version).toBe('1.0.0');
    expect(m.secrets.get(`marketplace:license:${sourceId}:pro-tool`)).toBe('LIC-123');
    m.service.removeSource(sourceId);
    expect(m.secrets.list().map((s) => s.name)).not.toContain(`marketplace:license:${sourceId}:pro-tool`);
    expect(m.secrets.get(`marketplace:license:${sourceId}:pro-tool`)).toBeNull();
  });
});

