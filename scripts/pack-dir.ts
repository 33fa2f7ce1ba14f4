// Packs the app the way `npm run dist -- --dir` does, into a scratch folder
// and without touching out/: the app is built into <scratch>/app and
// electron-builder.yml's one { from: out } file set is pointed there. Used by
// the packaging test (over a stand-in Electron) and the Electron update spec
// (over the real one, where it exists).
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const requireFromRoot = createRequire(join(ROOT, 'package.json'));

export interface FileSet {
  from: string;
  to: string;
  filter: string[];
}

export interface BuilderConfig {
  files: (string | FileSet)[];
  electronDist?: string;
  directories: { output: string };
  publish?: unknown;
  electronFuses?: Record<string, boolean>;
  linux: { target: string[]; maintainer?: string };
  mac: { target: string[]; entitlements?: string };
  win: { target: string[] };
  productName: string;
}

/** electron-builder's own loader and schema check, so a key it does not know fails here, not at release time. */
export async function loadBuilderConfig(): Promise<BuilderConfig> {
  const { getConfig, validateConfiguration } = requireFromRoot('app-builder-lib/out/util/config/config.js');
  const { DebugLogger } = requireFromRoot('builder-util');
  const config = await getConfig(ROOT, 'electron-builder.yml', null);
  await validateConfiguration(config, new DebugLogger(false));
  return config as BuilderConfig;
}

/** Builds into <scratch>/app and packs a Linux --dir build into <scratch>/dist; returns the unpacked folder. */
export async function packDir(options: { scratch: string; electronDist: string; configure?: (config: BuilderConfig) => void }): Promise<string> {
  const build = spawnSync(join(ROOT, 'node_modules', '.bin', 'electron-vite'), ['build', '--outDir', join(options.scratch, 'app'), '--logLevel', 'error'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`electron-vite build failed: ${build.stderr}`);
  const config = await loadBuilderConfig();
  const appFiles = config.files.find((entry): entry is FileSet => typeof entry !== 'string' && entry.from === 'out');
  if (!appFiles) throw new Error('electron-builder.yml no longer packs the build output with { from: out, to: out }');
  appFiles.from = relative(ROOT, join(options.scratch, 'app'));
  config.electronDist = options.electronDist;
  config.directories = { ...config.directories, output: join(options.scratch, 'dist') };
  options.configure?.(config);
  // As a file of its own: a config object would be merged into electron-builder.yml again.
  const configFile = join(options.scratch, 'electron-builder.json');
  writeFileSync(configFile, JSON.stringify(config));
  const { build: pack, Platform, Arch } = requireFromRoot('electron-builder');
  await pack({ projectDir: ROOT, config: configFile, targets: Platform.LINUX.createTarget('dir', Arch[process.arch as 'x64' | 'arm64']), publish: 'never' });
  return join(options.scratch, 'dist', process.arch === 'arm64' ? 'linux-arm64-unpacked' : 'linux-unpacked');
}
