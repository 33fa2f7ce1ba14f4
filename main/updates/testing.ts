// A real electron-updater DebUpdater, as an installed 0.1.0 deb would have it,
// fed from a loopback HTTPS server trusted through a test CA. Used by the
// updater's loopback test and the harness's end-to-end update spec.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { request, type RequestOptions } from 'node:https';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Updater } from './updates.ts';

const require = createRequire(import.meta.url);
const { DebUpdater } = require('electron-updater/out/DebUpdater.js') as { DebUpdater: new (options: unknown, app: unknown) => Updater & Record<string, unknown> };
const { HttpExecutor, configureRequestOptions, configureRequestUrl } = require('builder-util-runtime') as {
  HttpExecutor: new () => object;
  configureRequestOptions(options: RequestOptions): RequestOptions;
  configureRequestUrl(url: URL, options: RequestOptions): void;
};

export const ARTEFACT = 'Switchboard-0.2.0-amd64.deb';

/** electron-updater's HTTP executor contract over Node's https, trusting only the test CA. */
function loopbackExecutor(ca: string): object {
  class LoopbackExecutor extends (HttpExecutor as new () => { doDownload(options: RequestOptions, call: object, redirects: number): void }) {
    createRequest(options: RequestOptions, callback: (response: unknown) => void) {
      return request({ ...options, ca }, callback);
    }

    download(url: URL, destination: string, options: { cancellationToken: { createPromise(f: (resolve: (v: string) => void, reject: (e: Error) => void, onCancel: (c: () => void) => void) => void): Promise<string> } }) {
      return options.cancellationToken.createPromise((resolve, reject, onCancel) => {
        const requestOptions: RequestOptions = { headers: (options as { headers?: RequestOptions['headers'] }).headers ?? undefined };
        configureRequestUrl(url, requestOptions);
        configureRequestOptions(requestOptions);
        this.doDownload(requestOptions, { destination, options, onCancel, callback: (error: Error | null) => (error ? reject(error) : resolve(destination)), responseHandler: null }, 0);
      });
    }
  }
  return new LoopbackExecutor();
}

export const sha512 = (bytes: Buffer): string => createHash('sha512').update(bytes).digest('base64');

export function latestYml(version: string, artefact: Buffer, publishedSha512 = sha512(artefact)): string {
  return [
    `version: ${version}`,
    'files:',
    `  - url: ${ARTEFACT}`,
    `    sha512: ${publishedSha512}`,
    `    size: ${artefact.length}`,
    `path: ${ARTEFACT}`,
    `sha512: ${publishedSha512}`,
    "releaseDate: '2026-12-01T00:00:00.000Z'",
    '',
  ].join('\n');
}


export interface LoopbackUpdater {
  updater: Updater;
  /** Where a verified download waits to be installed. */
  pending: string;
  /** quitAndInstall calls, recorded instead of running dpkg. */
  installs: unknown[][];
}

export function loopbackUpdater(options: { feedUrl: string; ca: string; scratch: string; version?: string }): LoopbackUpdater {
  mkdirSync(options.scratch, { recursive: true });
  const appUpdateConfig = join(options.scratch, 'app-update.yml');
  writeFileSync(appUpdateConfig, `provider: generic\nurl: ${options.feedUrl}\nupdaterCacheDirName: switchboard-updater\n`);
  const app = {
    version: options.version ?? '0.1.0',
    name: 'Switchboard',
    isPackaged: true,
    appUpdateConfigPath: appUpdateConfig,
    userDataPath: join(options.scratch, 'userData'),
    baseCachePath: join(options.scratch, 'cache'),
    whenReady: () => Promise.resolve(),
    relaunch: () => {},
    quit: () => {},
    onQuit: () => {},
  };
  const updater = new DebUpdater(null, app);
  updater.logger = null;
  updater.httpExecutor = loopbackExecutor(options.ca);
  (updater as unknown as { setFeedURL(o: unknown): void }).setFeedURL({ provider: 'generic', url: options.feedUrl });
  const installs: unknown[][] = [];
  updater.quitAndInstall = (...args: unknown[]) => {
    installs.push(args);
  };
  return { updater, pending: join(options.scratch, 'cache', 'switchboard-updater', 'pending'), installs };
}
