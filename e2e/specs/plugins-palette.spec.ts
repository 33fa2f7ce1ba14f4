import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, SCREENSHOTS, test } from '../fixtures/harness.ts';

async function openPalette(app: Page) {
  // The shortcut is heard once the shell is up; a key pressed during start-up goes nowhere.
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await expect(palette).toBeVisible();
  return palette;
}

test('the palette filters fuzzily, runs with Enter and closes', async ({ app }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const palette = await openPalette(app);
  await expect(palette.getByRole('option', { name: /Go to Tasks/ })).toBeVisible();
  await app.screenshot({ path: join(SCREENSHOTS, 'palette-open.png') });

  await palette.getByRole('combobox', { name: 'Command' }).fill('gotsk');
  await expect(palette.getByRole('option').first()).toContainText('Go to Tasks');
  await app.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(app.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();

  await openPalette(app);
  await app.keyboard.press('Escape');
  await expect(app.getByRole('dialog', { name: 'Command palette' })).toBeHidden();
});

test('arrow keys choose the command Enter runs', async ({ app, harness }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const palette = await openPalette(app);
  await palette.getByRole('combobox', { name: 'Command' }).fill('theme');
  const options = palette.getByRole('option');
  await expect(options).toHaveCount(2);
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  await app.keyboard.press('ArrowDown');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  await app.keyboard.press('ArrowDown');
  await expect(options.nth(0)).toHaveAttribute('aria-selected', 'true');
  await app.keyboard.press('ArrowUp');
  await expect(options.nth(1)).toHaveAttribute('aria-selected', 'true');
  // Whichever place the fuzzy ranking gives it, walk to "Toggle" with the arrows.
  const toggleAt = (await options.allTextContents()).findIndex((label) => label.startsWith('Toggle light / dark theme'));
  expect(toggleAt).toBeGreaterThanOrEqual(0);
  if (toggleAt === 0) await app.keyboard.press('ArrowDown');
  await expect(options.nth(toggleAt)).toHaveAttribute('aria-selected', 'true');

  const before = await app.evaluate(() => document.documentElement.dataset.theme);
  await app.keyboard.press('Enter');
  await expect.poll(() => app.evaluate(() => document.documentElement.dataset.theme)).toBe(before === 'dark' ? 'light' : 'dark');
  expect(harness.services.core().settings.get().theme).toBe(before === 'dark' ? 'light' : 'dark');
});

test('a command that takes an argument asks for it; a failing one shows an error toast', async ({ app, harness }) => {
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  let palette = await openPalette(app);
  await palette.getByRole('combobox', { name: 'Command' }).fill('create task');
  await app.keyboard.press('Enter');
  const argument = palette.getByRole('textbox', { name: 'Text for “Create a task”' });
  await expect(argument).toBeFocused();
  await app.screenshot({ path: join(SCREENSHOTS, 'palette-argument.png') });
  await argument.fill('Triage the nightly failures');
  await app.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Tasks' }).click();
  await expect(app.locator('.task-card-title')).toHaveText(['Triage the nightly failures']);
  expect(harness.services.core().audit.list({ eventType: 'task_created' }).map((e) => e.actor)).toEqual(['user']);

  palette = await openPalette(app);
  await palette.getByRole('combobox', { name: 'Command' }).fill('create task');
  await app.keyboard.press('Enter');
  await app.keyboard.press('Enter');
  const toast = app.getByRole('listitem', { name: /“Create a task” failed/ });
  await expect(toast).toContainText('Type the title of the task after choosing the command.');
  await app.screenshot({ path: join(SCREENSHOTS, 'palette-error-toast.png') });
  expect(harness.services.core().tasks.list()).toHaveLength(1);
});

test('Escape in the argument step goes back to the list', async ({ app }) => {
  const palette = await openPalette(app);
  await palette.getByRole('combobox', { name: 'Command' }).fill('create task');
  await app.keyboard.press('Enter');
  await expect(palette.getByRole('textbox', { name: 'Text for “Create a task”' })).toBeVisible();
  await app.keyboard.press('Escape');
  await expect(palette.getByRole('combobox', { name: 'Command' })).toHaveValue('create task');
});
