import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explainDownloadFailure } from './install-electron.ts';

const ROOT = resolve(import.meta.dirname, '..');

/** Runs the script the way `npm start` does, and collects what it printed. */
function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'install-electron.ts'), ...args], { env, cwd: ROOT });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b));
    child.stderr.on('data', (b: Buffer) => (output += b));
    child.on('close', (status) => done({ status, output }));
  });
}

describe('npm start without network', () => {
  let scratch: string;
  let unreachable: Server;
  let mirror: string;
  beforeAll(async () => {
    // A copy of the electron package's own install script, inside the checkout so it finds @electron/get.
    mkdirSync(join(ROOT, 'out'), { recursive: true });
    scratch = mkdtempSync(join(ROOT, 'out', '.install-electron-test-'));
    mkdirSync(join(scratch, 'electron'));
    for (const file of ['install.js', 'package.json', 'checksums.json']) copyFileSync(join(ROOT, 'node_modules', 'electron', file), join(scratch, 'electron', file));
    // The network is down: every connection to the "mirror" is cut before it answers.
    unreachable = createServer((socket) => socket.destroy());
    await new Promise<void>((listening) => unreachable.listen(0, '127.0.0.1', listening));
    mirror = `http://127.0.0.1:${(unreachable.address() as { port: number }).port}/electron/`;
  });
  afterAll(async () => {
    await new Promise((closed) => unreachable.close(closed));
    rmSync(scratch, { recursive: true, force: true });
  });

  it('says what it was fetching, which variables apply, and that npm run dev:web needs no Electron', async () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: scratch, ELECTRON_MIRROR: mirror, electron_config_cache: join(scratch, 'cache') };
    const { status, output } = await run([join(scratch, 'electron')], env);
    const { version } = (await import(join(ROOT, 'node_modules', 'electron', 'package.json'), { with: { type: 'json' } })).default as { version: string };
    expect(status).toBe(1);
    expect(output).toContain(`Switchboard could not download Electron ${version} for ${process.platform}-${process.arch}`);
    expect(output).toContain(`It was fetching: ${mirror}v${version}/electron-v${version}-${process.platform}-${process.arch}.zip`);
    expect(output).toContain('and got: TypeError: fetch failed');
    expect(output).toContain(`ELECTRON_MIRROR (now ${mirror})`);
    expect(output).toContain('Behind a proxy, set HTTPS_PROXY (not set) and ELECTRON_GET_USE_PROXY=1');
    expect(output).toContain('`npm run dev:web` runs the same app in your browser');
  });

  it('names the proxy in use when the download went through one', () => {
    const text = explainDownloadFailure({
      version: '45.5.0',
      platform: 'linux',
      arch: 'x64',
      url: 'https://mirror.example.test/v45.5.0/electron-v45.5.0-linux-x64.zip',
      error: 'TypeError: fetch failed',
      env: { HTTPS_PROXY: 'http://proxy.example.test:3128', ELECTRON_GET_USE_PROXY: '1' },
    });
    expect(text).toContain('HTTPS_PROXY (now http://proxy.example.test:3128) is used for this download');
    expect(text).toContain('ELECTRON_MIRROR (not set)');
  });
});
