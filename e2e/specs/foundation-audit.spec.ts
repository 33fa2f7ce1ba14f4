import { readFileSync } from 'node:fs';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

test('changes made in Settings appear in the audit log, newest first, and filter by type and actor', async ({ app, harness }) => {
  await app.getByRole('radiogroup', { name: 'Theme' }).getByText('Dark').click();
  await app.getByLabel('Catalog refresh interval').fill('30');
  await app.getByRole('button', { name: 'Save changes' }).click();
  await expect(app.getByRole('status').filter({ hasText: 'Saved' })).toBeVisible();
  const audit = harness.services.core().audit;
  audit.append('plugin_installed', 'plugin:acme.lint', 'acme.lint', { version: '1.2.0' });
  audit.append('permission_granted', 'user', 'acme.lint', { permission: 'messages' });

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  const table = app.getByRole('table', { name: 'Audit entries' });
  const rows = table.getByRole('row').filter({ has: app.getByRole('cell') });
  await expect(rows).toHaveCount(4);
  await expect(rows.nth(0)).toContainText('permission granted');
  await expect(rows.nth(1)).toContainText('plugin installed');
  await expect(rows.nth(1)).toContainText('plugin:acme.lint');
  await expect(rows.nth(1)).toContainText('version: 1.2.0');
  await expect(rows.nth(2)).toContainText('catalogRefreshMinutes');
  await expect(rows.nth(3)).toContainText('theme');
  await expect(rows.nth(3)).toContainText('to: dark');
  await screenshotScreen(app, 'audit-dark');

  await app.getByLabel('Event type').selectOption({ label: 'settings changed' });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'plugin installed' })).toHaveCount(0);

  await app.getByLabel('Event type').selectOption({ label: 'All event types' });
  await app.getByLabel('Actor').selectOption('plugin:acme.lint');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('plugin installed');

  await app.getByLabel('Event type').selectOption({ label: 'settings changed' });
  await expect(app.getByText('No entries match these filters')).toBeVisible();
  await screenshotScreen(app, 'audit-filtered-empty');
  await app.getByRole('button', { name: 'Clear filters' }).click();
  await expect(rows).toHaveCount(4);
});

test('new audit entries appear without reloading the screen', async ({ app, harness }) => {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  await expect(app.getByText('Nothing recorded yet')).toBeVisible();
  await screenshotScreen(app, 'audit-empty');
  harness.services.core().audit.append('plugin_crashed', 'plugin:acme.lint', 'acme.lint', { exitCode: 1 });
  const rows = app.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ has: app.getByRole('cell') });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('plugin crashed');
});

test('export writes the filtered entries as a JSON Lines file', async ({ app, harness }) => {
  const audit = harness.services.core().audit;
  audit.append('plugin_installed', 'plugin:acme.lint', 'acme.lint');
  audit.append('plugin_installed', 'plugin:acme.fmt', 'acme.fmt');
  audit.append('plugin_disabled', 'user', 'acme.fmt');
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  await app.getByLabel('Event type').selectOption({ label: 'plugin installed' });
  await expect(app.getByRole('table', { name: 'Audit entries' }).getByRole('row')).toHaveCount(3);

  const downloading = app.waitForEvent('download');
  await app.getByRole('button', { name: 'Export JSON Lines' }).click();
  const download = await downloading;
  expect(download.suggestedFilename()).toMatch(/^switchboard-audit-\d{8}-\d{6}\.jsonl$/);
  const lines = readFileSync(await download.path(), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { eventType: string; subject: string });
  expect(lines.map((l) => [l.eventType, l.subject])).toEqual([
    ['plugin_installed', 'acme.fmt'],
    ['plugin_installed', 'acme.lint'],
  ]);
  await expect(app.getByText(/Exported 2 entries to switchboard-audit-/)).toBeVisible();
});
