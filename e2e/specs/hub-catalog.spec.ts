import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { pluginManifest, tarGz } from '../../main/marketplace/testing/archives.ts';
import { catalogV1, publish } from '../../main/marketplace/testing/fixture.ts';
import { startWorld, type TestWorld } from '../../hub/testing/world.ts';
import { expect, SCREENSHOTS, test as base } from '../fixtures/harness.ts';

/**
 * The desktop app adds the team Hub as an ordinary signed catalog source (its
 * URL, a personal access token and the Hub's public key) and installs a
 * plugin the Hub re-serves, through the real marketplace and plugin runtime.
 */
const test = base.extend<{ world: TestWorld }>({
  world: async ({}, use) => {
    const world = await startWorld();
    await use(world);
    await world.close();
  },
  extraCa: async ({ world }, use) => {
    await use([world.ca]);
  },
});

const shot = (page: Page, name: string) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: join(SCREENSHOTS, `hub-${name}.png`) });
};

test('a desktop adds the Hub with a token and its key, sees only what its group is granted, and installs from it', async ({ app, world, harness }) => {
  test.setTimeout(90_000);
  const manifest = { ...pluginManifest({ id: 'hello-hub', version: '1.0.0', permissions: ['palette', 'notifications'] }), name: 'Hello Hub' };
  const archive = tarGz([
    { path: 'plugin.json', body: JSON.stringify(manifest) },
    { path: 'main.js', body: "bt.registerCommand('Say hello', function () { bt.notify('Hello from the Hub'); });\n" },
  ]);
  const hello = publish(world.upstream, { id: 'hello-hub', version: '1.0.0', name: 'Hello Hub', permissions: ['palette', 'notifications'], archive });
  world.upstream.put('/catalog.json', catalogV1([hello, world.notes]));
  await world.hub.api(world.hub.adminToken, 'POST', `/api/admin/sources/${world.sources.catalog.id}/sync`);
  const dana = await world.hub.person('dana', ['dev']);
  await world.grant('upstream/hello-hub', 'dev');
  await world.grant('team-tools/code-review', 'dev');
  const key = (await world.hub.api<{ publicKey: string }>(null, 'GET', '/api/hub-key')).body.publicKey;

  await app.getByRole('button', { name: 'Settings' }).first().click();
  const sources = app.getByRole('region', { name: 'Catalog sources' });
  await sources.getByRole('button', { name: 'Add source' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add a catalog source' });
  await dialog.getByLabel('Name').fill('Team Hub');
  await dialog.getByLabel('Catalog address').fill(`${world.hub.url}/catalog.json`);
  await dialog.getByLabel('Public key (optional)').fill(key);
  await dialog.getByLabel('Bearer token (optional)').fill(dana.token);
  await shot(app, 'desktop-add-source');
  await dialog.getByRole('button', { name: 'Add source' }).click();
  await expect(sources.getByRole('listitem', { name: 'Team Hub' })).toBeVisible();

  await app.getByRole('button', { name: 'Marketplace' }).first().click();
  const list = app.getByRole('list', { name: 'Plugins' });
  await app.getByLabel('Filter by source').selectOption({ label: 'Team Hub' });
  const item = list.getByRole('listitem', { name: 'Hello Hub from Team Hub' });
  await expect(item).toBeVisible();
  // Granted to another group only: not in dana's catalog, which holds exactly her two grants.
  await expect(list.getByRole('listitem')).toHaveCount(2);
  await expect(list.getByRole('listitem', { name: 'Quick Notes from Team Hub' })).toHaveCount(0);
  // A Claude Code plugin is listed as such, not installable here.
  await expect(list.getByRole('listitem', { name: 'code-review from Team Hub' })).toBeVisible();
  await shot(app, 'desktop-browse');
  await item.getByRole('button', { name: 'Install' }).click();
  await app.getByRole('dialog', { name: 'Install Hello Hub?' }).getByRole('button', { name: 'Allow and install' }).click();
  await expect(item.getByText('Installed 1.0.0')).toBeVisible({ timeout: 30_000 });
  await expect.poll(() => harness.services.core().supervisor.isRunning('hello-hub')).toBe(true);
  const view = await harness.services.core().marketplace.fetchCatalog();
  expect(view.sources.find((s) => s.name === 'Team Hub')).toMatchObject({ verified: true, error: null });
  await shot(app, 'desktop-installed');
  expect(world.hub.lines.join('\n')).not.toContain(dana.token);
});
