// The installed app updating itself, driven by Playwright's Electron support:
// the app is packaged with electron-builder --dir over the real Electron
// (scripts/pack-dir.ts), fed from an HTTPS server on 127.0.0.1, and marked as
// a deb install, so electron-updater's DebUpdater downloads over Electron's
// net and checks the sha512. It stops before "Restart and install", which
// would run dpkg. Where no Electron binary exists (our build machines) it is
// skipped with a line saying so; the same flow runs in the harness
// (updates.spec.ts) and over loopback in main/updates/loopback.test.ts.
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { TestHttpsServer } from '../../main/marketplace/testing/https-server.ts';
import { ARTEFACT, latestYml } from '../../main/updates/testing.ts';
import { packDir } from '../../scripts/pack-dir.ts';
import { electronSkipReason, findElectron, rootOnlyArgs } from '../fixtures/electron.ts';

const ROOT = resolve(import.meta.dirname, '../..');

test('the packaged app finds, downloads and verifies an update from its HTTPS feed, then waits for the user', async () => {
  test.setTimeout(240_000);
  const electronBinary = findElectron();
  if ('missing' in electronBinary) {
    console.log(`electron-updates: skipped. ${electronSkipReason(electronBinary.missing)}`);
    test.skip(true, electronSkipReason(electronBinary.missing));
    return;
  }
  const server = await TestHttpsServer.start();
  mkdirSync(join(ROOT, 'out'), { recursive: true });
  const scratch = mkdtempSync(join(ROOT, 'out', '.electron-updates-'));
  const userData = mkdtempSync(join(tmpdir(), 'switchboard-electron-updates-'));
  try {
    const artefact = randomBytes(1_000_000);
    server.put('/linux/latest-linux.yml', latestYml('99.0.0', artefact));
    server.put(`/linux/${ARTEFACT}`, artefact);
    const unpacked = await packDir({
      scratch,
      electronDist: electronBinary.dist,
      configure: (config) => {
        config.publish = { provider: 'generic', url: server.url('/linux/') };
        // Playwright drives Electron through its inspector, which this fuse turns off in the real package.
        config.electronFuses = { ...config.electronFuses, enableNodeCliInspectArguments: true };
      },
    });
    // What the deb target writes; it makes electron-updater pick its DebUpdater.
    writeFileSync(join(unpacked, 'resources', 'package-type'), 'deb');

    const app = await electron.launch({
      executablePath: join(unpacked, 'switchboard'),
      // The feed's certificate comes from the test CA, which the OS trust store does not hold.
      args: [`--user-data-dir=${userData}`, '--ignore-certificate-errors', ...rootOnlyArgs()],
    });
    try {
      const window = await app.firstWindow();
      const section = window.getByRole('region', { name: 'Updates' });
      await expect(section.getByRole('button', { name: 'Check now' })).toBeVisible({ timeout: 30_000 });
      await section.getByRole('button', { name: 'Check now' }).click();
      await expect(section).toContainText('Switchboard 99.0.0 is downloaded and verified.', { timeout: 60_000 });
      await expect(section.getByRole('button', { name: 'Restart and install' })).toBeVisible();
    } finally {
      await app.close();
    }
  } finally {
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
    rmSync(userData, { recursive: true, force: true });
  }
});
