import { existsSync, readFileSync } from 'node:fs';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

test('the theme chosen in Settings is applied at once and survives a reload', async ({ app }) => {
  const html = app.locator('html');
  const theme = app.getByRole('radiogroup', { name: 'Theme' });
  await expect(theme.getByRole('radio', { name: 'System' })).toBeChecked();
  await screenshotScreen(app, 'settings-light');

  await theme.getByText('Dark').click();
  await expect(html).toHaveAttribute('data-theme', 'dark');
  await expect(theme.getByRole('radio', { name: 'Dark' })).toBeChecked();
  await screenshotScreen(app, 'settings-dark');

  await app.reload();
  await expect(app.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(html).toHaveAttribute('data-theme', 'dark');

  await app.getByRole('radiogroup', { name: 'Theme' }).getByText('Light').click();
  await app.reload();
  await expect(html).toHaveAttribute('data-theme', 'light');
});

test('settings changed in another window are applied here without a reload', async ({ app, harness }) => {
  await expect(app.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'System' })).toBeChecked();
  await app.getByLabel('Audit log retention').fill('45');
  harness.services.core().settings.update({ theme: 'dark', catalogRefreshMinutes: 120, auditRetentionDays: 10 });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await expect(app.getByRole('radiogroup', { name: 'Theme' }).getByRole('radio', { name: 'Dark' })).toBeChecked();
  await expect(app.getByLabel('Catalog refresh interval')).toHaveValue('120');
  // A field the user is typing in keeps what they typed.
  await expect(app.getByLabel('Audit log retention')).toHaveValue('45');
});

test('system theme follows the operating system preference', async ({ app }) => {
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await app.emulateMedia({ colorScheme: 'light' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
});

test('an out-of-range refresh interval is refused with a message and nothing is saved', async ({ app }) => {
  const refresh = app.getByLabel('Catalog refresh interval');
  await expect(refresh).toHaveValue('60');
  await refresh.fill('2');
  await app.getByRole('button', { name: 'Save changes' }).click();
  await expect(app.getByText('Between 5 and 1440 minutes')).toBeVisible();
  await expect(refresh).toHaveAttribute('aria-invalid', 'true');
  // What the user typed stays in the field so it can be corrected.
  await expect(refresh).toHaveValue('2');
  await screenshotScreen(app, 'settings-invalid');

  await refresh.fill('15.5');
  await app.getByRole('button', { name: 'Save changes' }).click();
  await expect(app.getByText('A whole number between 5 and 1440 minutes')).toBeVisible();

  await app.reload();
  await expect(app.getByLabel('Catalog refresh interval')).toHaveValue('60');
});

test('valid general settings are saved and shown after a reload', async ({ app }) => {
  await app.getByLabel('Catalog refresh interval').fill('30');
  await app.getByLabel('Audit log retention').fill('30');
  await app.getByRole('button', { name: 'Save changes' }).click();
  await expect(app.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  const desktop = app.getByRole('switch', { name: 'Desktop notifications' });
  await expect(desktop).toBeChecked();
  await desktop.click();
  await expect(desktop).not.toBeChecked();

  await app.reload();
  await expect(app.getByLabel('Catalog refresh interval')).toHaveValue('30');
  await expect(app.getByLabel('Audit log retention')).toHaveValue('30');
  await expect(app.getByRole('switch', { name: 'Desktop notifications' })).not.toBeChecked();
});

test('main’s refusal of a setting is shown to the user', async ({ app, harness }) => {
  await expect(app.getByLabel('Catalog refresh interval')).toHaveValue('60');
  // The database goes away under the form: main refuses every change with its own message.
  harness.services.close();
  await app.getByLabel('Catalog refresh interval').fill('45');
  await app.getByRole('button', { name: 'Save changes' }).click();
  await expect(app.getByRole('alert').filter({ hasText: 'Switchboard did not save these settings' })).toContainText('The database cannot be read');
  await expect(app.getByLabel('Catalog refresh interval')).toHaveValue('45');
});

test('the data folder is shown read-only', async ({ app, harness }) => {
  const folder = app.getByLabel('Data folder');
  await expect(folder).toHaveValue(harness.dataDir);
  await expect(folder).toHaveAttribute('readonly', '');
});

test('desktop notifications reach the desktop only while the switch is on', async ({ app, harness }) => {
  const desktopCount = () => (existsSync(harness.nativeLog) ? readFileSync(harness.nativeLog, 'utf8').trim().split('\n').filter(Boolean).length : 0);
  const toasts = app.getByRole('region', { name: 'Notifications' }).getByRole('listitem');
  await app.getByRole('button', { name: 'Send a test notification' }).click();
  await expect(toasts).toHaveCount(1);
  await expect.poll(desktopCount).toBe(1);

  await app.getByRole('switch', { name: 'Desktop notifications' }).click();
  await expect(app.getByRole('switch', { name: 'Desktop notifications' })).not.toBeChecked();
  await app.getByRole('button', { name: 'Send a test notification' }).click();
  // The toast still shows in the app; nothing more goes to the desktop.
  await expect(app.getByTestId('unread-count')).toHaveText('2');
  expect(desktopCount()).toBe(1);
});
