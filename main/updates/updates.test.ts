import { EventEmitter } from 'node:events';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import { UpdateService, type UpdateMode, type UpdateStatusValue, type Updater } from './updates.ts';

const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** Behaves like electron-updater's AppUpdater: events during checkForUpdates and downloadUpdate. */
class FakeUpdater extends EventEmitter implements Updater {
  autoDownload = true;
  autoInstallOnAppQuit = true;
  offered: string | null = '0.2.0';
  downloadFails: Error | null = null;
  checks = 0;
  downloads = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];

  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('checking-for-update');
    if (this.offered) this.emit('update-available', { version: this.offered });
    else this.emit('update-not-available', { version: '0.1.0' });
    return { updateInfo: { version: this.offered } };
  }

  async downloadUpdate(): Promise<unknown> {
    this.downloads++;
    this.emit('download-progress', { percent: 50, transferred: 500, total: 1000 });
    if (this.downloadFails) {
      this.emit('error', this.downloadFails);
      throw this.downloadFails;
    }
    this.emit('download-progress', { percent: 100, transferred: 1000, total: 1000 });
    this.emit('update-downloaded', { version: this.offered });
    return ['/cache/pending/switchboard.deb'];
  }

  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

let service: UpdateService | undefined;
afterEach(() => {
  service?.close();
  vi.useRealTimers();
});

function setUp(mode: UpdateMode, updater: Updater | { unsupported: string } = new FakeUpdater()) {
  const events = new AppEvents();
  const pushed: UpdateStatusValue[] = [];
  events.subscribe((name, payload) => name === 'updates.changed' && pushed.push(payload as UpdateStatusValue));
  const settings = { mode };
  service = new UpdateService({ updater, currentVersion: '0.1.0', mode: () => settings.mode, events, log: quiet, schedule: { firstCheckMs: 1000, everyMs: 60_000 }, now: () => new Date('2026-12-01T10:00:00Z') });
  return { service, pushed, settings, updater: updater as FakeUpdater };
}

describe('app updates over a fake updater', () => {
  it('takes downloading and installing away from the updater: it never downloads or installs by itself', () => {
    const { updater } = setUp('on');
    expect([updater.autoDownload, updater.autoInstallOnAppQuit]).toEqual([false, false]);
  });

  it('with checks on, finds a version, downloads it with progress, and waits for consent to install', async () => {
    vi.useFakeTimers();
    const { service, pushed, updater } = setUp('on');
    service.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(updater.downloads).toBe(1);
    expect(pushed.map((s) => [s.state, s.percent])).toEqual([
      ['checking', null],
      ['available', null],
      ['downloading', 0],
      ['downloading', 50],
      ['downloading', 100],
      ['downloaded', 100],
    ]);
    expect(service.status()).toMatchObject({ state: 'downloaded', version: '0.2.0', currentVersion: '0.1.0', transferredBytes: 1000, totalBytes: 1000, installOnQuit: false });
    expect(updater.installs).toEqual([]);

    service.install('now');
    expect(updater.installs).toEqual([[false, true]]);
  });

  it('with "ask", finds a version and downloads only when told', async () => {
    vi.useFakeTimers();
    const { service, updater } = setUp('ask');
    service.start();
    await vi.advanceTimersByTimeAsync(1000);
    expect(service.status()).toMatchObject({ state: 'available', version: '0.2.0', checkedAt: '2026-12-01T10:00:00.000Z' });
    expect(updater.downloads).toBe(0);
    await expect(service.download()).resolves.toMatchObject({ state: 'downloaded', version: '0.2.0' });
  });

  it('with checks off, never checks by itself, but "Check for updates" checks and downloads what it finds', async () => {
    vi.useFakeTimers();
    const { service, updater } = setUp('off');
    service.start();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(updater.checks).toBe(0);
    await service.check();
    await vi.waitFor(() => expect(service.status().state).toBe('downloaded'));
    expect(updater.checks).toBe(1);
  });

  it('reads the setting at every scheduled check, so turning checks off stops them', async () => {
    vi.useFakeTimers();
    const { service, settings, updater } = setUp('ask');
    updater.offered = null;
    service.start();
    await vi.advanceTimersByTimeAsync(1000);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(updater.checks).toBe(2);
    settings.mode = 'off';
    await vi.advanceTimersByTimeAsync(5 * 60_000);
    expect(updater.checks).toBe(2);
    expect(service.status()).toMatchObject({ state: 'not-available', version: null });
  });

  it('installs when the app quits only after the user chose that', async () => {
    const { service, updater } = setUp('on');
    expect(() => service.install('on-quit')).toThrow('No update has been downloaded yet');
    expect(updater.autoInstallOnAppQuit).toBe(false);
    await service.check();
    await vi.waitFor(() => expect(service.status().state).toBe('downloaded'));
    expect(service.install('on-quit')).toMatchObject({ installOnQuit: true });
    expect(updater.autoInstallOnAppQuit).toBe(true);
    expect(updater.installs).toEqual([]);
  });

  it('says plainly that a download failed its sha512 check, and installs nothing', async () => {
    const updater = new FakeUpdater();
    updater.downloadFails = new Error('sha512 checksum mismatch, expected abc, got def');
    const { service } = setUp('ask', updater);
    await service.check();
    await vi.waitFor(() => expect(service.status().state).toBe('error'));
    expect(service.status()).toMatchObject({
      version: '0.2.0',
      message: 'The downloaded update did not match the checksum its server published (sha512), so it was discarded. Nothing was installed.',
    });
    expect(() => service.install('now')).toThrow('nothing to install');
    expect(updater.installs).toEqual([]);
  });

  it('says when a download is not signed by the publisher (Windows verifies the signature)', async () => {
    const updater = new FakeUpdater();
    updater.downloadFails = new Error('New version 0.2.0 is not signed by the application owner: publisherNames: Switchboard');
    const { service } = setUp('ask', updater);
    await service.check();
    await vi.waitFor(() => expect(service.status().state).toBe('error'));
    expect(service.status().message).toMatch(/^The downloaded update is not signed by Switchboard's publisher/);
  });

  it('refuses to download when nothing was found', async () => {
    const { service, updater } = setUp('ask');
    await expect(service.download()).rejects.toThrow('There is no update to download. Check for updates first.');
    expect(updater.downloads).toBe(0);
  });

  it('in a build that cannot update itself, says why and does nothing', async () => {
    const { service } = setUp('on', { unsupported: 'The browser harness does not update itself.' });
    service.start();
    expect(service.status()).toMatchObject({ state: 'unsupported', message: 'The browser harness does not update itself.' });
    await expect(service.check()).rejects.toThrow('The browser harness does not update itself.');
  });
});
