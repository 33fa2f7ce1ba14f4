// App updates in the window. The harness itself does not update, so the
// second and third tests give it electron-updater's real Linux updater fed
// from an HTTPS server on 127.0.0.1 (main/updates/testing.ts); only the
// restart is recorded instead of run.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { TestHttpsServer } from '../../main/marketplace/testing/https-server.ts';
import { ARTEFACT, latestYml, loopbackUpdater, sha512 } from '../../main/updates/testing.ts';
import { startHarness, type Harness } from '../harness/server.ts';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

async function runPaletteCommand(app: Page, label: string) {
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill(label);
  await expect(palette.getByRole('option').first()).toContainText(label);
  await app.keyboard.press('Enter');
  await expect(palette).toBeHidden();
}

const updatesSection = (app: Page) => app.getByRole('region', { name: 'Updates' });

test('the harness says it does not update itself, and keeps the update setting', async ({ app, harness }) => {
  const section = updatesSection(app);
  await expect(section).toContainText('The browser harness does not update itself; the installed desktop app does.');
  await section.getByRole('radiogroup', { name: 'Check for updates' }).getByText('Ask').click();
  await expect(section).toContainText('asks before downloading');
  await expect.poll(() => harness.services.core().settings.get().updateChecks).toBe('ask');

  await runPaletteCommand(app, 'Check for updates');
  await expect(app.getByRole('listitem', { name: /“Check for updates” failed/ })).toContainText('The browser harness does not update itself');
});

test.describe('with an update feed', () => {
  let server: TestHttpsServer;
  let scratch: string;
  let harness: Harness;
  test.beforeEach(async () => {
    server = await TestHttpsServer.start();
    scratch = mkdtempSync(join(tmpdir(), 'switchboard-e2e-updates-'));
  });
  test.afterEach(async () => {
    await harness?.close();
    await server.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  async function openApp(page: Page) {
    const loopback = loopbackUpdater({ feedUrl: server.url('/linux/'), ca: server.certificates.ca, scratch: join(scratch, 'updater') });
    harness = await startHarness({ dataDir: join(scratch, 'data'), updater: loopback.updater });
    await page.goto(harness.url);
    return loopback;
  }

  test('"Check for updates" downloads the new version, and it installs only when the user says so', async ({ page }) => {
    const artefact = randomBytes(2_000_000);
    server.put('/linux/latest-linux.yml', latestYml('0.2.0', artefact));
    server.put(`/linux/${ARTEFACT}`, artefact);
    const { installs, pending } = await openApp(page);
    const section = updatesSection(page);
    // The first automatic check waits a while after start; nothing has been looked up yet.
    await expect(section.getByRole('button', { name: 'Check now' })).toBeVisible();
    await expect(section).toContainText('Switchboard 0.1.0.');

    await runPaletteCommand(page, 'Check for updates');
    await expect(section).toContainText('Switchboard 0.2.0 is downloaded and verified. It installs when you restart.');
    expect(readFileSync(join(pending, ARTEFACT)).equals(artefact)).toBe(true);
    await expect(page.getByRole('listitem', { name: /Switchboard 0\.2\.0 is ready/ })).toBeVisible();
    for (const theme of ['light', 'dark'] as const) {
      harness.services.core().settings.update({ theme });
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      await screenshotScreen(page, `updates-downloaded-${theme}`);
    }

    await section.getByRole('button', { name: 'Install when I quit' }).click();
    await expect(section).toContainText('It installs when you quit Switchboard.');
    expect(installs).toEqual([]);
    await section.getByRole('button', { name: 'Restart and install' }).click();
    await expect.poll(() => installs).toEqual([[false, true]]);
  });

  test('a download that does not match its published sha512 is discarded and the window says so', async ({ page }) => {
    const artefact = randomBytes(100_000);
    server.put('/linux/latest-linux.yml', latestYml('0.2.0', artefact, sha512(Buffer.from('the bytes the publisher built'))));
    server.put(`/linux/${ARTEFACT}`, artefact);
    const { installs, pending } = await openApp(page);
    const section = updatesSection(page);
    await section.getByRole('radiogroup', { name: 'Check for updates' }).getByText('Ask').click();
    await section.getByRole('button', { name: 'Check now' }).click();
    await expect(section.getByRole('alert')).toContainText('did not match the checksum its server published (sha512), so it was discarded. Nothing was installed.');
    await expect(section.getByRole('button', { name: 'Restart and install' })).toHaveCount(0);
    expect(existsSync(join(pending, ARTEFACT))).toBe(false);
    expect(installs).toEqual([]);
    await screenshotScreen(page, 'updates-checksum-refused');
  });
});
