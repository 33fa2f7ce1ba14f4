import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

const GARBAGE = 'This is not a SQLite database, just some bytes someone left here.\n'.repeat(64);

test.use({ databaseFile: GARBAGE });

test('an unreadable database is explained, left alone, and moved aside only when the user asks', async ({ app, harness }) => {
  const databasePath = join(harness.dataDir, 'switchboard.db');
  await expect(app.getByRole('heading', { level: 1, name: 'Switchboard can’t read its database' })).toBeVisible();
  await expect(app.getByText('Nothing in it has been changed or deleted.')).toBeVisible();
  await expect(app.locator('dd', { hasText: databasePath }).first()).toBeVisible();
  // The rest of the app is not shown over a database it cannot use.
  await expect(app.getByRole('navigation', { name: 'Main' })).toHaveCount(0);
  await screenshotScreen(app, 'database-recovery');

  // Looking at the screen (and reloading it) changes nothing on disk.
  await app.reload();
  await expect(app.getByRole('heading', { level: 1, name: 'Switchboard can’t read its database' })).toBeVisible();
  expect(readFileSync(databasePath, 'utf8')).toBe(GARBAGE);

  await app.getByRole('button', { name: 'Move it aside and start fresh' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Switchboard has a fresh database' })).toBeVisible();
  const aside = readdirSync(harness.dataDir).filter((f) => f.startsWith('switchboard.db.unreadable-'));
  expect(aside).toHaveLength(1);
  expect(readFileSync(join(harness.dataDir, aside[0]!), 'utf8')).toBe(GARBAGE);
  await expect(app.getByText(join(harness.dataDir, aside[0]!))).toBeVisible();
  await screenshotScreen(app, 'database-recovered');

  await app.getByRole('button', { name: 'Continue to Switchboard' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  const rows = app.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ has: app.getByRole('cell') });
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('database reset');
  await expect(rows.first()).toContainText(aside[0]!);
});
