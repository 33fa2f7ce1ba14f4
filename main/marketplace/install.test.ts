import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { AppError } from '../../app/contract/envelope.ts';
import { pluginArchive, pluginManifest, tarBytes, tarGz, type TestEntry } from './testing/archives.ts';
import { catalogV1, marketplaceFixture, publish, treeDigest, type MarketplaceFixture, type PublishedPlugin } from './testing/fixture.ts';
import { startPlainHttp, TestHttpsServer } from './testing/https-server.ts';

let server: TestHttpsServer;
let m: MarketplaceFixture;
let sourceId: string;

beforeAll(async () => {
  server = await TestHttpsServer.start();
});
afterAll(async () => {
  await server.close();
});
beforeEach(() => {
  m = marketplaceFixture({ ca: server.certificates.ca, limits: { maxEntries: 2000 } });
});
afterEach(() => m.close());

async function useCatalog(plugins: unknown[], path = `/c${Math.random().toString(36).slice(2)}/catalog.json`): Promise<void> {
  server.put(path, catalogV1(plugins), { 'Content-Type': 'application/json' });
  sourceId = m.service.addSource({ name: 'Test source', url: server.url(path) }).id;
  await m.service.fetchCatalog(true);
}

/** Installs and expects a refusal with `message`, the plugin folders untouched and nothing registered. */
async function expectRefused(entry: PublishedPlugin, message: RegExp, code = 'refused'): Promise<void> {
  const before = treeDigest(m.dataDir);
  const registryBefore = m.registry.list();
  const callsBefore = [...m.control.calls];
  const error = await m.service.install(entry.id, sourceId, entry.permissions as never).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).message).toMatch(message);
  expect((error as AppError).code).toBe(code);
  expect(treeDigest(m.dataDir)).toBe(before);
  expect(m.registry.list()).toEqual(registryBefore);
  expect(m.registry.get(entry.id)).toBeUndefined();
  expect(m.control.calls).toEqual(callsBefore);
}

describe('installing a plugin', () => {
  it('downloads, verifies, unpacks and registers it with exactly the consented permissions, then starts it', async () => {
    const entry = publish(server, { id: 'hello', version: '1.0.0', permissions: ['palette', 'notifications'] });
    await useCatalog([entry]);
    const installed = await m.service.install('hello', sourceId, ['palette', 'notifications']);
    expect(installed).toMatchObject({ id: 'hello', version: '1.0.0', isActive: true, hasUpdate: false, sourceId });
    expect(JSON.parse(readFileSync(join(m.dataDir, 'plugins', 'hello', 'plugin.json'), 'utf8')).version).toBe('1.0.0');
    expect(m.registry.get('hello')?.grants).toEqual(['notifications', 'palette']);
    expect(m.control.calls).toEqual(['start hello']);
    const audit = m.audit.list({}).map((r) => `${r.eventType} ${r.subject} ${JSON.stringify(r.detail)}`);
    expect(audit).toContain('permission_granted hello {"permission":"palette"}');
    expect(audit).toContain('permission_granted hello {"permission":"notifications"}');
    expect(audit.some((a) => a.startsWith('plugin_installed hello'))).toBe(true);
    const phases = m.emitted.filter((e) => e.name === 'marketplace.progress').map((e) => (e.payload as { phase: string }).phase);
    expect(phases[0]).toBe('downloading');
    expect(phases.at(-1)).toBe('done');
    expect(phases).toContain('extracting');
    expect(readdir(join(m.dataDir, 'plugin-staging'))).toEqual([]);
  });

  it('refuses without consent to every requested permission', async () => {
    const entry = publish(server, { id: 'greedy', version: '1.0.0', permissions: ['messages', 'tasks'] });
    await useCatalog([entry]);
    const before = treeDigest(m.dataDir);
    await expect(m.service.install('greedy', sourceId, ['messages'])).rejects.toThrow(/needs your consent to: manage tasks/);
    expect(treeDigest(m.dataDir)).toBe(before);
  });

  it('refuses a checksum mismatch', async () => {
    const entry = publish(server, { id: 'tampered', version: '1.0.0' });
    const swapped = pluginArchive({ id: 'tampered', version: '1.0.0', name: 'evil twin' });
    server.put(new URL(entry.downloadUrl).pathname, swapped);
    // Same declared size as what is served, so only the hash can tell.
    await useCatalog([{ ...entry, size: swapped.length }]);
    await expectRefused(entry, /does not match the catalog's SHA-256 checksum/);
  });

  it('refuses an http:// download address', async () => {
    const entry = publish(server, { id: 'plain', version: '1.0.0' });
    await useCatalog([{ ...entry, downloadUrl: entry.downloadUrl.replace('https:', 'http:') }]);
    await expectRefused(entry, /cannot be installed: Its download address uses http:\/\/ instead of https:\/\//, 'conflict');
  });

  for (const address of ['file:///etc/passwd', 'data:application/gzip;base64,H4sI', 'ftp://127.0.0.1/x.tgz']) {
    it(`refuses a ${address.split(':')[0]}: download address`, async () => {
      const entry = publish(server, { id: `scheme-${address.split(':')[0]}`, version: '1.0.0' });
      await useCatalog([{ ...entry, downloadUrl: address }]);
      await expectRefused(entry, /instead of https:\/\/, so it cannot be installed safely/, 'conflict');
    });
  }

  it('refuses a redirect to http://', async () => {
    const plain = await startPlainHttp((_req, res) => res.end('never reached'));
    try {
      const entry = publish(server, { id: 'redirected', version: '1.0.0' });
      server.handle(new URL(entry.downloadUrl).pathname, (_req, res) => res.writeHead(302, { Location: `${plain.origin}/x.tgz` }).end());
      await useCatalog([entry]);
      await expectRefused(entry, /redirected to an address that does not use https:\/\//);
    } finally {
      await plain.close();
    }
  });

  it('follows up to five https redirects but refuses a sixth', async () => {
    const entry = publish(server, { id: 'hops', version: '1.0.0' });
    const real = new URL(entry.downloadUrl).pathname;
    const chain = (n: number, prefix: string) => {
      for (let i = 0; i < n; i++) {
        const next = i === n - 1 ? real : `/${prefix}${i + 1}`;
        server.handle(`/${prefix}${i}`, (_req, res) => res.writeHead(301, { Location: next }).end());
      }
    };
    chain(5, 'five');
    chain(6, 'six');
    await useCatalog([{ ...entry, downloadUrl: server.url('/six0') }]);
    await expectRefused(entry, /redirected more than 5 times/);
    m.close();
    m = marketplaceFixture({ ca: server.certificates.ca });
    await useCatalog([{ ...entry, downloadUrl: server.url('/five0') }]);
    await expect(m.service.install('hops', sourceId)).resolves.toMatchObject({ version: '1.0.0' });
  });

  it('refuses a body longer than declared', async () => {
    const entry = publish(server, { id: 'long', version: '1.0.0' });
    await useCatalog([{ ...entry, size: entry.size - 10 }]);
    await expectRefused(entry, /larger than the \d+ bytes the catalog declared/);
  });

  it('refuses a body longer than declared even without Content-Length', async () => {
    const archive = pluginArchive({ id: 'chunked', version: '1.0.0' });
    const entry = publish(server, { id: 'chunked', version: '1.0.0', archive });
    server.handle(new URL(entry.downloadUrl).pathname, (_req, res) => {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      res.write(archive);
      res.end(Buffer.alloc(4096));
    });
    await useCatalog([entry]);
    await expectRefused(entry, /larger than the \d+ bytes the catalog declared/);
  });

  it('refuses an archive declared larger than 64 MB before downloading it', async () => {
    const entry = publish(server, { id: 'huge', version: '1.0.0' });
    await useCatalog([{ ...entry, size: 65 * 1024 * 1024 }]);
    const requestsBefore = server.requestsFor(new URL(entry.downloadUrl).pathname).length;
    await expectRefused(entry, /The archive is 65 MB; plugins can be at most 64 MB/);
    expect(server.requestsFor(new URL(entry.downloadUrl).pathname)).toHaveLength(requestsBefore);
  });

  it('refuses a truncated body', async () => {
    const archive = pluginArchive({ id: 'short', version: '1.0.0' });
    const entry = publish(server, { id: 'short', version: '1.0.0', archive });
    server.handle(new URL(entry.downloadUrl).pathname, (_req, res) => {
      res.writeHead(200, { 'Transfer-Encoding': 'chunked' });
      res.end(archive.subarray(0, archive.length - 100));
    });
    await useCatalog([entry]);
    await expectRefused(entry, /ended early: \d+ of \d+ bytes/, 'network');
  });

  it('gives up on a server that stops sending', async () => {
    m.close();
    // Only the download's idle limit is short; the catalog request keeps its own generous one.
    m = marketplaceFixture({ ca: server.certificates.ca, downloadIdleTimeoutMs: 300 });
    const archive = pluginArchive({ id: 'stall', version: '1.0.0' });
    const entry = publish(server, { id: 'stall', version: '1.0.0', archive });
    server.handle(new URL(entry.downloadUrl).pathname, (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(archive.length) });
      res.write(archive.subarray(0, 100));
    });
    await useCatalog([entry]);
    await expectRefused(entry, /timed out: nothing arrived for 300 ms/, 'network');
  });

  it('gives up on a server that keeps sending a byte at a time, at the overall deadline', async () => {
    m.close();
    const asked: number[] = [];
    m = marketplaceFixture({
      ca: server.certificates.ca,
      downloadIdleTimeoutMs: 10_000,
      downloadDeadlineMs: (size) => {
        asked.push(size);
        return 600;
      },
    });
    const archive = pluginArchive({ id: 'drip', version: '1.0.0' });
    const entry = publish(server, { id: 'drip', version: '1.0.0', archive });
    server.handle(new URL(entry.downloadUrl).pathname, (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(archive.length) });
      let sent = 0;
      // Never idle for long, never done: one byte every 20 ms, at most until the archive ends.
      const drip = setInterval(() => {
        if (sent >= archive.length - 1 || res.destroyed) return void clearInterval(drip);
        res.write(archive.subarray(sent, ++sent));
      }, 20);
      res.on('close', () => clearInterval(drip));
    });
    await useCatalog([entry]);
    await expectRefused(entry, /took longer than 600 ms in all and was stopped/, 'network');
    expect(asked).toEqual([archive.length]);
  });

  it('cancels a download in progress', async () => {
    const archive = pluginArchive({ id: 'slow', version: '1.0.0' });
    const entry = publish(server, { id: 'slow', version: '1.0.0', archive });
    server.handle(new URL(entry.downloadUrl).pathname, (_req, res) => {
      res.writeHead(200, { 'Content-Length': String(archive.length) });
      res.write(archive.subarray(0, 100));
    });
    await useCatalog([entry]);
    const before = treeDigest(m.dataDir);
    const receiving = new Promise<void>((resolve) => {
      const stop = m.events.subscribe((name, payload) => {
        if (name === 'marketplace.progress' && (payload as { received: number }).received > 0) {
          stop();
          resolve();
        }
      });
    });
    const install = m.service.install('slow', sourceId);
    await receiving;
    expect(m.service.cancel('slow')).toBe(true);
    await expect(install).rejects.toMatchObject({ code: 'cancelled' });
    expect(treeDigest(m.dataDir)).toBe(before);
    expect(m.emitted.filter((e) => e.name === 'marketplace.progress').at(-1)?.payload).toMatchObject({ phase: 'cancelled' });
  });
});

describe('hostile archives', () => {
  const manifestEntry = (id: string): TestEntry => ({ path: 'plugin.json', body: JSON.stringify(pluginManifest({ id, version: '1.0.0' })) });
  const mainEntry: TestEntry = { path: 'main.js', body: 'export default {};' };
  /** A plugin already installed, so the digest covers a real plugin folder, its registry row and its state. */
  const withResident = async (entry: PublishedPlugin) => {
    const resident = publish(server, { id: 'resident', version: '1.0.0' });
    await useCatalog([resident, entry]);
    await m.service.install('resident', sourceId);
    m.db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?)').run('plugin:resident:state', '"kept"');
  };
  const hostile = async (id: string, entries: TestEntry[], message: RegExp) => {
    const entry = publish(server, { id, version: '1.0.0', archive: tarGz([manifestEntry(id), mainEntry, ...entries]) });
    await withResident(entry);
    await expectRefused(entry, message);
    expect(existsSync(join(m.dataDir, 'plugins', 'resident', 'plugin.json'))).toBe(true);
    expect(m.db.prepare("SELECT value FROM plugin_kv WHERE key = 'plugin:resident:state'").pluck().get()).toBe('"kept"');
  };
  const escapeTarget = () => join(tmpdir(), `switchboard-escaped-${randomBytes(6).toString('hex')}.txt`);

  it('refuses ../ paths, and nothing lands where they point', async () => {
    const target = escapeTarget();
    const climb = `${'../'.repeat(30)}${target.replace(/^\//, '')}`;
    await hostile('dotdot', [{ path: climb, body: 'x' }], /climbs out of the plugin folder/);
    expect(existsSync(target)).toBe(false);
  });
  it('refuses ../ paths that stay inside the data folder', () => hostile('dotdot-near', [{ path: '../../../plugins/resident/main.js', body: 'x' }], /climbs out of the plugin folder/));
  it('refuses absolute paths, and nothing lands there', async () => {
    const target = escapeTarget();
    await hostile('absolute', [{ path: target, body: 'x' }], /is an absolute path/);
    expect(existsSync(target)).toBe(false);
  });
  it('refuses drive prefixes', () => hostile('drive', [{ path: 'C:/Windows/evil.dll', body: 'x' }], /drive prefix/));
  it('refuses a symlink pointing outside', () =>
    hostile('symlink', [{ path: 'link', type: 'SymbolicLink', linkpath: '/etc/passwd' }], /"link" is a symbolic link; only files and folders/));
  it('refuses a hardlink', () => hostile('hardlink', [{ path: 'hard', type: 'Link', linkpath: 'main.js' }], /is a hard link/));
  it('refuses a device', () => hostile('device', [{ path: 'dev', type: 'CharacterDevice' }], /is a character device/));
  it('refuses a FIFO', () => hostile('fifo', [{ path: 'pipe', type: 'FIFO' }], /FIFO/));
  it('refuses an entry that appears twice instead of overwriting', () => hostile('twice', [{ path: 'main.js', body: 'replaced' }], /"main.js" appears twice/));
  it('refuses 10,000 tiny files', () =>
    hostile('many', Array.from({ length: 10_000 }, (_, i) => ({ path: `f/${i}.txt`, body: 'x' })), /more than 2000 entries/));
  it('refuses deep nesting', () => hostile('deep', [{ path: `${'d/'.repeat(40)}x.txt`, body: 'x' }], /nested deeper than 24 folders/));

  describe('with small size limits', () => {
    beforeEach(() => {
      m.close();
      m = marketplaceFixture({ ca: server.certificates.ca, limits: { maxFileBytes: 64 * 1024, maxTotalBytes: 128 * 1024 } });
    });
    // Random bytes do not compress, so only the size limits (not the bomb ratio) can refuse these.
    it('refuses one file larger than the per-file limit', () =>
      hostile('big-file', [{ path: 'big.bin', body: randomBytes(64 * 1024 + 1) }], /"big\.bin" unpacks to 65537 bytes, more than the 65536-byte limit per file/));
    it('refuses files that are each allowed but together exceed the total limit', () =>
      hostile(
        'big-total',
        [0, 1, 2].map((i) => ({ path: `part-${i}.bin`, body: randomBytes(60 * 1024) })),
        /it unpacks to more than 131072 bytes/,
      ));
  });

  it('refuses a gzip bomb', async () => {
    const bomb = gzipSync(tarBytes([manifestEntry('bomb'), mainEntry, { path: 'zeros.bin', body: Buffer.alloc(48 * 1024 * 1024) }]), { level: 9 });
    const entry = publish(server, { id: 'bomb', version: '1.0.0', archive: bomb });
    await withResident(entry);
    await expectRefused(entry, /times its compressed size \(a compression bomb\)/);
    expect(existsSync(join(m.dataDir, 'plugin-staging'))).toBe(true);
    expect(readdir(join(m.dataDir, 'plugin-staging'))).toEqual([]);
  });

  it('refuses something that is not a tar.gz', async () => {
    const entry = publish(server, { id: 'garbage', version: '1.0.0', archive: Buffer.from('this is not an archive at all, just text') });
    await withResident(entry);
    await expectRefused(entry, /not a readable \.tar\.gz archive|contains no files/);
  });
});

describe('manifest checks', () => {
  it('refuses a manifest whose id differs from the catalog', async () => {
    const entry = publish(server, { id: 'listed', version: '1.0.0', manifest: pluginManifest({ id: 'other', version: '1.0.0' }) });
    await useCatalog([entry]);
    await expectRefused(entry, /says its id is "other", but the catalog lists "listed"/);
  });

  it('refuses a manifest whose version differs from the catalog', async () => {
    const entry = publish(server, { id: 'versioned', version: '1.0.0', manifest: pluginManifest({ id: 'versioned', version: '9.9.9' }) });
    await useCatalog([entry]);
    await expectRefused(entry, /says version 9\.9\.9, but the catalog lists 1\.0\.0/);
  });

  it('refuses a manifest asking for a permission the catalog did not declare', async () => {
    const entry = publish(server, {
      id: 'sneaky',
      version: '1.0.0',
      permissions: ['palette'],
      manifest: pluginManifest({ id: 'sneaky', version: '1.0.0', permissions: ['palette', 'messages'] }),
    });
    await useCatalog([entry]);
    await expectRefused(entry, /asks for the "messages" permission, which the catalog did not declare/);
  });

  it('installs a plugin reaching the hosts the catalog declared, and refuses one reaching another', async () => {
    const manifest = (id: string, hosts: string[]) => ({ ...pluginManifest({ id, version: '1.0.0', permissions: ['network'] }), network: { hosts } });
    const declared = { network: { hosts: ['hooks.slack.com'] } };
    const honest = publish(server, { id: 'slacker', version: '1.0.0', permissions: ['network'], manifest: manifest('slacker', ['hooks.slack.com']), declared });
    const sneaky = publish(server, { id: 'hooker', version: '1.0.0', permissions: ['network'], manifest: manifest('hooker', ['hooks.slack.com', 'collector.evil.example']), declared });
    await useCatalog([honest, sneaky]);
    const listed = (await m.service.fetchCatalog(false)).entries.find((e) => e.id === 'hooker');
    expect(listed?.networkHosts).toEqual(['hooks.slack.com']);
    await expectRefused(sneaky, /reaches collector\.evil\.example, a host the catalog did not declare \(and you were not asked about\)/);
    await m.service.install('slacker', sourceId, ['network']);
    expect(m.registry.get('slacker')?.grants).toEqual(['network']);
  });

  it('refuses a manifest without an entry file', async () => {
    const manifest = { ...pluginManifest({ id: 'nomain', version: '1.0.0' }), main: 'missing.js' };
    const entry = publish(server, { id: 'nomain', version: '1.0.0', manifest });
    await useCatalog([entry]);
    await expectRefused(entry, /entry file "missing.js" is not in the archive/);
  });

  // Each of these passed the old, looser check and would then have been refused by the plugin runtime.
  const runtimeRule = async (id: string, manifest: Record<string, unknown>, message: RegExp) => {
    const entry = publish(server, { id, version: '1.0.0', manifest: { ...pluginManifest({ id, version: '1.0.0' }), ...manifest } });
    await useCatalog([entry]);
    await expectRefused(entry, message);
  };
  it('refuses a version that is not strict semver ("v1.0.0")', () =>
    runtimeRule('vee', { version: 'v1.0.0' }, /not a valid manifest: "version" must be a semantic version such as 1\.0\.0/));
  it('refuses a manifest without a name', () => runtimeRule('nameless', { name: undefined }, /not a valid manifest: plugin\.json needs "name"/));
  it('refuses "main" and "entry" naming different scripts', () =>
    runtimeRule('two-mains', { entry: 'other.js' }, /"main" \(main\.js\) and "entry" \(other\.js\) name different scripts/));
  it('refuses an invalid settings form (ui_schema)', () =>
    runtimeRule('bad-form', { ui_schema: [{ key: 'colour', type: 'color', label: 'Colour' }] }, /"ui_schema\[0\]\.type" must be one of: text, number/));
  it('refuses a manifest that itself needs a newer app (minAppVersion)', () =>
    runtimeRule('too-new', { minAppVersion: '9.0.0' }, /Needs Switchboard 9\.0\.0 or newer \(this is 1\.0\.0\)/));
  it('refuses a permission the runtime does not know', () =>
    runtimeRule('unknown-permission', { permissions: ['root'] }, /"permissions\[0\]" must be one of/));

  it('accepts an archive whose files sit in one top-level folder, and "name" and "entry" spellings', async () => {
    const manifest = { name: 'foldered', version: '1.0.0', entry: 'index.js', permissions: [] };
    const archive = tarGz([
      { path: 'foldered/', type: 'Directory' },
      { path: 'foldered/plugin.json', body: JSON.stringify(manifest) },
      { path: 'foldered/index.js', body: 'export default {};' },
    ]);
    const entry = publish(server, { id: 'foldered', version: '1.0.0', archive });
    await useCatalog([entry]);
    await m.service.install('foldered', sourceId);
    expect(existsSync(join(m.dataDir, 'plugins', 'foldered', 'index.js'))).toBe(true);
  });
});

function readdir(dir: string): string[] {
  return existsSync(dir) ? readdirSync(dir) : [];
}
