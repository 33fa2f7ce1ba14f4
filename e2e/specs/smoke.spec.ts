import { expect, test } from '../fixtures/harness.ts';

test('the app opens on the settings screen with the navigation and the bell', async ({ app }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const nav = app.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('button', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('button', { name: 'Audit log' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(app.getByRole('button', { name: /^Notifications/ })).toBeVisible();
});
