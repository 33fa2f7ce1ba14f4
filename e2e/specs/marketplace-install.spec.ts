import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page, WebSocketRoute } from '@playwright/test';
import { DEFAULT_BUILTIN_CATALOG_DIR } from '../../main/marketplace/builtin.ts';
import { pluginManifest, tarGz } from '../../main/marketplace/testing/archives.ts';
import { catalogV1, publish, type PublishedPlugin } from '../../main/marketplace/testing/fixture.ts';
import { TestHttpsServer } from '../../main/marketplace/testing/https-server.ts';
import { expect, SCREENSHOTS, test as base } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

/**
 * The marketplace in Chromium through the harness, against a real HTTPS
 * server on 127.0.0.1 whose test CA only the marketplace's client trusts.
 */
const test = base.extend<{ server: TestHttpsServer }>({
  server: async ({}, use) => {
    const server = await TestHttpsServer.start();
    await use(server);
    await server.close();
  },
  extraCa: async ({ server }, use) => {
    await use([server.certificates.ca]);
  },
});

/** How many plugins the signed built-in catalog lists beside a test's own sources. */
const builtinEntries = () => (JSON.parse(readFileSync(join(DEFAULT_BUILTIN_CATALOG_DIR, 'catalog.json'), 'utf8')) as { plugins: unknown[] }).plugins.length;

const shot = (page: Page, name: string) => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return page.screenshot({ path: join(SCREENSHOTS, `marketplace-${name}.png`) });
};

/** A plugin the real runtime can start: one palette command that notifies. */
function runnablePlugin(
  server: TestHttpsServer,
  version: string,
  extra: Partial<PublishedPlugin> = {},
  permissions = ['palette', 'notifications'],
): { entry: PublishedPlugin; archive: Buffer } {
  const id = 'hello-palette';
  const manifest = { ...pluginManifest({ id, version, permissions }), name: 'Hello Palette' };
  const archive = tarGz([
    { path: 'plugin.json', body: JSON.stringify(manifest) },
    { path: 'main.js', body: "bt.registerCommand('Say hello', function () { bt.notify('Hello from the marketplace'); });\n" },
    // Incompressible, so the download takes long enough for its progress to show.
    { path: 'assets/noise.bin', body: randomBytes(200_000) },
  ]);
  const entry = {
    ...publish(server, { id, version, name: 'Hello Palette', permissions, archive }),
    description: 'Adds a "Say hello" command to the palette that sends you a notification.',
    tags: ['palette', 'demo'],
    ...extra,
  };
  return { entry, archive };
}

/** Serves the archive slowly, in pieces, so the progress bar is on screen long enough to see. */
function serveSlowly(server: TestHttpsServer, entry: PublishedPlugin, archive: Buffer): void {
  server.handle(new URL(entry.downloadUrl).pathname, (_req, res) => {
    res.writeHead(200, { 'Content-Length': String(archive.length) });
    let offset = 0;
    const step = () => {
      if (res.destroyed) return;
      const next = Math.min(archive.length, offset + 16_384);
      res.write(archive.subarray(offset, next));
      offset = next;
      if (offset < archive.length) setTimeout(step, 120);
      else res.end();
    };
    step();
  });
}

test('add a source, browse, filter, consent, install with progress, update, roll back, uninstall', async ({ app, server, harness }) => {
  test.setTimeout(120_000);
  const { entry: v1, archive: archiveV1 } = runnablePlugin(server, '1.0.0');
  const pro = { ...publish(server, { id: 'pro-insights', version: '2.0.0', name: 'Pro Insights', tier: 'paid', permissions: ['messages'] }), description: 'Deep statistics about your sessions.', tags: ['metrics'] };
  server.put('/market/catalog.json', catalogV1([v1, pro, { id: 'broken', name: 'Broken entry' }]));

  await app.getByRole('button', { name: 'Settings' }).first().click();
  const sources = app.getByRole('region', { name: 'Catalog sources' });
  await expect(sources.getByRole('listitem', { name: 'Switchboard' })).toBeVisible();
  await sources.getByRole('button', { name: 'Add source' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add a catalog source' });
  await dialog.getByLabel('Catalog address').fill('http://127.0.0.1/catalog.json');
  await dialog.getByLabel('Name').fill('Test catalog');
  await dialog.getByRole('button', { name: 'Add source' }).click();
  await expect(dialog.getByText(/does not use https:\/\//)).toBeVisible();
  await dialog.getByLabel('Catalog address').fill(server.url('/market/catalog.json'));
  await shot(app, 'source-dialog');
  await dialog.getByRole('button', { name: 'Add source' }).click();
  await expect(sources.getByRole('listitem', { name: 'Test catalog' })).toBeVisible();
  await expect(sources.getByRole('listitem', { name: 'Test catalog' }).getByText('Unverified')).toBeVisible();

  await app.getByRole('button', { name: 'Marketplace' }).first().click();
  const list = app.getByRole('list', { name: 'Plugins' });
  const hello = list.getByRole('listitem', { name: 'Hello Palette from Test catalog' });
  await expect(list.getByRole('listitem', { name: 'Quick Notes from Switchboard' })).toBeVisible();
  await expect(app.getByText('1 catalog entry was skipped because it is invalid')).toBeVisible();
  // The built-in catalog's plugins fill the first screen of the (virtualized) list; show the test catalog's.
  await app.getByLabel('Filter by source').selectOption({ label: 'Test catalog' });
  await expect(hello).toBeVisible();
  await expect(hello.getByRole('button', { name: 'Install' })).toBeVisible();
  await shot(app, 'browse');

  await app.getByLabel('Filter by tier').selectOption('paid');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem', { name: 'Pro Insights from Test catalog' }).getByText('Pro', { exact: true })).toBeVisible();
  await app.getByLabel('Filter by tier').selectOption('');
  await app.getByLabel('Search plugins').fill('hello');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await app.getByLabel('Search plugins').fill('');
  await app.getByLabel('Filter by source').selectOption({ label: 'Switchboard' });
  await expect(hello).toHaveCount(0);
  await app.getByLabel('Filter by source').selectOption({ label: 'Test catalog' });

  await list.getByRole('listitem', { name: 'Pro Insights from Test catalog' }).getByRole('button', { name: 'Install' }).click();
  await app.getByRole('dialog', { name: 'Install Pro Insights?' }).getByRole('button', { name: 'Allow and install' }).click();
  await expect(list.getByRole('listitem', { name: 'Pro Insights from Test catalog' }).getByRole('alert')).toHaveText(/requires a license/);

  serveSlowly(server, v1, archiveV1);
  await hello.getByRole('button', { name: 'Install' }).click();
  const consent = app.getByRole('dialog', { name: 'Install Hello Palette?' });
  await expect(consent.getByText('Add commands', { exact: true })).toBeVisible();
  await expect(consent.getByText('Notify you', { exact: true })).toBeVisible();
  // The test catalog has no public key: the dialog says plainly what that leaves between the plugin and the machine.
  await expect(consent.getByRole('alert')).toContainText('Unverified source: nobody vouches for this plugin');
  await expect(consent.getByRole('alert')).toContainText('no operating-system sandbox');
  await shot(app, 'consent');
  await consent.getByRole('button', { name: 'Allow and install' }).click();
  const progress = hello.getByRole('progressbar');
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', /^[1-9]\d*$/);
  await shot(app, 'progress');
  await expect(hello.getByText('Installed 1.0.0')).toBeVisible({ timeout: 30_000 });
  const grants = harness.services.core().plugins.get('hello-palette')!.grants;
  expect(grants).toEqual(['notifications', 'palette']);
  // The real plugin runtime started it in its own process.
  await expect.poll(() => harness.services.core().supervisor.isRunning('hello-palette')).toBe(true);

  const { entry: v2 } = runnablePlugin(server, '1.1.0');
  server.put('/market/catalog.json', catalogV1([v2, pro]));
  await app.getByRole('button', { name: 'Refresh' }).click();
  await expect(hello.getByRole('button', { name: 'Update to 1.1.0' })).toBeVisible();
  await expect(app.getByRole('button', { name: 'Update all (1)' })).toBeVisible();
  await shot(app, 'update-badge');
  await hello.getByRole('button', { name: 'Update to 1.1.0' }).click();
  await expect(hello.getByText('Installed 1.1.0')).toBeVisible({ timeout: 30_000 });

  await hello.getByRole('button', { name: 'Hello Palette' }).click();
  const detail = app.getByRole('dialog', { name: 'Hello Palette' });
  await expect(detail.getByText('Add commands', { exact: true })).toBeVisible();
  await expect(detail.getByText('Test catalog (unverified)')).toBeVisible();
  await shot(app, 'detail');
  await detail.getByRole('button', { name: 'Roll back to 1.0.0' }).click();
  await expect(detail.getByText('1.0.0', { exact: true })).toBeVisible();
  await expect(detail.getByRole('button', { name: 'Update to 1.1.0' })).toBeVisible();

  await detail.getByRole('button', { name: 'Uninstall…' }).click();
  await detail.getByRole('button', { name: 'Uninstall', exact: true }).click();
  await expect(detail).toHaveCount(0);
  await expect(hello.getByRole('button', { name: 'Install' })).toBeVisible();
  expect(harness.services.core().plugins.get('hello-palette')).toBeUndefined();
  expect(harness.services.core().supervisor.isRunning('hello-palette')).toBe(false);
  const events = harness.services.core().audit.list({}).map((r) => r.eventType);
  expect(events).toEqual(expect.arrayContaining(['source_added', 'plugin_installed', 'permission_granted', 'plugin_updated', 'plugin_rolled_back', 'plugin_uninstalled']));
});

/**
 * Sits in the page's WebSocket to main and, once it holds, keeps every message
 * from main back until the test lets it through, in order: each install step
 * stays on screen until the test has looked at it, however fast main goes.
 */
class HeldEvents {
  #queue: { message: string | Buffer; phase: string | null }[] = [];
  #holding = false;
  #page: WebSocketRoute | null = null;

  static async on(app: Page): Promise<HeldEvents> {
    const held = new HeldEvents();
    await app.routeWebSocket(/\/__harness\/ws/, (page) => {
      held.#page = page;
      page.connectToServer().onMessage((message) => {
        if (held.#holding) held.#queue.push({ message, phase: progressPhase(message) });
        else page.send(message);
      });
    });
    // The page connected before the route existed: reload so its socket goes through it.
    await app.reload();
    return held;
  }

  hold(): void {
    this.#holding = true;
  }

  /** Lets through everything up to and including main's next progress event of `phase`. */
  async through(phase: string): Promise<void> {
    await expect.poll(() => this.#queue.some((m) => m.phase === phase), { message: `main never reported ${phase}` }).toBe(true);
    const upTo = this.#queue.findIndex((m) => m.phase === phase);
    for (const { message } of this.#queue.splice(0, upTo + 1)) this.#page!.send(message);
  }

  release(): void {
    this.#holding = false;
    for (const { message } of this.#queue.splice(0)) this.#page!.send(message);
  }
}

function progressPhase(message: string | Buffer): string | null {
  const parsed = JSON.parse(message.toString()) as { event?: string; payload?: { phase?: string } };
  return parsed.event === 'marketplace.progress' ? (parsed.payload?.phase ?? null) : null;
}

test('an install shows each of its steps as done, under way or still to come, one after the other', async ({ app, server, harness }) => {
  test.setTimeout(60_000);
  const { entry } = runnablePlugin(server, '1.0.0');
  server.put('/steps/catalog.json', catalogV1([entry]));
  harness.services.core().marketplace.addSource({ name: 'Steps catalog', url: server.url('/steps/catalog.json') });
  const held = await HeldEvents.on(app);

  await app.getByRole('button', { name: 'Marketplace' }).first().click();
  await app.getByLabel('Filter by source').selectOption({ label: 'Steps catalog' });
  const card = app.getByRole('list', { name: 'Plugins' }).getByRole('listitem', { name: 'Hello Palette from Steps catalog' });
  await card.getByRole('button', { name: 'Install' }).click();
  held.hold();
  await app.getByRole('dialog', { name: 'Install Hello Palette?' }).getByRole('button', { name: 'Allow and install' }).click();

  const steps = card.getByRole('list', { name: 'Install steps' }).getByRole('listitem');
  const progress = card.getByRole('progressbar', { name: 'Installing' });
  await held.through('downloading');
  await expect(steps).toHaveText(['Downloading, in progress', 'Unpacking, not started', 'Checking, not started', 'Installing, not started']);
  await expect(progress).toHaveAttribute('aria-valuetext', /^Downloading…/);
  await screenshotScreen(app, 'marketplace-steps-downloading');

  await held.through('extracting');
  await expect(steps).toHaveText(['Downloading, done', 'Unpacking, in progress', 'Checking, not started', 'Installing, not started']);
  await expect(progress).toHaveAttribute('aria-valuetext', 'Unpacking…, step 2 of 4');

  await held.through('verifying');
  await expect(steps).toHaveText(['Downloading, done', 'Unpacking, done', 'Checking, in progress', 'Installing, not started']);
  await expect(progress).toHaveAttribute('aria-valuetext', 'Checking…, step 3 of 4');
  // Half-way through its step: never an empty bar while it checks.
  await expect(progress).toHaveAttribute('aria-valuenow', '63');
  await expect(card.getByRole('button', { name: 'Cancel' })).toHaveCount(0);
  await screenshotScreen(app, 'marketplace-steps-checking');
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshotScreen(app, 'marketplace-steps-checking-dark');

  await held.through('installing');
  await expect(steps).toHaveText(['Downloading, done', 'Unpacking, done', 'Checking, done', 'Installing, in progress']);
  await expect(card.locator('[aria-current="step"]')).toHaveText('Installing, in progress');

  held.release();
  await expect(card.getByText('Installed 1.0.0')).toBeVisible();
  await expect(card.getByRole('list', { name: 'Install steps' })).toHaveCount(0);
  await expect(card.getByText('Adds a "Say hello" command')).toBeVisible();
});

test('an update that asks for more waits for approval while the old version runs; sources can be edited and removed', async ({ app, server, harness }) => {
  test.setTimeout(90_000);
  const core = harness.services.core();
  server.put('/approve/catalog.json', catalogV1([runnablePlugin(server, '1.0.0').entry]));
  const source = core.marketplace.addSource({ name: 'Approvals', url: server.url('/approve/catalog.json') });
  await core.marketplace.install('hello-palette', source.id, ['palette', 'notifications']);
  server.put('/approve/catalog.json', catalogV1([runnablePlugin(server, '2.0.0', {}, ['palette', 'notifications', 'tasks']).entry]));

  await app.getByRole('button', { name: 'Marketplace' }).first().click();
  await app.getByRole('button', { name: 'Refresh' }).click();
  await app.getByLabel('Filter by source').selectOption({ label: 'Approvals' });
  const card = app.getByRole('listitem', { name: 'Hello Palette from Approvals' });
  await card.getByRole('button', { name: 'Update to 2.0.0' }).click();
  const approve = app.getByRole('dialog', { name: 'Hello Palette 2.0.0 asks for more' });
  await expect(approve.getByText('Version 1.0.0 keeps running until you decide.')).toBeVisible();
  await expect(approve.getByRole('listitem').filter({ hasText: 'Manage tasks' }).getByText('New')).toBeVisible();
  await shot(app, 'approve-update');
  expect(core.plugins.get('hello-palette')!.version).toBe('1.0.0');
  expect(core.plugins.get('hello-palette')!.grants).toEqual(['notifications', 'palette']);
  await expect.poll(() => core.supervisor.isRunning('hello-palette')).toBe(true);

  await approve.getByRole('button', { name: 'Allow and update' }).click();
  await expect(card.getByText('Installed 2.0.0')).toBeVisible({ timeout: 30_000 });
  expect(core.plugins.get('hello-palette')!.grants).toEqual(['notifications', 'palette', 'tasks']);

  await app.getByRole('button', { name: 'Sources…' }).click();
  const sources = app.getByRole('region', { name: 'Catalog sources' });
  await expect(sources.getByRole('heading', { name: 'Catalog sources' })).toBeInViewport();
  await sources.getByRole('listitem', { name: 'Approvals' }).getByRole('button', { name: 'Edit' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit Approvals' });
  await edit.getByLabel('Name').fill('Renamed catalog');
  await edit.getByLabel('Public key (optional)').fill('not a key');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByText(/must be an ed25519 key/)).toBeVisible();
  await edit.getByLabel('Public key (optional)').fill('');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(sources.getByRole('listitem', { name: 'Renamed catalog' })).toBeVisible();
  await sources.getByRole('button', { name: 'Remove Renamed catalog' }).click();
  await app.getByRole('alertdialog', { name: 'Remove Renamed catalog?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(sources.getByRole('listitem', { name: 'Renamed catalog' })).toHaveCount(0);
  expect(core.audit.list({}).map((r) => r.eventType)).toEqual(expect.arrayContaining(['plugin_update_awaiting_approval', 'source_updated', 'source_removed']));
});

test('opens homepage links in the system browser, https only', async ({ app, server, harness }) => {
  const entry = { ...runnablePlugin(server, '1.0.0').entry, homepage: 'https://example.invalid/hello' };
  server.put('/links/catalog.json', catalogV1([entry]));
  await harness.services.core().marketplace.addSource({ name: 'Links', url: server.url('/links/catalog.json') });
  await app.getByRole('button', { name: 'Marketplace' }).first().click();
  await app.getByLabel('Filter by source').selectOption({ label: 'Links' });
  await app.getByRole('button', { name: 'Hello Palette' }).click();
  await app.getByRole('dialog', { name: 'Hello Palette' }).getByRole('button', { name: 'Homepage' }).click();
  await expect.poll(() => readLog(join(harness.dataDir, 'opened-links.log'))).toBe('https://example.invalid/hello\n');
  const refused = await app.evaluate(() =>
    (window as unknown as { switchboard: { invoke(channel: string, args: unknown): Promise<unknown> } }).switchboard
      .invoke('app.openExternal', { url: 'file:///etc/passwd' })
      .catch((e: Error) => e.message),
  );
  expect(refused).toBe('Only https:// links are opened; this one is file://.');
});

test('stays usable with 2,000 entries: the list is virtualized', async ({ app, server, harness }) => {
  const plugins = Array.from({ length: 2000 }, (_, i) => ({
    id: `bulk-${String(i).padStart(4, '0')}`,
    name: `Bulk plugin ${String(i).padStart(4, '0')}`,
    version: '1.0.0',
    author: 'Load Test',
    tier: i % 7 === 0 ? 'paid' : 'free',
    downloadUrl: server.url(`/bulk/${i}.tgz`),
    checksum: 'a'.repeat(64),
    size: 1000 + i,
    permissions: i % 2 ? ['palette'] : [],
    description: `Entry number ${i} of a large catalog.`,
    tags: [`group-${i % 10}`],
  }));
  server.put('/bulk/catalog.json', catalogV1(plugins));
  await harness.services.core().marketplace.addSource({ name: 'Bulk', url: server.url('/bulk/catalog.json') });
  await app.getByRole('button', { name: 'Marketplace' }).first().click();
  const total = 2000 + builtinEntries();
  await expect(app.getByText(`${total} of ${total}`, { exact: true })).toBeVisible();
  const cards = app.getByRole('list', { name: 'Plugins' }).getByRole('listitem');
  await expect(cards.first()).toBeVisible();
  expect(await cards.count()).toBeLessThan(60);
  await app.getByRole('list', { name: 'Plugins' }).evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(app.getByRole('listitem', { name: 'Bulk plugin 1999 from Bulk' })).toBeVisible();
  await shot(app, 'bulk');
  await app.getByLabel('Search plugins').fill('plugin 1234');
  await expect(cards).toHaveCount(1);
});

function readLog(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

test('errors fit on their card, the detail stays open when uninstall fails, and a failed save keeps the token', async ({ app, server, harness }) => {
  test.setTimeout(90_000);
  const core = harness.services.core();
  const { entry } = runnablePlugin(server, '1.0.0');
  // Same size, different bytes: the install fails on the checksum with a long message.
  const tampered = { ...publish(server, { id: 'tampered', version: '1.0.0', name: 'Tampered Tool' }), description: 'Its archive does not match the catalog.' };
  server.put(new URL(tampered.downloadUrl).pathname, Buffer.alloc(tampered.size, 1));
  server.put('/errors/catalog.json', catalogV1([tampered, entry]));
  const source = core.marketplace.addSource({ name: 'Errors', url: server.url('/errors/catalog.json'), token: 'first-token' });
  await core.marketplace.install('hello-palette', source.id, ['palette', 'notifications']);

  await app.getByRole('button', { name: 'Marketplace' }).first().click();
  await app.getByLabel('Filter by source').selectOption({ label: 'Errors' });
  const list = app.getByRole('list', { name: 'Plugins' });
  const card = list.getByRole('listitem', { name: 'Tampered Tool from Errors' });
  await card.getByRole('button', { name: 'Install' }).click();
  await app.getByRole('dialog', { name: 'Install Tampered Tool?' }).getByRole('button', { name: /install/i }).click();
  const alert = card.getByRole('alert');
  await expect(alert).toHaveText(/does not match the catalog's SHA-256 checksum/);
  const cardBox = (await card.boundingBox())!;
  const alertBox = (await alert.boundingBox())!;
  expect(alertBox.y + alertBox.height).toBeLessThanOrEqual(cardBox.y + cardBox.height);
  // Nothing of the message or the card is cut off (no ellipsis, no hidden overflow).
  const fits = (el: Element) => el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight;
  expect(await alert.evaluate(fits)).toBe(true);
  expect(await card.evaluate(fits)).toBe(true);
  await shot(app, 'card-error');
  // No other card may overlap the taller one (a fixed row height would put the next row on top of it).
  for (const other of await list.getByRole('listitem').all()) {
    const box = await other.boundingBox();
    if (!box || (await other.getAttribute('aria-label')) === 'Tampered Tool from Errors') continue;
    const overlaps = box.x < cardBox.x + cardBox.width && cardBox.x < box.x + box.width && box.y < cardBox.y + cardBox.height && cardBox.y < box.y + box.height;
    expect(overlaps, `${await other.getAttribute('aria-label')} overlaps the card with the error`).toBe(false);
  }

  const badgeColour = (locator: ReturnType<Page['getByText']>) => locator.evaluate((el) => getComputedStyle(el).backgroundColor);
  const onCard = await badgeColour(card.getByText('Unverified', { exact: true }));

  const staging = core.pluginPaths.staging;
  rmSync(staging, { recursive: true, force: true });
  // A file where the staging folder should be: the uninstall cannot make its working folder and fails.
  writeFileSync(staging, 'not a folder');
  await list.getByRole('listitem', { name: 'Hello Palette from Errors' }).getByRole('button', { name: 'Hello Palette' }).click();
  const detail = app.getByRole('dialog', { name: /Hello Palette/ });
  expect(await badgeColour(detail.getByText('Unverified', { exact: true }))).toBe(onCard);
  await detail.getByRole('button', { name: 'Uninstall…' }).click();
  await detail.getByRole('button', { name: 'Uninstall', exact: true }).click();
  await expect(detail.getByRole('alert')).toHaveText(/"Hello Palette" could not be removed \(.+\); it is still installed\./);
  await expect(detail).toBeVisible();
  await expect.poll(() => core.supervisor.isRunning('hello-palette')).toBe(true);
  await shot(app, 'uninstall-failed');
  expect(core.plugins.get('hello-palette')?.version).toBe('1.0.0');
  rmSync(staging, { force: true });
  mkdirSync(staging);
  await app.keyboard.press('Escape');

  await app.getByRole('button', { name: 'Sources…' }).click();
  const sources = app.getByRole('region', { name: 'Catalog sources' });
  await expect(sources.getByRole('heading', { name: 'Catalog sources' })).toBeInViewport();
  // Only the screen scrolls to the section; the window itself stays put.
  expect(await app.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
  await expect(app.getByRole('button', { name: 'Marketplace' }).first()).toBeInViewport();
  const row = sources.getByRole('listitem', { name: 'Errors' });
  expect(await badgeColour(row.getByText('Unverified', { exact: true }))).toBe(onCard);
  await row.getByRole('button', { name: 'Edit' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit Errors' });
  await edit.getByLabel('Bearer token (optional)').fill('second-token');
  await edit.getByLabel('Catalog address').fill('http://127.0.0.1/catalog.json');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit.getByText(/does not use https:\/\//)).toBeVisible();
  await expect(edit.getByLabel('Bearer token (optional)')).toHaveValue('second-token');
  await shot(app, 'source-save-failed');
});
