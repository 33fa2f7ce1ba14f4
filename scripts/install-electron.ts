// `npm start` runs this first: Electron 45 downloads nothing at `npm install`,
// so the first start fetches its binary with the electron package's own
// install script. When that fails (no network, a proxy, a blocked host) the
// script prints only "TypeError: fetch failed"; this says what it was
// fetching, which variables change that, and what runs without Electron.
// An optional argument names the electron package folder (tests pass a copy).
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');

type Env = Record<string, string | undefined>;

export interface DownloadFailure {
  version: string;
  platform: string;
  arch: string;
  url: string;
  /** The first line the install script printed, e.g. "TypeError: fetch failed". */
  error: string;
  env: Env;
}

const shown = (env: Env, name: string): string => (env[name] ? `now ${env[name]}` : 'not set');

export function explainDownloadFailure(failure: DownloadFailure): string {
  const { env } = failure;
  const proxy = env.HTTPS_PROXY ?? env.https_proxy;
  const proxyInUse = proxy && env.ELECTRON_GET_USE_PROXY;
  return [
    `Switchboard could not download Electron ${failure.version} for ${failure.platform}-${failure.arch}, which \`npm start\` needs once.`,
    `  It was fetching: ${failure.url}`,
    `  and got: ${failure.error}`,
    `  - ELECTRON_MIRROR (${shown(env, 'ELECTRON_MIRROR')}) downloads from a mirror of Electron's releases instead, e.g. your company's.`,
    proxyInUse
      ? `  - HTTPS_PROXY (now ${proxy}) is used for this download (ELECTRON_GET_USE_PROXY is set); check that the proxy is reachable, and NO_PROXY (${shown(env, 'NO_PROXY')}).`
      : `  - Behind a proxy, set HTTPS_PROXY (${proxy ? `now ${proxy}` : 'not set'}) and ELECTRON_GET_USE_PROXY=1: without the second, the download ignores the proxy.`,
    '  - Without Electron, `npm run dev:web` runs the same app in your browser (the same services, served on 127.0.0.1).',
  ].join('\n');
}

async function remoteUrl(packageDir: string, version: string, platform: string, arch: string): Promise<string> {
  // @electron/get's own URL rules (mirror variables, npm config); its package exports do not include them.
  const getDir = join(ROOT, 'node_modules', '@electron', 'get', 'dist', 'artifact-utils.js');
  const { getArtifactRemoteURL } = (await import(pathToFileURL(getDir).href)) as { getArtifactRemoteURL(d: object): Promise<string> };
  return getArtifactRemoteURL({ version: `v${version}`, artifactName: 'electron', platform, arch, checksums: JSON.parse(readFileSync(join(packageDir, 'checksums.json'), 'utf8')) });
}

if (import.meta.main) {
  const packageDir = process.argv[2] ? resolve(process.argv[2]) : join(ROOT, 'node_modules', 'electron');
  const install = spawnSync(process.execPath, [join(packageDir, 'install.js')], { stdio: ['inherit', 'inherit', 'pipe'], encoding: 'utf8' });
  if (install.status !== 0) {
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    const platform = process.env.ELECTRON_INSTALL_PLATFORM ?? process.env.npm_config_platform ?? process.platform;
    const arch = process.env.ELECTRON_INSTALL_ARCH ?? process.env.npm_config_arch ?? process.arch;
    const error = (install.stderr || install.error?.message || `exit code ${install.status}`).trim().split('\n')[0]!;
    console.error(explainDownloadFailure({ version, platform, arch, url: await remoteUrl(packageDir, version, platform, arch), error, env: process.env }));
    process.exit(1);
  }
}
