import { join } from 'node:path';
import { SCREENSHOTS, expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

/** True when the screen area itself would need a horizontal scroll bar. */
const contentOverflows = (app: import('@playwright/test').Page) =>
  app.evaluate(() => {
    const content = document.querySelector('#content')!;
    return content.scrollWidth > content.clientWidth + 1;
  });

test('Settings and the audit log fit a small window without sideways scrolling', async ({ app, harness }) => {
  const audit = harness.services.core().audit;
  audit.append('plugin_installed', 'plugin:acme.a-plugin-with-a-rather-long-identifier', 'acme.a-plugin-with-a-rather-long-identifier', {
    version: '10.20.30-beta.4',
    source: 'https://plugins.example.test/catalog/acme/a-plugin-with-a-rather-long-identifier-10.20.30-beta.4.tgz',
  });
  await app.setViewportSize({ width: 900, height: 700 });
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await expect(app.getByLabel('Data folder')).toHaveValue(harness.dataDir);
  expect(await contentOverflows(app)).toBe(false);
  await screenshotScreen(app, 'settings-narrow');

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  await expect(app.getByRole('table', { name: 'Audit entries' }).getByRole('row')).toHaveCount(2);
  expect(await contentOverflows(app)).toBe(false);
  // Long values are cut in the row; the full entry opens below it.
  const source = 'https://plugins.example.test/catalog/acme/a-plugin-with-a-rather-long-identifier-10.20.30-beta.4.tgz';
  await expect(app.locator('pre', { hasText: source })).toHaveCount(0);
  await app.getByRole('button', { name: /^Show entry \d+ in full$/ }).click();
  await expect(app.locator('pre', { hasText: source })).toBeVisible();
  expect(await contentOverflows(app)).toBe(false);
  await screenshotScreen(app, 'audit-narrow-light');
});

test('the screens can be reached and used with the keyboard alone', async ({ app }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const nav = app.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('button', { name: 'Settings' }).focus();
  const auditLink = nav.getByRole('button', { name: 'Audit log' });
  // Other screens may sit between; tab until the Audit entry has focus.
  for (let i = 0; i < 10 && !(await auditLink.evaluate((el) => el === document.activeElement)); i++) await app.keyboard.press('Tab');
  await expect(auditLink).toBeFocused();
  await app.screenshot({ path: join(SCREENSHOTS, 'focus-ring.png'), clip: { x: 0, y: 0, width: 420, height: 220 } });
  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(auditLink).toHaveAttribute('aria-current', 'page');

  await app.getByRole('button', { name: /^Notifications/ }).focus();
  await app.keyboard.press('Enter');
  await expect(app.getByRole('dialog', { name: 'Notification Center' })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(app.getByRole('button', { name: /^Notifications/ })).toBeFocused();
});
