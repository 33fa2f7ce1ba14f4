import { cpSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Permission } from '../../app/permissions.ts';
import type { Harness } from '../harness/server.ts';
import { expect, SCREENSHOTS, test } from '../fixtures/harness.ts';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'plugins', 'standup-helper');
const ID = 'standup-helper';
const GRANTS: Permission[] = ['palette', 'notifications', 'panels', 'settings'];

/** What an install leaves behind: the folder under plugins/ and a registry row with the user's grants (disabled here, so the test enables it). */
function installFixture(harness: Harness): void {
  const core = harness.services.core();
  cpSync(FIXTURE, join(core.pluginPaths.root, ID), { recursive: true });
  core.plugins.put({ id: ID, name: 'Standup helper', version: '1.2.0', sourceId: null, previousVersion: null, grants: GRANTS, enabled: false });
}

async function runFromPalette(app: Page, query: string, argument?: string): Promise<void> {
  // The shortcut is heard once the shell is up; a key pressed during start-up goes nowhere.
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await expect(palette.getByText(/plugin commands?$/)).toBeVisible();
  await palette.getByRole('combobox', { name: 'Command' }).fill(query);
  await app.keyboard.press('Enter');
  if (argument !== undefined) {
    await palette.getByRole('textbox').fill(argument);
    await app.keyboard.press('Enter');
  }
  await expect(palette).toBeHidden();
}

async function openPlugins(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Plugins' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Plugins' })).toBeVisible();
}

test('enable a plugin, run its command with an argument, see its toast, panel and log', async ({ app, harness }) => {
  installFixture(harness);
  await openPlugins(app);
  const row = app.getByRole('listitem', { name: 'Standup helper' });
  await expect(row.getByLabel('State: Disabled')).toBeVisible();

  await row.getByRole('switch', { name: 'Enable Standup helper' }).check();
  await expect(row.getByLabel('State: Running')).toBeVisible();
  await app.screenshot({ path: join(SCREENSHOTS, 'plugins-installed.png') });

  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('say hello');
  await expect(palette.getByRole('option').first()).toContainText('Say hello');
  await expect(palette.getByRole('option').first()).toContainText('Standup helper');
  await app.screenshot({ path: join(SCREENSHOTS, 'palette-plugin-commands.png') });
  await app.keyboard.press('Escape');

  await runFromPalette(app, 'say hello', 'Ada');
  await expect(app.getByRole('listitem', { name: /Standup helper/ }).filter({ hasText: 'Hello, Ada!' })).toBeVisible();

  await row.getByRole('button', { name: /Standup helper/ }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Standup helper' })).toBeVisible();
  const panel = app.getByRole('region', { name: 'Panel' });
  await expect(panel).toContainText('1 greetings sent');
  await expect(panel.getByRole('table')).toContainText('Ada');
  await expect(panel.getByRole('link', { name: 'Standup notes' })).toHaveAttribute('href', 'https://docs.invalid/standup');
  // The plugin's raw HTML and its javascript: link never become live markup.
  await expect(panel.locator('script, img, [onerror]')).toHaveCount(0);
  await expect(panel.getByRole('link', { name: 'a trap' })).toHaveCount(0);
  expect(await app.evaluate(() => (window as { pwned?: boolean }).pwned)).toBeUndefined();

  const log = app.getByRole('log', { name: 'Plugin log' });
  await expect(log).toContainText('Standup helper loaded');
  await expect(log).toContainText('Greeting Ada');

  const permissions = app.getByRole('region', { name: 'Permissions' });
  await expect(permissions).toContainText('Add commands');
  await expect(permissions).toContainText('Show a panel');
  await expect(app.getByRole('region', { name: 'Health' })).toContainText('Running');

  // A command run while the page is open updates the panel and the log live.
  await runFromPalette(app, 'show the last diff');
  await expect(panel.getByLabel('Diff')).toContainText('+Unblocked, shipping today');
  await runFromPalette(app, 'say hello', 'Grace');
  await expect(log).toContainText('Greeting Grace');
  await runFromPalette(app, 'say hello', 'Linus');
  await expect(panel).toContainText('3 greetings sent');
  await app.screenshot({ path: join(SCREENSHOTS, 'plugin-page.png') });

  await runFromPalette(app, 'show standup stats');
  await expect(panel.getByRole('table')).toContainText('Grace');
  await expect(panel.getByRole('columnheader')).toHaveText(['Person', 'Standups', 'On time']);
  await panel.screenshot({ path: join(SCREENSHOTS, 'plugin-panel-table.png') });
  await runFromPalette(app, 'show greeting trend');
  await expect(panel.getByRole('img', { name: 'Greetings: 7 values from 2 to 9, latest 4' })).toBeVisible();
  await panel.screenshot({ path: join(SCREENSHOTS, 'plugin-panel-sparkline.png') });

  // The log follows new lines while you are at its bottom.
  await runFromPalette(app, 'log a burst');
  await expect(log).toContainText('Burst line 60');
  await log.scrollIntoViewIfNeeded();
  await expect(log.getByText('Burst line 60', { exact: true })).toBeInViewport();
  await expect(log.getByText('Burst line 1', { exact: true })).not.toBeInViewport();
  await log.scrollIntoViewIfNeeded();
  await app.screenshot({ path: join(SCREENSHOTS, 'plugin-page-lower.png') });
});

test('a plugin command that throws shows an error toast', async ({ app, harness }) => {
  installFixture(harness);
  await harness.services.core().supervisor.setEnabled(ID, true);
  await runFromPalette(app, 'fail on purpose');
  const toast = app.getByRole('listitem', { name: /“Fail on purpose” failed/ });
  await expect(toast).toContainText('The standup server is unreachable');

  await runFromPalette(app, 'open plugin standup');
  await expect(app.getByRole('heading', { level: 1, name: 'Standup helper' })).toBeVisible();
  await expect(app.getByRole('log', { name: 'Plugin log' })).toContainText('Fail on purpose');
});

test('the settings form refuses a bad value with its reason and keeps a good one', async ({ app, harness }) => {
  installFixture(harness);
  await harness.services.core().supervisor.setEnabled(ID, true);
  await openPlugins(app);
  await app.getByRole('listitem', { name: 'Standup helper' }).getByRole('button', { name: /Standup helper/ }).click();
  const form = app.getByRole('form', { name: 'Plugin settings' });
  await expect(form.getByLabel('Greeting')).toHaveValue('Hello');
  await expect(form.getByLabel('Team')).toHaveValue('Ada\nGrace');

  await form.getByLabel('Repeat').fill('9');
  await form.getByLabel('Greeting').fill('');
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByText('Between 1 and 5')).toBeVisible();
  await expect(form.getByText('Fill this in')).toBeVisible();
  await form.screenshot({ path: join(SCREENSHOTS, 'plugin-settings-errors.png') });
  expect(harness.services.core().supervisor.get(ID).settings).toMatchObject({ greeting: 'Hello', repeat: 1 });

  // Main runs the same check on whatever reaches it, whatever the form did.
  const refused = await harness.services.dispatch('plugins.updateSettings', { id: ID, values: { repeat: 9 } });
  expect(refused).toEqual({ ok: true, value: { saved: false, errors: { repeat: 'Between 1 and 5' } } });

  await form.getByLabel('Repeat').fill('3');
  await form.getByLabel('Greeting').fill('Howdy');
  await form.getByLabel('Tone').selectOption('cheerful');
  await form.getByRole('switch', { name: 'Shout' }).check();
  await form.getByRole('button', { name: 'Save settings' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved.');
  expect(harness.services.core().supervisor.get(ID).settings).toMatchObject({ greeting: 'Howdy', repeat: 3, tone: 'cheerful', loud: true });

  await app.reload();
  await openPlugins(app);
  await app.getByRole('listitem', { name: 'Standup helper' }).getByRole('button', { name: /Standup helper/ }).click();
  await expect(app.getByRole('form', { name: 'Plugin settings' }).getByLabel('Greeting')).toHaveValue('Howdy');

  await runFromPalette(app, 'say hello', 'Bob');
  await expect(app.getByRole('listitem', { name: /Standup helper/ }).filter({ hasText: 'HOWDY, BOB!' })).toBeVisible();
});

test('restart and uninstall from the plugin page; rollback is offered when a previous version is kept', async ({ app, harness }) => {
  installFixture(harness);
  const core = harness.services.core();
  core.plugins.put({ id: ID, name: 'Standup helper', version: '1.2.0', sourceId: null, previousVersion: '1.1.0', grants: GRANTS, enabled: true });
  await core.supervisor.start(ID);
  await openPlugins(app);
  await app.getByRole('listitem', { name: 'Standup helper' }).getByRole('button', { name: /Standup helper/ }).click();
  await expect(app.getByRole('button', { name: 'Roll back to v1.1.0' })).toBeVisible();

  const health = app.getByRole('region', { name: 'Health' });
  await app.getByRole('button', { name: 'Restart' }).click();
  await expect(app.getByText('Restarted.')).toBeVisible();
  await expect(health.getByText('Restarts').locator('+ dd')).toHaveText('1');
  await expect(health.getByText('State', { exact: true }).locator('+ dd')).toHaveText('Running');
  await expect(app.getByRole('log', { name: 'Plugin log' })).toContainText('Stopped: Restarting');

  await app.getByRole('button', { name: 'Uninstall' }).click();
  const confirm = app.getByRole('alertdialog', { name: 'Uninstall Standup helper?' });
  await confirm.getByRole('button', { name: 'Uninstall' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Plugins' })).toBeVisible();
  await expect(app.getByText('No plugins installed')).toBeVisible();
  expect(core.supervisor.isRunning(ID)).toBe(false);
  expect(core.plugins.get(ID)).toBeUndefined();
});
