// electron-updater's real Linux updater (the one a deb install uses) against a
// real HTTPS server on 127.0.0.1 with a throwaway CA: it fetches
// latest-linux.yml, downloads the artefact, checks its sha512, and the
// UpdateService turns what happens into what the window shows. Only the
// transport differs from the app: Node's https with the test CA instead of
// Electron's net, which the Electron binary would provide.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { AppEvents } from '../ipc/events.ts';
import { TestHttpsServer } from '../marketplace/testing/https-server.ts';
import { ARTEFACT, latestYml, loopbackUpdater, sha512 } from './testing.ts';
import { UpdateService, type UpdateStatusValue } from './updates.ts';

let server: TestHttpsServer;
let scratch: string;
beforeAll(async () => {
  server = await TestHttpsServer.start();
});
afterAll(() => server.close());
afterEach(() => rmSync(scratch, { recursive: true, force: true }));

function installedApp() {
  scratch = mkdtempSync(join(tmpdir(), 'switchboard-updater-'));
  const { updater, pending, installs } = loopbackUpdater({ feedUrl: server.url('/linux/'), ca: server.certificates.ca, scratch });
  const events = new AppEvents();
  const pushed: UpdateStatusValue[] = [];
  events.subscribe((name, payload) => name === 'updates.changed' && pushed.push(payload as UpdateStatusValue));
  const log = { info: () => {}, warn: () => {}, error: () => {} };
  const service = new UpdateService({ updater, currentVersion: '0.1.0', mode: () => 'ask', events, log });
  return { service, pushed, pending, installs };
}

describe('app updates from a generic HTTPS feed (loopback server, real electron-updater)', () => {
  it('finds the newer version in latest-linux.yml, downloads it with progress and keeps the verified file', async () => {
    const artefact = randomBytes(300_000);
    server.put('/linux/latest-linux.yml', latestYml('0.2.0', artefact));
    server.put(`/linux/${ARTEFACT}`, artefact);
    const { service, pushed, pending, installs } = installedApp();

    // "Check for updates" downloads what it finds.
    expect(await service.check()).toMatchObject({ state: 'downloading', version: '0.2.0' });
    await vi.waitFor(() => expect(service.status().state).toBe('downloaded'));
    expect(service.status()).toMatchObject({ version: '0.2.0', percent: 100 });
    const progress = pushed.filter((s) => s.state === 'downloading' && s.totalBytes !== null);
    expect(progress.at(-1)).toMatchObject({ transferredBytes: artefact.length, totalBytes: artefact.length });
    expect(readFileSync(join(pending, ARTEFACT)).equals(artefact)).toBe(true);

    expect(installs).toEqual([]);
    service.install('now');
    expect(installs).toEqual([[false, true]]);
  });

  it('says the app is up to date when the feed offers the running version', async () => {
    server.put('/linux/latest-linux.yml', latestYml('0.1.0', Buffer.from('same')));
    const { service } = installedApp();
    expect(await service.check()).toMatchObject({ state: 'not-available', version: null });
  });

  it('discards a download whose bytes do not match the published sha512 and says so', async () => {
    const artefact = randomBytes(50_000);
    server.put('/linux/latest-linux.yml', latestYml('0.2.0', artefact, sha512(Buffer.from('what the publisher built'))));
    server.put(`/linux/${ARTEFACT}`, artefact);
    const { service, pending } = installedApp();

    await service.check();
    await vi.waitFor(() => expect(service.status().state).toBe('error'));
    expect(service.status()).toMatchObject({
      state: 'error',
      message: 'The downloaded update did not match the checksum its server published (sha512), so it was discarded. Nothing was installed.',
    });
    expect(existsSync(join(pending, ARTEFACT))).toBe(false);
    expect(() => service.install('now')).toThrow('nothing to install');
  });
});
