import { expect, test } from '../fixtures/harness.ts';

test('the app opens on the settings screen', async ({ app }) => {
  await expect(app.getByRole('heading', { name: 'Settings' })).toBeVisible();
  await expect(app.getByText('Theme: system')).toBeVisible();
});
