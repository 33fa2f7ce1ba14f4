// Packs the app for real (scripts/pack-dir.ts): `npm run build` into a scratch
// folder, then electron-builder --dir with electron-builder.yml over a stand-in Electron
// distribution (the real binary cannot be downloaded here). The stand-in
// executable carries the fuse wire exactly as an Electron binary does, so the
// fuses electron-builder flips are read back with @electron/fuses, and the
// archive is read back with @electron/asar.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBuilderConfig, packDir } from '../../scripts/pack-dir.ts';
import { electronUpdater } from './updater.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));
const { getCurrentFuseWire, FuseV1Options } = requireFromRoot('@electron/fuses') as typeof import('@electron/fuses');
const asar = requireFromRoot('@electron/asar') as typeof import('@electron/asar');

/** What scripts/dist.ts passes from SWITCHBOARD_UPDATE_URL. */
const UPDATE_FEED = 'https://downloads.example.test/switchboard/';

/** Electron's fuse sentinel, then wire version 1, its length and one byte per fuse ('1' on, '0' off). */
const SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** The fuses as Electron 45 ships them, before electron-builder flips any. */
const ELECTRON_DEFAULT_WIRE = '10110001';

/** A Linux Electron distribution folder with a stand-in executable that has a real fuse wire. */
function standInElectron(dir: string): void {
  mkdirSync(join(dir, 'locales'), { recursive: true });
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const executable = join(dir, 'electron');
  writeFileSync(executable, Buffer.concat([Buffer.from('stand-in for the Electron executable\n'), Buffer.from(SENTINEL), Buffer.from([1, ELECTRON_DEFAULT_WIRE.length]), Buffer.from(ELECTRON_DEFAULT_WIRE)]));
  chmodSync(executable, 0o755);
  writeFileSync(join(dir, 'locales', 'en-US.pak'), 'stand-in');
  writeFileSync(join(dir, 'LICENSE'), 'stand-in');
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema, builds the four installer kinds and has what the deb needs', async () => {
    const config = await loadBuilderConfig();
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { homepage?: string; author?: { email?: string }; desktopName?: string };
    expect(config.productName).toBe('Switchboard');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
    expect(pkg.homepage).toMatch(/^https:\/\//);
    expect(pkg.author?.email).toMatch(/@/);
    expect(config.linux.maintainer).toMatch(/<.+@.+>$/);
    expect(pkg.desktopName).toBe('switchboard.desktop');
  });

  it('gives the macOS hardened runtime only the JIT entitlement', async () => {
    const config = await loadBuilderConfig();
    const plist = readFileSync(join(ROOT, config.mac.entitlements!), 'utf8');
    expect([...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((m) => m[1])).toEqual(['com.apple.security.cs.allow-jit']);
  });
});

describe('the packed app (electron-builder --dir over a stand-in Electron)', () => {
  let scratch: string;
  let unpacked: string;
  let asarFiles: string[];
  beforeAll(async () => {
    // Inside the checkout, so electron-builder collects production dependencies from its node_modules.
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    scratch = mkdtempSync(join(ROOT, 'out', '.pack-test-'));
    standInElectron(join(scratch, 'electron'));
    unpacked = await packDir({ scratch, electronDist: join(scratch, 'electron'), configure: (config) => (config.publish = { provider: 'generic', url: UPDATE_FEED }) });
    asarFiles = asar.listPackage(join(unpacked, 'resources', 'app.asar'), { isPack: false }).map((f) => f.split('\\').join('/').replace(/^\//, ''));
  }, 180_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('flips all seven fuses in the executable, and leaves the one it does not set as Electron ships it', async () => {
    const wire = await getCurrentFuseWire(join(unpacked, 'switchboard'));
    const state = (fuse: number): string => String.fromCharCode((wire as unknown as Record<number, number>)[fuse]!);
    expect({
      runAsNode: state(FuseV1Options.RunAsNode),
      enableCookieEncryption: state(FuseV1Options.EnableCookieEncryption),
      enableNodeOptionsEnvironmentVariable: state(FuseV1Options.EnableNodeOptionsEnvironmentVariable),
      enableNodeCliInspectArguments: state(FuseV1Options.EnableNodeCliInspectArguments),
      enableEmbeddedAsarIntegrityValidation: state(FuseV1Options.EnableEmbeddedAsarIntegrityValidation),
      onlyLoadAppFromAsar: state(FuseV1Options.OnlyLoadAppFromAsar),
      grantFileProtocolExtraPrivileges: state(FuseV1Options.GrantFileProtocolExtraPrivileges),
      loadBrowserProcessSpecificV8Snapshot: state(FuseV1Options.LoadBrowserProcessSpecificV8Snapshot),
    }).toEqual({
      runAsNode: '0',
      enableCookieEncryption: '1',
      enableNodeOptionsEnvironmentVariable: '0',
      enableNodeCliInspectArguments: '0',
      enableEmbeddedAsarIntegrityValidation: '1',
      onlyLoadAppFromAsar: '1',
      grantFileProtocolExtraPrivileges: '0',
      loadBrowserProcessSpecificV8Snapshot: ELECTRON_DEFAULT_WIRE[FuseV1Options.LoadBrowserProcessSpecificV8Snapshot],
    });
  });

  it('packs the app, the plugin host, the search worker and ses, starting from package.json "main"', () => {
    const { main } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    for (const file of [main, 'out/main/plugin-host.js', 'out/main/search-index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json', 'node_modules/ses/package.json', 'node_modules/ses/dist/ses.mjs', 'node_modules/electron-updater/package.json']) {
      expect(asarFiles, file).toContain(file);
    }
    expect(asarFiles.filter((f) => f.startsWith('out/renderer/assets/') && f.endsWith('.js')).length).toBeGreaterThan(0);
  });

  it('leaves out harness artefacts, source maps, addon sources, dev tools, the Hub\'s dependencies and what the renderer bundle already holds', () => {
    expect(asarFiles.filter((f) => f.startsWith('out/') && !/^out\/(main|preload|renderer)(\/|$)/.test(f))).toEqual([]);
    expect(asarFiles.filter((f) => f.endsWith('.map') && f.startsWith('out/'))).toEqual([]);
    const shipped = (name: string): boolean => asarFiles.some((f) => f.startsWith(`node_modules/${name}/`));
    for (const name of ['diff', '@tanstack/react-virtual', '@tanstack/virtual-core', 'react', 'electron', 'electron-builder', 'vitest', 'typescript', 'better-sqlite3/deps', 'better-sqlite3/src', 'pg', 'pg-protocol', 'yazl']) {
      expect(shipped(name), name).toBe(false);
    }
  });

  it('unpacks exactly this platform’s native addons next to the archive', () => {
    const addons = listFiles(join(unpacked, 'resources', 'app.asar.unpacked')).filter((f) => f.endsWith('.node'));
    const keyring = readdirSync(join(ROOT, 'node_modules', '@napi-rs')).filter((d) => d.startsWith('keyring-'));
    expect(addons).toEqual(
      [`node_modules/better-sqlite3/prebuilds/${process.platform}-${process.arch}.node`, ...keyring.flatMap((d) => listFiles(join(ROOT, 'node_modules', '@napi-rs', d)).filter((f) => f.endsWith('.node')).map((f) => `node_modules/@napi-rs/${d}/${f}`))].sort(),
    );
    expect(addons.some((f) => f.includes('keyring'))).toBe(true);
    // What asar lists as unpacked, and nothing else of them inside the archive.
    for (const addon of addons) expect(asar.statFile(join(unpacked, 'resources', 'app.asar'), addon), addon).toMatchObject({ unpacked: true });
  });

  it('ships the built-in plugin catalog beside the archive and runs nothing as Node', () => {
    expect(existsSync(join(unpacked, 'resources', 'catalog', 'catalog.json'))).toBe(true);
    const bundles = asarFiles.filter((f) => /^out\/main\/.*\.js$/.test(f));
    for (const bundle of bundles) expect(asar.extractFile(join(unpacked, 'resources', 'app.asar'), bundle).toString('utf8'), bundle).not.toContain('ELECTRON_RUN_AS_NODE');
  });

  it('writes the update feed where the installed app’s updater reads it, and the updater accepts it', () => {
    const appUpdateYml = readFileSync(join(unpacked, 'resources', 'app-update.yml'), 'utf8');
    expect(appUpdateYml).toMatch(/^provider: generic$/m);
    expect(appUpdateYml).toContain(`url: ${UPDATE_FEED}`);
    expect(appUpdateYml).toMatch(/^updaterCacheDirName: \S+$/m);
    const loaded = { updater: 'electron-updater' } as never;
    const readFile = (path: string) => (existsSync(path) ? readFileSync(path, 'utf8') : undefined);
    expect(electronUpdater({ isPackaged: true, resourcesPath: join(unpacked, 'resources'), readFile, load: () => loaded })).toBe(loaded);
  });
});
