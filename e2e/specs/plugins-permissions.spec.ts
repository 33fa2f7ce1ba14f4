import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { dropFixturePlugin, enableAndOpen, installFixturePlugin, openPlugins, runFromPalette, shoot } from '../fixtures/plugin-fixtures.ts';

const COST = { id: 'cost-alerts', name: 'Cost alerts' };

test('grant and revoke on the plugin page take effect at once; a running plugin missing a grant says so', async ({ app, harness }) => {
  installFixturePlugin(harness, COST.id, COST.name, '0.3.0', ['palette', 'panels', 'network']);
  const core = harness.services.core();
  await enableAndOpen(app, COST.name);

  const permissions = app.getByRole('region', { name: 'Permissions' });
  await expect(permissions.getByRole('switch', { name: 'Add commands' })).toBeChecked();
  await expect(permissions.getByRole('switch', { name: 'Show a panel' })).toBeChecked();
  await expect(permissions.getByRole('switch', { name: 'Use the internet' })).toBeChecked();
  await expect(permissions).toContainText('Send data to hooks.slack.com, *.example.com.');
  // Optional permissions are listed, off, until the user or the plugin's own question turns them on.
  await expect(permissions.getByRole('switch', { name: 'Show a status item' })).not.toBeChecked();
  await expect(permissions.getByRole('switch', { name: 'Save files' })).not.toBeChecked();
  await expect(permissions.getByRole('listitem').filter({ hasText: 'Save files' })).toContainText('Optional');

  await runFromPalette(app, 'Check the spend');
  const panel = app.getByRole('region', { name: 'Panel' });
  await expect(panel).toContainText('Checked 1 times');
  await shoot(app, 'plugin-permissions', { narrow: true, screen: true });

  // Revoke: the very next request is refused, and the page and card say what is missing.
  await permissions.getByRole('switch', { name: 'Show a panel' }).uncheck();
  await expect(permissions.getByRole('switch', { name: 'Show a panel' })).not.toBeChecked();
  await expect(permissions.getByRole('alert')).toContainText('Running without a permission it asks for: Show a panel.');
  await expect(app.getByLabel('Running without a permission it asks for: Show a panel.').first()).toBeVisible();
  expect(core.plugins.grants(COST.id).sort()).toEqual(['network', 'palette']);
  expect(core.audit.list({ eventType: 'permission_revoked' }).map((e) => [e.actor, e.subject, e.detail])).toEqual([['user', COST.id, { permission: 'panels' }]]);

  await runFromPalette(app, 'Check the spend');
  await expect(app.getByRole('listitem', { name: /“Check the spend” failed/ })).toBeVisible();
  await expect(panel).toContainText('Checked 1 times');
  await shoot(app, 'plugin-permission-revoked', { screen: true });

  await openPlugins(app);
  const row = app.getByRole('listitem', { name: COST.name });
  await expect(row.getByLabel('State: Running')).toBeVisible();
  await expect(row.getByRole('img', { name: 'Running without a permission it asks for: Show a panel.' })).toBeVisible();
  await shoot(app, 'plugins-missing-grant', { narrow: true });

  // Grant it back, and an optional one too: both hold from the next request.
  await row.getByRole('button', { name: /Cost alerts/ }).click();
  await permissions.getByRole('switch', { name: 'Show a panel' }).check();
  await expect(permissions.getByRole('alert')).toHaveCount(0);
  await permissions.getByRole('switch', { name: 'Show a status item' }).check();
  await expect(permissions.getByRole('switch', { name: 'Show a status item' })).toBeChecked();
  await runFromPalette(app, 'Check the spend');
  await expect(panel).toContainText('Checked 3 times');
  expect(core.plugins.grants(COST.id).sort()).toEqual(['network', 'palette', 'panels', 'status']);
  expect(core.audit.list({ eventType: 'permission_granted' }).map((e) => (e.detail as { permission: string }).permission).sort()).toEqual(['panels', 'status']);
});

test('an optional permission asked for at run time: Allow grants it, Escape denies it', async ({ app, harness }) => {
  installFixturePlugin(harness, COST.id, COST.name, '0.3.0', ['palette', 'panels', 'network']);
  const core = harness.services.core();
  await enableAndOpen(app, COST.name);

  await runFromPalette(app, 'Show spend in the status bar');
  const ask = app.getByRole('alertdialog', { name: 'Cost alerts asks to show a status item' });
  await expect(ask).toContainText('Cost alerts asks to show a status item: to show today’s spend in the status bar');
  // Deny has the focus, and Tab stays inside the question.
  await expect(ask.getByRole('button', { name: 'Deny' })).toBeFocused();
  for (let i = 0; i < 4; i++) {
    await app.keyboard.press('Tab');
    expect(await ask.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
  }
  await shoot(app, 'consent-permission', { narrow: true });
  await ask.getByRole('button', { name: 'Allow' }).click();
  await expect(ask).toBeHidden();
  await expect(app.getByRole('contentinfo', { name: 'Status bar' })).toContainText('$4.20 today');
  expect(core.plugins.grants(COST.id)).toContain('status');
  expect(core.audit.list({ eventType: 'permission_granted' }).map((e) => [e.actor, (e.detail as { permission: string }).permission])).toEqual([['user', 'status']]);
  await expect(app.getByRole('region', { name: 'Permissions' }).getByRole('switch', { name: 'Show a status item' })).toBeChecked();

  await runFromPalette(app, 'Export the spend report');
  const files = app.getByRole('alertdialog', { name: 'Cost alerts asks to save files' });
  await expect(files).toContainText('to save the spend report where you choose');
  await app.keyboard.press('Escape');
  await expect(files).toBeHidden();
  await expect(app.getByRole('listitem', { name: /“Export the spend report” failed/ })).toContainText("The user did not grant 'Save files' (files) to Cost alerts");
  expect(core.plugins.grants(COST.id)).not.toContain('files');
  expect(core.audit.list({ eventType: 'permission_request_refused' })).toHaveLength(1);

  // Asked again and allowed: the harness's stand-in save dialog answers, by default <data>/saved/<name>.
  await runFromPalette(app, 'Export the spend report');
  await app.getByRole('alertdialog', { name: 'Cost alerts asks to save files' }).getByRole('button', { name: 'Allow' }).click();
  const panel = app.getByRole('region', { name: 'Panel' });
  await expect(panel).toContainText('Saved the report as spend.csv.');
  expect(readFileSync(join(harness.dataDir, 'saved', 'spend.csv'), 'utf8')).toBe('day,usd\n2026-12-01,4.20\n');
  harness.saveDialog.queue(null);
  await runFromPalette(app, 'Export the spend report');
  await expect(panel).toContainText('You cancelled the export.');
  const answers = readFileSync(harness.saveDialog.log, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { plugin: string; chosen: string | null });
  expect(answers).toEqual([
    { plugin: COST.name, suggestedName: 'spend.csv', chosen: join(harness.dataDir, 'saved', 'spend.csv') },
    { plugin: COST.name, suggestedName: 'spend.csv', chosen: null },
  ]);
});

test('a folder dropped into plugins/ is labelled Sideloaded and runs only after its permissions are approved', async ({ app, harness }) => {
  dropFixturePlugin(harness, 'dropped-notes');
  const core = harness.services.core();
  await openPlugins(app);
  const row = app.getByRole('listitem', { name: 'Dropped notes' });
  await expect(row.getByText('Sideloaded')).toBeVisible();
  await expect(row.getByLabel('State: Disabled')).toBeVisible();

  // The switch stays off: it opens the install's consent dialog instead.
  await row.getByRole('switch', { name: 'Enable Dropped notes' }).click();
  const consent = app.getByRole('dialog', { name: 'Enable Dropped notes?' });
  await expect(consent).toContainText('It will be able to:');
  await expect(consent).toContainText('Show a panel');
  await expect(consent).toContainText('Use the internet');
  await expect(consent).toContainText('Send data to hooks.slack.com.');
  await expect(consent).toContainText('Sideloaded: nobody vouches for this plugin');
  await shoot(app, 'sideload-consent', { narrow: true });

  await consent.getByRole('button', { name: 'Cancel' }).click();
  await expect(consent).toBeHidden();
  await expect(row.getByRole('switch', { name: 'Enable Dropped notes' })).not.toBeChecked();
  expect(core.plugins.get('dropped-notes')).toBeUndefined();

  await row.getByRole('switch', { name: 'Enable Dropped notes' }).click();
  await app.getByRole('dialog', { name: 'Enable Dropped notes?' }).getByRole('button', { name: 'Allow and enable' }).click();
  await expect(row.getByLabel('State: Running')).toBeVisible();
  await expect(row.getByText('Sideloaded')).toBeVisible();
  expect(core.plugins.grants('dropped-notes').sort()).toEqual(['network', 'panels']);
  expect(core.audit.list({ eventType: 'plugin_sideload_approved' }).map((e) => e.subject)).toEqual(['dropped-notes']);

  await row.getByRole('button', { name: /Dropped notes/ }).click();
  await expect(app.getByRole('region', { name: 'Panel' })).toContainText('Approved and running.');
  await expect(app.getByRole('heading', { level: 1, name: 'Dropped notes' })).toBeVisible();
  await shoot(app, 'sideload-approved', { screen: true });
});

test("a plugin's first agent run asks first: the project and the prompt, Allow or Deny", async ({ app, harness }) => {
  const folder = join(harness.dataDir, 'shop-api');
  mkdirSync(folder);
  const added = await harness.services.dispatch('projects.add', { path: folder, name: 'shop-api' });
  expect(added).toMatchObject({ ok: true });
  installFixturePlugin(harness, 'model-bench', 'Model bench', '0.2.0', ['palette', 'agents']);
  await enableAndOpen(app, 'Model bench');

  await runFromPalette(app, 'Benchmark the models');
  const ask = app.getByRole('alertdialog', { name: 'Model bench wants to run an agent on shop-api' });
  await expect(ask.getByLabel('Prompt')).toHaveText('Fix the failing test in src/cart.test.ts and explain the cause in two sentences.');
  await expect(ask.getByRole('button', { name: 'Deny' })).toBeFocused();
  await shoot(app, 'consent-agent-run', { narrow: true });
  await ask.getByRole('button', { name: 'Deny' }).click();
  await expect(ask).toBeHidden();
  await expect(app.getByRole('listitem', { name: /“Benchmark the models” failed/ })).toContainText('The user did not allow Model bench to run an agent');
  expect(harness.services.core().audit.list({ eventType: 'agent_run_refused' }).map((e) => [e.actor, e.subject])).toEqual([['user', 'model-bench']]);
  expect(harness.services.core().audit.list({ eventType: 'agent_run_started' })).toHaveLength(0);
});
