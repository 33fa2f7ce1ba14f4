import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CatalogV1, CatalogV2 } from '../../app/catalog.ts';
import { newSigningKey, publicKeyBase64, signDetached } from './signing.ts';
import { catalogV1, marketplaceFixture, publish, type MarketplaceFixture } from './testing/fixture.ts';
import { TestHttpsServer } from './testing/https-server.ts';

let server: TestHttpsServer;
let m: MarketplaceFixture;
let now: Date;

beforeAll(async () => {
  server = await TestHttpsServer.start();
});
afterAll(() => server.close());
beforeEach(() => {
  now = new Date('2026-11-21T12:00:00Z');
  m = marketplaceFixture({ ca: server.certificates.ca, now: () => now });
});
afterEach(() => m.close());

const unique = () => `/s${Math.random().toString(36).slice(2)}`;

describe('catalog sources', () => {
  it('shows the same id from two sources side by side, each with its source', async () => {
    const a = unique();
    const b = unique();
    server.put(`${a}/catalog.json`, catalogV1([publish(server, { id: 'shared', version: '1.0.0' })]));
    server.put(`${b}/catalog.json`, catalogV1([publish(server, { id: 'shared', version: '2.0.0' })]));
    const first = m.service.addSource({ name: 'First', url: server.url(`${a}/catalog.json`) });
    const second = m.service.addSource({ name: 'Second', url: server.url(`${b}/catalog.json`) });
    const view = await m.service.fetchCatalog();
    expect(view.entries.filter((e) => e.id === 'shared').map((e) => [e.sourceName, e.version])).toEqual([
      ['First', '1.0.0'],
      ['Second', '2.0.0'],
    ]);
    await m.service.install('shared', second.id);
    expect((await m.service.listInstalled())[0]).toMatchObject({ id: 'shared', sourceId: second.id, sourceName: 'Second', version: '2.0.0' });
    expect(first.id).not.toBe(second.id);
  });

  it('skips one bad entry with a reason and shows the rest', async () => {
    const path = `${unique()}/catalog.json`;
    const good = publish(server, { id: 'good', version: '1.0.0' });
    const badChecksum = { ...publish(server, { id: 'bad-sum', version: '1.0.0' }), checksum: 'xyz' };
    const badVersion = { ...publish(server, { id: 'bad-version', version: '1.0.0' }), version: 'one' };
    const missing = { ...publish(server, { id: 'no-author', version: '1.0.0' }), author: undefined };
    server.put(path, catalogV1([badChecksum, good, badVersion, missing]));
    const source = m.service.addSource({ name: 'Mixed', url: server.url(path) });
    const view = await m.service.fetchCatalog();
    expect(view.entries.map((e) => e.id)).toEqual(['good']);
    const status = view.sources.find((s) => s.id === source.id)!;
    expect(status.error).toBeNull();
    expect(status.skipped).toEqual([
      { id: 'bad-sum', reason: '"checksum" must be a SHA-256 of 64 hex digits' },
      { id: 'bad-version', reason: 'the version "one" is not a semantic version (like 1.2.3)' },
      { id: 'no-author', reason: '"author" is missing' },
    ]);
  });

  it('reads format 2: tier from tags, empty download_url listed but not installable, permissions limited', async () => {
    const path = `${unique()}/catalog.json`;
    const p = publish(server, { id: 'v2-plugin', version: '1.2.0', permissions: ['messages'] });
    const doc = {
      version: 2,
      updated_at: '2026-11-01T00:00:00Z',
      plugins: [
        {
          id: 'v2-plugin', name: 'V2 Plugin', version: '1.2.0', author: 'A', description: 'd', license: 'MIT',
          homepage: 'https://example.invalid/', repository: 'https://example.invalid/repo', download_url: p.downloadUrl,
          checksum_sha256: p.checksum, size_bytes: p.size, permissions: ['messages'], tags: ['paid', 'git'],
          min_agor_version: '0.1.0', downloads: 12, rating: 4.5, created_at: '2026-01-01', updated_at: '2026-02-01',
        },
        { id: 'soon', name: 'Soon', version: '0.1.0', author: 'A', download_url: '', checksum_sha256: '', size_bytes: 0, permissions: [] },
        { id: 'wants-hooks', name: 'H', version: '1.0.0', author: 'A', download_url: p.downloadUrl, checksum_sha256: p.checksum, size_bytes: p.size, permissions: ['hooks'] },
      ],
    };
    server.put(path, JSON.stringify(doc));
    const source = m.service.addSource({ name: 'Two', url: server.url(path) });
    const view = await m.service.fetchCatalog();
    expect(view.entries.find((e) => e.id === 'v2-plugin')).toMatchObject({ tier: 'paid', tags: ['git'], license: 'MIT', downloads: 12, rating: 4.5, unavailableReason: null, readme: null, changelog: null });
    expect(view.entries.find((e) => e.id === 'soon')).toMatchObject({ unavailableReason: 'Listed, not downloadable yet.' });
    expect(view.sources.find((s) => s.id === source.id)!.skipped).toEqual([
      { id: 'wants-hooks', reason: '"permissions.0" is not a permission this catalog format allows' },
    ]);
    await expect(m.service.install('soon', source.id)).rejects.toThrow(/Listed, not downloadable yet/);
  });

  it('carries a format-1 README and changelog to the window as text, hostile HTML included, and skips one past 64 KB', async () => {
    const path = `${unique()}/catalog.json`;
    const readme = '# Notes\n\n<script>alert(1)</script><img src=x onerror="alert(2)">\n\n[site](javascript:alert(3))';
    const changelog = '# Changelog\n\n## 1.0.0\n\n- First release.';
    server.put(
      path,
      catalogV1([
        { ...publish(server, { id: 'documented', version: '1.0.0' }), readme, changelog },
        publish(server, { id: 'bare', version: '1.0.0' }),
        { ...publish(server, { id: 'huge-readme', version: '1.0.0' }), readme: 'x'.repeat(64 * 1024 + 1) },
      ]),
    );
    const source = m.service.addSource({ name: 'Docs', url: server.url(path) });
    const view = await m.service.fetchCatalog();
    // Main passes the Markdown on unchanged; the detail view renders it with raw HTML dropped (renderer/src/screens/marketplace/readme.test.tsx).
    expect(view.entries.find((e) => e.id === 'documented')).toMatchObject({ readme, changelog });
    expect(view.entries.find((e) => e.id === 'bare')).toMatchObject({ readme: null, changelog: null });
    expect(view.sources.find((s) => s.id === source.id)!.skipped).toEqual([{ id: 'huge-readme', reason: '"readme" must NOT have more than 65536 characters' }]);
  });

  it('shows an entry that needs a newer app but refuses to install it, with the reason', async () => {
    const path = `${unique()}/catalog.json`;
    server.put(path, catalogV1([{ ...publish(server, { id: 'future', version: '1.0.0' }), minVersion: '3.0.0' }]));
    const source = m.service.addSource({ name: 'Future', url: server.url(path) });
    const view = await m.service.fetchCatalog();
    expect(view.entries[0]!.unavailableReason).toBe('Needs Switchboard 3.0.0 or newer; this is 1.0.0.');
    await expect(m.service.install('future', source.id)).rejects.toThrow(/Needs Switchboard 3\.0\.0 or newer/);
  });

  it('keeps malformed JSON out, shows its own error, and the other sources still work', async () => {
    const broken = `${unique()}/catalog.json`;
    const fine = `${unique()}/catalog.json`;
    server.put(broken, '{"version": 1, "plugins": [');
    server.put(fine, catalogV1([publish(server, { id: 'fine', version: '1.0.0' })]));
    const bad = m.service.addSource({ name: 'Broken', url: server.url(broken) });
    m.service.addSource({ name: 'Fine', url: server.url(fine) });
    const view = await m.service.fetchCatalog();
    expect(view.entries.map((e) => e.id)).toEqual(['fine']);
    expect(view.sources.find((s) => s.id === bad.id)!.error).toMatch(/^The catalog is not valid JSON/);
  });

  it('caches for an hour, revalidates with If-None-Match, and keeps the last good copy offline', async () => {
    const path = `${unique()}/catalog.json`;
    server.put(path, catalogV1([publish(server, { id: 'cached', version: '1.0.0' })]));
    const source = m.service.addSource({ name: 'Cached', url: server.url(path) });
    await m.service.fetchCatalog();
    await m.service.fetchCatalog();
    expect(server.requestsFor(path)).toHaveLength(1);

    now = new Date(now.getTime() + 61 * 60_000);
    const revalidated = await m.service.fetchCatalog();
    expect(server.requestsFor(path)).toHaveLength(2);
    expect(server.requestsFor(path)[1]!.ifNoneMatch).toMatch(/^".+"$/);
    expect(revalidated.entries.map((e) => e.id)).toEqual(['cached']);
    expect(revalidated.sources.find((s) => s.id === source.id)!.lastUpdated).toBe(now.toISOString());

    const confirmed = now.toISOString();
    server.handle(path, (req) => req.socket.destroy());
    now = new Date(now.getTime() + 61 * 60_000);
    const offline = await m.service.fetchCatalog();
    const status = offline.sources.find((s) => s.id === source.id)!;
    expect(offline.entries.map((e) => e.id)).toEqual(['cached']);
    expect(status).toMatchObject({ stale: true, lastUpdated: confirmed });
    expect(status.error).toMatch(/could not be fetched/);

    server.put(path, catalogV1([publish(server, { id: 'cached', version: '1.1.0' })]));
    const fresh = await m.service.fetchCatalog(true);
    expect(fresh.entries[0]!.version).toBe('1.1.0');
    expect(fresh.sources.find((s) => s.id === source.id)!.error).toBeNull();
  });

  it('sends the bearer token from the keyring to the catalog server, and never shows it', async () => {
    const path = `${unique()}/catalog.json`;
    server.handle(path, (req, res) => {
      if (req.headers.authorization !== 'Bearer sekrit-token') return void res.writeHead(401).end();
      res.writeHead(200).end(catalogV1([]));
    });
    const source = m.service.addSource({ name: 'Private', url: server.url(path), token: 'sekrit-token' });
    expect(source).toMatchObject({ hasToken: true });
    expect(JSON.stringify(source)).not.toContain('sekrit');
    const view = await m.service.fetchCatalog();
    expect(view.sources.find((s) => s.id === source.id)!.error).toBeNull();
    expect(m.secrets.get(`marketplace:source:${source.id}:token`)).toBe('sekrit-token');
    m.service.editSource(source.id, { token: null });
    const denied = await m.service.fetchCatalog(true);
    expect(denied.sources.find((s) => s.id === source.id)!.error).toMatch(/refused access \(HTTP 401\)/);
    m.service.removeSource(source.id);
    expect(m.service.sources.list()).toEqual([]);
    expect(m.audit.list({}).map((r) => r.eventType)).toEqual(expect.arrayContaining(['source_added', 'source_updated', 'source_removed']));
    expect(JSON.stringify(m.audit.list({}))).not.toContain('sekrit');
  });

  it('does not trust a server certificate from an unknown CA', async () => {
    m.close();
    m = marketplaceFixture({ now: () => now });
    const path = `${unique()}/catalog.json`;
    server.put(path, catalogV1([publish(server, { id: 'mitm', version: '1.0.0' })]));
    const source = m.service.addSource({ name: 'Untrusted', url: server.url(path) });
    const view = await m.service.fetchCatalog();
    expect(view.entries).toEqual([]);
    expect(view.sources.find((s) => s.id === source.id)!.error).toMatch(/could not be fetched from 127\.0\.0\.1:\d+: .*certificate/i);
  });

  it('refuses bad source input and records nothing', async () => {
    expect(() => m.service.addSource({ name: 'Plain', url: 'http://127.0.0.1/catalog.json' })).toThrow(/does not use https:\/\//);
    expect(() => m.service.addSource({ name: 'Key', url: server.url('/x.json'), publicKey: 'not-a-key' })).toThrow(/must be an ed25519 key/);
    expect(() => m.service.addSource({ name: ' ', url: server.url('/x.json') })).toThrow(/Give the source a name/);
    expect(m.service.sources.list()).toEqual([]);
    expect(m.audit.list({})).toEqual([]);
  });
});

describe('signed catalogs', () => {
  const key = newSigningKey();
  const publicKey = publicKeyBase64(key.publicKey);
  const sign = (path: string, body: string, signer = key.privateKey) => {
    server.put(path, body);
    server.put(`${path}.sig`, signDetached(Buffer.from(body), signer));
  };
  const doc = (version: number, expires: string, id = 'signed') => catalogV1([publish(server, { id, version: '1.0.0' })], { version, expires });

  it('accepts a correctly signed catalog and labels it verified; unsigned sources are not', async () => {
    const path = `${unique()}/catalog.json`;
    sign(path, doc(3, '2026-12-31T00:00:00Z'));
    const plainPath = `${unique()}/catalog.json`;
    server.put(plainPath, doc(1, '2026-12-31T00:00:00Z', 'unsigned'));
    const signed = m.service.addSource({ name: 'Signed', url: server.url(path), publicKey });
    const plain = m.service.addSource({ name: 'Plain', url: server.url(plainPath) });
    const view = await m.service.fetchCatalog();
    expect(view.sources.find((s) => s.id === signed.id)).toMatchObject({ verified: true, error: null });
    expect(view.sources.find((s) => s.id === plain.id)).toMatchObject({ verified: false, error: null });
    expect(view.entries.map((e) => [e.id, e.verified])).toEqual([
      ['signed', true],
      ['unsigned', false],
    ]);
  });

  it('refuses a wrongly signed catalog and keeps the last good copy', async () => {
    const path = `${unique()}/catalog.json`;
    sign(path, doc(3, '2026-12-31T00:00:00Z'));
    const source = m.service.addSource({ name: 'Signed', url: server.url(path), publicKey });
    await m.service.fetchCatalog();
    sign(path, doc(4, '2026-12-31T00:00:00Z', 'evil'), newSigningKey().privateKey);
    const view = await m.service.fetchCatalog(true);
    expect(view.sources.find((s) => s.id === source.id)!.error).toBe("The catalog signature does not match the source's public key; the catalog was refused.");
    expect(view.entries.map((e) => e.id)).toEqual(['signed']);
  });

  it('refuses a signature over different bytes (one changed space)', async () => {
    const path = `${unique()}/catalog.json`;
    const body = doc(3, '2026-12-31T00:00:00Z');
    server.put(path, `${body} `);
    server.put(`${path}.sig`, signDetached(Buffer.from(body), key.privateKey));
    const source = m.service.addSource({ name: 'Signed', url: server.url(path), publicKey });
    const view = await m.service.fetchCatalog();
    expect(view.sources.find((s) => s.id === source.id)!.error).toMatch(/signature does not match/);
    expect(view.entries).toEqual([]);
  });

  it('refuses an expired catalog with a clear message, keeping the cached copy', async () => {
    const path = `${unique()}/catalog.json`;
    sign(path, doc(3, '2026-12-31T00:00:00Z'));
    const source = m.service.addSource({ name: 'Signed', url: server.url(path), publicKey });
    await m.service.fetchCatalog();
    sign(path, doc(4, '2026-11-01T00:00:00Z', 'stale'));
    const view = await m.service.fetchCatalog(true);
    expect(view.sources.find((s) => s.id === source.id)!.error).toBe(
      'The signed catalog expired on 2026-11-01T00:00:00Z; it was refused and the last good copy is kept.',
    );
    expect(view.entries.map((e) => e.id)).toEqual(['signed']);
  });

  it('stops trusting a saved signed copy once it expires, whether the server answers 304 or not at all', async () => {
    const path = `${unique()}/catalog.json`;
    sign(path, doc(3, '2026-12-01T00:00:00Z'));
    const source = m.service.addSource({ name: 'Frozen', url: server.url(path), publicKey });
    const first = await m.service.fetchCatalog();
    const confirmed = first.sources.find((s) => s.id === source.id)!.lastUpdated;
    const expired =
      'This catalog expired on 2026-12-01T00:00:00Z and the source has not published a newer one; its plugins cannot be installed or updated until it does.';

    now = new Date('2026-12-02T00:00:00Z');
    const notModified = await m.service.fetchCatalog(true);
    expect(server.requestsFor(path).at(-1)!.ifNoneMatch).toMatch(/^".+"$/);
    const status = notModified.sources.find((s) => s.id === source.id)!;
    expect(status).toMatchObject({ error: expired, lastUpdated: confirmed });
    expect(notModified.entries.map((e) => [e.id, e.unavailableReason])).toEqual([['signed', expired]]);
    await expect(m.service.install('signed', source.id, [])).rejects.toThrow(expired);
    expect(m.registry.list()).toEqual([]);

    server.handle(path, (req) => req.socket.destroy());
    const unreachable = await m.service.fetchCatalog(true);
    expect(unreachable.sources.find((s) => s.id === source.id)).toMatchObject({ error: expired, lastUpdated: confirmed });
    await expect(m.service.install('signed', source.id, [])).rejects.toThrow(expired);

    m = m.restart();
    const afterRestart = await m.service.fetchCatalog();
    expect(afterRestart.sources.find((s) => s.id === source.id)!.error).toBe(expired);
    await expect(m.service.install('signed', source.id, [])).rejects.toThrow(expired);
  });

  it('refuses to update from a signed catalog that has expired, and keeps the installed version', async () => {
    const path = `${unique()}/catalog.json`;
    sign(path, catalogV1([publish(server, { id: 'kept', version: '1.0.0' })], { version: 1, expires: '2026-12-01T00:00:00Z' }));
    const source = m.service.addSource({ name: 'Frozen', url: server.url(path), publicKey });
    await m.service.fetchCatalog();
    await m.service.install('kept', source.id);
    sign(path, catalogV1([publish(server, { id: 'kept', version: '1.1.0' })], { version: 2, expires: '2026-12-01T00:00:00Z' }));
    await m.service.fetchCatalog(true);

    expect((await m.service.listInstalled()).find((p) => p.id === 'kept')).toMatchObject({ hasUpdate: true, latestVersion: '1.1.0' });

    now = new Date('2026-12-02T00:00:00Z');
    // No badge and no "Update all" for a version that cannot be installed; asking anyway says why.
    expect(await m.service.checkUpdates()).toEqual([]);
    expect((await m.service.listInstalled()).find((p) => p.id === 'kept')).toMatchObject({ hasUpdate: false, latestVersion: null });
    await expect(m.service.update('kept')).rejects.toThrow(/Version 1\.1\.0 of "kept" cannot be installed: This catalog expired on 2026-12-01T00:00:00Z/);
    expect(m.registry.get('kept')!.version).toBe('1.0.0');
  });

  it('refuses a rolled-back catalog version', async () => {
    const path = `${unique()}/catalog.json`;
    sign(path, doc(5, '2026-12-31T00:00:00Z'));
    const source = m.service.addSource({ name: 'Signed', url: server.url(path), publicKey });
    await m.service.fetchCatalog();
    sign(path, doc(4, '2026-12-31T00:00:00Z', 'older'));
    const view = await m.service.fetchCatalog(true);
    expect(view.sources.find((s) => s.id === source.id)!.error).toBe(
      'The catalog went back from version 5 to 4 (a rollback); it was refused and the last good copy is kept.',
    );
    expect(view.entries.map((e) => e.id)).toEqual(['signed']);
  });

  it('refuses a signed source whose signature file is missing', async () => {
    const path = `${unique()}/catalog.json`;
    server.put(path, doc(1, '2026-12-31T00:00:00Z'));
    const source = m.service.addSource({ name: 'Signed', url: server.url(path), publicKey });
    const view = await m.service.fetchCatalog();
    expect(view.sources.find((s) => s.id === source.id)!.error).toMatch(/requires a signed catalog, but its signature \(catalog\.json\.sig\) could not be fetched \(HTTP 404\)/);
  });
});

describe('published schemas', () => {
  it('are exactly the schemas main validates with', () => {
    const root = join(import.meta.dirname, '..', '..', 'schemas');
    expect(JSON.parse(readFileSync(join(root, 'catalog-v1.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(CatalogV1)));
    expect(JSON.parse(readFileSync(join(root, 'catalog-v2.schema.json'), 'utf8'))).toEqual(JSON.parse(JSON.stringify(CatalogV2)));
  });
});
