import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, matchesGlob, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

interface BuilderConfig {
  files: (string | { filter: string[] })[];
  asar: boolean;
  asarUnpack: string[];
  npmRebuild: boolean;
  extraResources: { from: string; to: string }[];
  linux: { target: string[] };
  mac: { target: string[] };
  win: { target: string[] };
  productName: string;
}

/** electron-builder's own loader and schema check, so a key it does not know fails here, not at release time. */
async function loadBuilderConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = requireFromRoot('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = requireFromRoot('builder-util');
  const config = await getConfig(ROOT, 'electron-builder.yml', null);
  await validateConfiguration(config, new DebugLogger(false));
  return config as BuilderConfig;
}

const included = (patterns: string[], file: string): boolean =>
  patterns.reduce((keep, pattern) => (pattern.startsWith('!') ? keep && !matchesGlob(file, pattern.slice(1)) : keep || matchesGlob(file, pattern)), false);

describe('electron-builder.yml', () => {
  it('passes electron-builder’s schema and builds the four installer kinds', async () => {
    const config = await loadBuilderConfig();
    expect(config.productName).toBe('Switchboard');
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toEqual(['dmg']);
    expect(config.win.target).toEqual(['nsis']);
  });

  it('packs what npm run build produces, starting from package.json "main"', async () => {
    const config = await loadBuilderConfig();
    const patterns = config.files.flatMap((entry) => (typeof entry === 'string' ? [entry] : entry.filter));
    const { main } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { main: string };
    for (const file of [main, 'out/main/plugin-host.js', 'out/main/search-index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'out/renderer/assets/index-abc.js', 'package.json']) {
      expect(included(patterns, file), file).toBe(true);
    }
    expect(included(patterns, 'out/main/index.js.map')).toBe(false);
    expect(included(patterns, 'node_modules/better-sqlite3/deps/sqlite3/sqlite3.c')).toBe(false);
  });

  it('unpacks every native addon from the asar and never rebuilds it (Node-API prebuilds serve Electron as is)', async () => {
    const config = await loadBuilderConfig();
    expect(config.asar).toBe(true);
    expect(config.npmRebuild).toBe(false);
    for (const addon of [
      'node_modules/better-sqlite3/prebuilds/linux-x64.node',
      'node_modules/better-sqlite3/prebuilds/win32-x64.node',
      'node_modules/better-sqlite3/lib/database.js',
      'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node',
      'node_modules/@napi-rs/keyring-darwin-arm64/keyring.darwin-arm64.node',
    ]) {
      expect(config.asarUnpack.some((pattern) => matchesGlob(addon, pattern)), addon).toBe(true);
    }
  });

  it('ships the built-in plugin catalog as resources/catalog → <resources>/catalog', async () => {
    const config = await loadBuilderConfig();
    expect(config.extraResources).toEqual([expect.objectContaining({ from: 'resources/catalog', to: 'catalog' })]);
  });
});
