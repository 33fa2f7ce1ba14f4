import type { Static } from '@sinclair/typebox';
import { AppError } from '../../app/contract/envelope.ts';
import type { UpdateCheckMode, UpdateStatus } from '../../app/contract/updates.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';

export type UpdateStatusValue = Static<typeof UpdateStatus>;
export type UpdateMode = Static<typeof UpdateCheckMode>;

/**
 * The part of electron-updater's AppUpdater this service drives. The real
 * one (main/electron/updater.ts) downloads over Electron's net, checks the
 * sha512 that latest.yml publishes, and on Windows and macOS the code
 * signature; tests pass a fake, or a real DebUpdater over loopback HTTPS.
 */
export interface Updater {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  checkForUpdates(): Promise<unknown>;
  downloadUpdate(): Promise<unknown>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'checking-for-update', listener: () => void): unknown;
  on(event: 'update-available' | 'update-not-available' | 'update-downloaded', listener: (info: { version: string }) => void): unknown;
  on(event: 'download-progress', listener: (progress: { percent: number; transferred: number; total: number }) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}

export interface UpdateServiceOptions {
  /** The updater, or why this build has none (the harness, a development run, no feed). */
  updater: Updater | { unsupported: string };
  currentVersion: string;
  /** The user's setting, read at every scheduled check. */
  mode: () => UpdateMode;
  events: AppEvents;
  log: Logger;
  /** When the first automatic check runs after start, and how often after that. */
  schedule?: { firstCheckMs: number; everyMs: number };
  /** Told once a version is downloaded and verified, so the user hears of it outside Settings. */
  onDownloaded?: (version: string) => void;
  now?: () => Date;
}

const DEFAULT_SCHEDULE = { firstCheckMs: 30_000, everyMs: 6 * 60 * 60 * 1000 };

/** electron-updater's messages, in words that say what happened to the user's download. */
export function describeUpdateError(error: Error): string {
  const text = error.message;
  if (/sha512 checksum mismatch/i.test(text)) return 'The downloaded update did not match the checksum its server published (sha512), so it was discarded. Nothing was installed.';
  if (/not signed by the application owner|code signature|did not pass validation/i.test(text)) {
    return `The downloaded update is not signed by Switchboard's publisher, so it was discarded. Nothing was installed. (${text.split('\n')[0]})`;
  }
  if (/ENOTFOUND|ECONNREFUSED|ETIMEDOUT|ECONNRESET|net::ERR_/i.test(text)) return `The update server could not be reached: ${text.split('\n')[0]}`;
  return `Updating failed: ${text.split('\n')[0]}`;
}

/**
 * Checks for, downloads and installs app updates. It decides; the updater
 * only does: nothing downloads unless the setting is "on" or the user asked,
 * and nothing installs without the user's "restart" or "install on quit".
 */
export class UpdateService {
  readonly #options: UpdateServiceOptions;
  readonly #updater: Updater | undefined;
  #status: UpdateStatusValue;
  /** A download the user asked for from a manual check, whatever the setting. */
  #downloadWhenFound = false;
  #timers: ReturnType<typeof setTimeout>[] = [];

  constructor(options: UpdateServiceOptions) {
    this.#options = options;
    const blank = { version: null, percent: null, transferredBytes: null, totalBytes: null, installOnQuit: false, checkedAt: null, currentVersion: options.currentVersion };
    if ('unsupported' in options.updater) {
      this.#status = { ...blank, state: 'unsupported', message: options.updater.unsupported };
      return;
    }
    const updater = options.updater;
    this.#updater = updater;
    this.#status = { ...blank, state: 'idle', message: null };
    updater.autoDownload = false;
    updater.autoInstallOnAppQuit = false;
    updater.on('checking-for-update', () => this.#set({ state: 'checking', message: null }));
    updater.on('update-not-available', () => this.#set({ state: 'not-available', version: null, checkedAt: this.#now() }));
    updater.on('update-available', (info) => {
      this.#set({ state: 'available', version: info.version, checkedAt: this.#now() });
      if (this.#downloadWhenFound || options.mode() === 'on') void this.download().catch(() => undefined);
    });
    updater.on('download-progress', (p) => this.#set({ state: 'downloading', percent: Math.round(p.percent * 10) / 10, transferredBytes: p.transferred, totalBytes: p.total }));
    updater.on('update-downloaded', (info) => {
      this.#set({ state: 'downloaded', version: info.version, percent: 100 });
      options.onDownloaded?.(info.version);
    });
    updater.on('error', (error) => {
      options.log.warn('update failed', error);
      this.#set({ state: 'error', message: describeUpdateError(error), percent: null });
    });
  }

  status(): UpdateStatusValue {
    return this.#status;
  }

  /** Starts the automatic checks; each one is skipped while the setting is "off". */
  start(): void {
    if (!this.#updater) return;
    const { firstCheckMs, everyMs } = this.#options.schedule ?? DEFAULT_SCHEDULE;
    const scheduled = (): void => {
      if (this.#options.mode() !== 'off' && !this.#busy()) void this.#check(false);
    };
    const first = setTimeout(() => {
      scheduled();
      const every = setInterval(scheduled, everyMs);
      every.unref?.();
      this.#timers.push(every);
    }, firstCheckMs);
    first.unref?.();
    this.#timers.push(first);
  }

  /** "Check for updates": runs whatever the setting; a version it finds is downloaded at once. */
  check(): Promise<UpdateStatusValue> {
    return this.#check(true);
  }

  async download(): Promise<UpdateStatusValue> {
    const updater = this.#require();
    if (this.#status.state === 'downloading' || this.#status.state === 'downloaded') return this.#status;
    if (this.#status.state !== 'available') throw new AppError('conflict', 'There is no update to download. Check for updates first.');
    this.#set({ state: 'downloading', percent: 0, transferredBytes: 0, totalBytes: null });
    try {
      await updater.downloadUpdate();
    } catch (error) {
      // The updater also emits 'error'; keep its message, and say something if it did not.
      if (this.status().state !== 'error') this.#set({ state: 'error', message: describeUpdateError(error as Error), percent: null });
    }
    return this.#status;
  }

  /** The user's consent to install the downloaded version: restart now, or when the app quits. */
  install(when: 'now' | 'on-quit'): UpdateStatusValue {
    const updater = this.#require();
    if (this.#status.state !== 'downloaded') throw new AppError('conflict', 'No update has been downloaded yet, so there is nothing to install.');
    if (when === 'on-quit') {
      updater.autoInstallOnAppQuit = true;
      this.#set({ installOnQuit: true });
      return this.#status;
    }
    this.#options.log.info(`restarting to install version ${this.#status.version}`);
    updater.quitAndInstall(false, true);
    return this.#status;
  }

  close(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers = [];
  }

  async #check(manual: boolean): Promise<UpdateStatusValue> {
    const updater = this.#require();
    if (this.#busy()) return this.#status;
    this.#downloadWhenFound = manual;
    try {
      await updater.checkForUpdates();
    } catch (error) {
      if (this.status().state !== 'error') this.#set({ state: 'error', message: describeUpdateError(error as Error) });
    } finally {
      this.#downloadWhenFound = false;
    }
    return this.#status;
  }

  #busy(): boolean {
    return this.#status.state === 'checking' || this.#status.state === 'downloading' || this.#status.state === 'downloaded';
  }

  #require(): Updater {
    if (!this.#updater) throw new AppError('conflict', this.#status.message ?? 'This build cannot update itself.');
    return this.#updater;
  }

  #now(): string {
    return (this.#options.now?.() ?? new Date()).toISOString();
  }

  #set(change: Partial<UpdateStatusValue>): void {
    this.#status = { ...this.#status, ...change };
    this.#options.events.emit('updates.changed', this.#status);
  }
}
