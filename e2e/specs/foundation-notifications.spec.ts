import { join } from 'node:path';
import { MAX_VISIBLE_TOASTS } from '../../app/contract/notifications.ts';
import { SCREENSHOTS, expect, test } from '../fixtures/harness.ts';

const SEVEN = [
  { type: 'success', title: 'Plugin installed' },
  { type: 'error', title: 'Download failed' },
  { type: 'warning', title: 'Catalog is stale' },
  { type: 'info', title: 'Update available' },
  { type: 'agent_complete', title: 'Agent finished' },
  { type: 'agent_error', title: 'Agent stopped with an error' },
  { type: 'info', title: 'Seventh notice' },
] as const;

test('seven quick notifications show at most five toasts, then all of them, then none', async ({ app, harness }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const toasts = app.getByRole('region', { name: 'Notifications' }).getByRole('listitem');
  for (const n of SEVEN) harness.services.core().notifications.notify({ ...n, message: `${n.type} message` });

  await expect(toasts).toHaveCount(MAX_VISIBLE_TOASTS);
  await expect(app.getByRole('button', { name: 'Notifications, 7 unread' })).toBeVisible();
  await expect(app.getByTestId('unread-count')).toHaveText('7');
  // Newest visible on top; the last two wait their turn.
  await expect(toasts.first()).toContainText('Agent finished');
  await expect(toasts.filter({ hasText: 'Seventh notice' })).toHaveCount(0);
  // Each toast carries its type's icon, named for screen readers.
  for (const [title, icon] of [
    ['Plugin installed', 'Success'],
    ['Download failed', 'Error'],
    ['Catalog is stale', 'Warning'],
    ['Update available', 'Info'],
    ['Agent finished', 'Agent finished'],
  ]) {
    await expect(toasts.filter({ hasText: title }).getByRole('img', { name: icon, exact: true })).toBeVisible();
  }
  await app.screenshot({ path: join(SCREENSHOTS, 'toasts.png') });
  await app.emulateMedia({ colorScheme: 'dark' });
  await app.screenshot({ path: join(SCREENSHOTS, 'toasts-dark.png') });

  // As the first five time out, the two waiting ones appear, and then they go too.
  await expect(toasts.filter({ hasText: 'Seventh notice' })).toBeVisible({ timeout: 10_000 });
  await expect(toasts).toHaveCount(2);
  await expect(toasts.filter({ hasText: 'Agent stopped with an error' }).getByRole('img', { name: 'Agent error', exact: true })).toBeVisible();
  await expect(toasts).toHaveCount(0, { timeout: 10_000 });
  // Toasts leaving does not mark anything read.
  await expect(app.getByTestId('unread-count')).toHaveText('7');
});

test('a hovered toast stays until the pointer leaves, and the close button dismisses at once', async ({ app, harness }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  // The page's clock is driven by the test, so "well past 4 s" costs no real time.
  await app.clock.install();
  const region = app.getByRole('region', { name: 'Notifications' });
  harness.services.core().notifications.notify({ type: 'warning', title: 'Hover me' });
  harness.services.core().notifications.notify({ type: 'info', title: 'Close me' });
  const hovered = region.getByRole('listitem').filter({ hasText: 'Hover me' });
  await hovered.hover();

  const closeMe = region.getByRole('listitem').filter({ hasText: 'Close me' });
  await closeMe.getByRole('button', { name: 'Dismiss notification' }).click();
  await expect(closeMe).toHaveCount(0);

  await hovered.hover();
  // Well past the 4 s a toast normally lives: the hovered one is still there.
  await app.clock.runFor(10_000);
  await expect(hovered).toBeVisible();
  await app.mouse.move(5, 400);
  await app.clock.runFor(4_100);
  await expect(hovered).toHaveCount(0);
});

test('the bell lists the history with types and times; mark read, mark all read and clear work', async ({ app, harness }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  for (const n of SEVEN) harness.services.core().notifications.notify({ ...n, message: `${n.type} message` });
  const bell = app.getByRole('button', { name: 'Notifications, 7 unread' });
  await bell.click();
  const center = app.getByRole('dialog', { name: 'Notification Center' });
  await expect(center).toBeVisible();
  const items = center.getByRole('listitem');
  await expect(items).toHaveCount(7);
  await expect(items.first()).toContainText('Seventh notice');
  await expect(items.first().locator('time')).toContainText('just now');
  for (const label of ['Success', 'Error', 'Warning', 'Info', 'Agent finished', 'Agent error']) {
    await expect(center.getByRole('img', { name: label, exact: true }).first()).toBeVisible();
  }
  await app.screenshot({ path: join(SCREENSHOTS, 'notification-center.png') });
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await app.screenshot({ path: join(SCREENSHOTS, 'notification-center-dark.png') });
  await app.emulateMedia({ colorScheme: 'light' });

  await center.getByRole('button', { name: 'Mark "Download failed" read' }).click();
  await expect(app.getByTestId('unread-count')).toHaveText('6');
  await expect(center.getByRole('button', { name: 'Mark "Download failed" read' })).toHaveCount(0);

  await center.getByRole('button', { name: 'Mark all read' }).click();
  await expect(app.getByTestId('unread-count')).toHaveCount(0);
  await expect(app.getByRole('button', { name: 'Notifications', exact: true })).toBeVisible();

  await center.getByRole('button', { name: 'Clear' }).click();
  await expect(center.getByText('No notifications')).toBeVisible();
  await app.screenshot({ path: join(SCREENSHOTS, 'notification-center-empty.png') });

  // What was read and cleared stays so after a reload.
  await app.reload();
  await app.getByRole('button', { name: 'Notifications', exact: true }).click();
  await expect(app.getByRole('dialog', { name: 'Notification Center' }).getByText('No notifications')).toBeVisible();
});

test('the Notification Center closes on Escape and on a click outside it', async ({ app }) => {
  const bell = app.getByRole('button', { name: /^Notifications/ });
  await bell.click();
  const center = app.getByRole('dialog', { name: 'Notification Center' });
  await expect(center).toBeVisible();
  await expect(bell).toHaveAttribute('aria-expanded', 'true');
  await app.keyboard.press('Escape');
  await expect(center).toHaveCount(0);
  await expect(bell).toBeFocused();

  await bell.click();
  await expect(center).toBeVisible();
  await app.getByRole('heading', { level: 1, name: 'Settings' }).click();
  await expect(center).toHaveCount(0);
});

test('"Send a test notification" shows a toast and counts as unread', async ({ app }) => {
  await app.getByRole('button', { name: 'Send a test notification' }).click();
  await expect(app.getByRole('region', { name: 'Notifications' }).getByRole('listitem').filter({ hasText: 'Test notification' })).toBeVisible();
  await expect(app.getByTestId('unread-count')).toHaveText('1');
});
