import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { Harness } from '../harness/server.ts';
import { expect, SCREENSHOTS, test } from '../fixtures/harness.ts';

const ID = 'task-exporter';
const LABEL = 'Export tasks as Markdown';

/** An installed plugin that sleeps until its contributed command is chosen. */
async function installSleeping(harness: Harness): Promise<void> {
  const core = harness.services.core();
  const folder = join(core.pluginPaths.root, ID);
  mkdirSync(folder, { recursive: true });
  writeFileSync(
    join(folder, 'plugin.json'),
    JSON.stringify({ id: ID, name: 'Task exporter', version: '1.0.0', main: 'index.js', permissions: ['palette', 'notifications'], activationEvents: [`onCommand:${LABEL}`], contributes: { commands: [{ label: LABEL }] } }),
  );
  writeFileSync(join(folder, 'index.js'), `agor.palette.registerCommand(${JSON.stringify(LABEL)}, async () => { await agor.notifications.send('Task exporter', 'Exported 0 tasks'); });`);
  core.plugins.put({ id: ID, name: 'Task exporter', version: '1.0.0', sourceId: 'catalog', previousVersion: null, grants: ['palette', 'notifications'] });
  await core.supervisor.start(ID);
}

async function openPlugins(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Plugins' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Plugins' })).toBeVisible();
}

async function bothThemes(app: Page, harness: Harness, name: string): Promise<void> {
  for (const theme of ['light', 'dark'] as const) {
    harness.services.core().settings.update({ theme });
    await expect.poll(() => app.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
    await app.screenshot({ path: join(SCREENSHOTS, `${name}-${theme}.png`) });
  }
}

test('a sleeping plugin says so and why; the palette lists its command and running it starts the plugin', async ({ app, harness }) => {
  await installSleeping(harness);
  await openPlugins(app);
  const row = app.getByRole('listitem', { name: 'Task exporter' });
  await expect(row.getByLabel('State: Sleeping')).toBeVisible();
  await expect(row).toContainText(`Starts when you run “${LABEL}”`);
  await bothThemes(app, harness, 'plugin-sleeping');

  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('export tasks');
  await expect(palette.getByRole('option').first()).toContainText(LABEL);
  await expect(palette.getByRole('option').first()).toContainText('Task exporter');
  await bothThemes(app, harness, 'palette-sleeping-command');
  await app.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(app.getByRole('listitem', { name: /Task exporter/ }).filter({ hasText: 'Exported 0 tasks' })).toBeVisible();
  await expect(row.getByLabel('State: Running')).toBeVisible();
  expect(harness.services.core().supervisor.isRunning(ID)).toBe(true);
});

test('Load unpacked: a wrong folder is refused on the field; a plugin folder is sideloaded and waits for approval', async ({ app, harness }) => {
  const work = mkdtempSync(join(tmpdir(), 'sb-e2e-unpacked-'));
  const folder = join(work, 'greeter');
  mkdirSync(folder);
  writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ id: 'greeter', name: 'Greeter', version: '0.1.0', main: 'index.js', permissions: ['palette'] }));
  writeFileSync(join(folder, 'index.js'), `agor.palette.registerCommand('Greet', () => 'hi');`);
  await openPlugins(app);
  await app.getByRole('button', { name: 'Load unpacked…' }).click();
  const dialog = app.getByRole('dialog', { name: 'Load unpacked plugin' });
  await dialog.getByLabel('Plugin folder').fill(work);
  await dialog.getByRole('button', { name: 'Load' }).click();
  await expect(dialog.getByText('That folder has no plugin.json.')).toBeVisible();
  await bothThemes(app, harness, 'load-unpacked-error');

  await dialog.getByLabel('Plugin folder').fill(folder);
  await dialog.getByRole('button', { name: 'Load' }).click();
  await expect(dialog).toBeHidden();
  await expect(app.getByRole('heading', { level: 1, name: 'Greeter' })).toBeVisible();
  await openPlugins(app);
  const row = app.getByRole('listitem', { name: 'Greeter' });
  await expect(row.getByText('Sideloaded')).toBeVisible();
  await bothThemes(app, harness, 'plugin-unpacked');
  expect(harness.services.core().supervisor.isRunning('greeter')).toBe(false);
  rmSync(work, { recursive: true, force: true });
});
