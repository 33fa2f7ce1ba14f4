import { expect, test } from '../fixtures/harness.ts';

test('the app opens on the settings screen with the navigation and the bell', async ({ app }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const nav = app.getByRole('navigation', { name: 'Main' });
  await expect(nav.getByRole('button', { name: 'Settings' })).toHaveAttribute('aria-current', 'page');
  await nav.getByRole('button', { name: 'Audit log' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Audit log' })).toBeVisible();
  await expect(app.getByRole('button', { name: /^Notifications/ })).toBeVisible();
});

test('every screen renders under the strict content security policy without errors', async ({ page, harness }) => {
  const problems: string[] = [];
  page.on('console', (message) => {
    // A failed request is reported with its URL below; the console line alone does not say which.
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(harness.url);
  // Styles blocked by the CSP would leave the page unstyled; the shell's grid proves they loaded.
  await expect(page.locator('.shell')).toHaveCSS('display', 'grid');
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const item of await nav.getByRole('button').all()) {
    await item.click();
    await expect(page.getByRole('heading', { level: 1 })).toBeVisible();
  }
  expect(problems).toEqual([]);
});
