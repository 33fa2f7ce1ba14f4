import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { FAKE_AGENT } from '../../main/agents/test-kit.ts';
import { BUILTIN_SOURCE_ID } from '../../main/marketplace/builtin.ts';
import { signLicense } from '../../main/marketplace/license.ts';
import { publicKeyBase64 } from '../../main/marketplace/signing.ts';
import { expect, test } from '../fixtures/harness.ts';
import { openPlugins, shoot } from '../fixtures/plugin-fixtures.ts';

/** The spec's own licence key pair: the harness checks licences against its public half. */
const keys = generateKeyPairSync('ed25519');
const FIXTURES = join(import.meta.dirname, '..', '..', 'main', 'agents', 'fixtures');
const PRO = ['Cost Alerts', 'Team Dashboard', 'Policy Engine', 'Audit Export', 'Model Benchmark'];

test.use({ licensePublicKey: publicKeyBase64(keys.publicKey) });

async function openPage(app: Page, name: string): Promise<void> {
  await openPlugins(app);
  await app.getByRole('listitem', { name }).getByRole('button', { name: new RegExp(name) }).click();
  await expect(app.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('Pro plugins: badges in the Marketplace, a licence entered and refused, Cost Alerts installed, and every Pro plugin\'s page', async ({ app, harness }) => {
  test.setTimeout(180_000);
  const core = harness.services.core();
  cpSync(join(FIXTURES, 'claude'), join(harness.dataDir, 'home', '.claude', 'projects'), { recursive: true });
  core.agents.sources.scan();
  const shop = join(harness.dataDir, 'shop');
  mkdirSync(shop, { recursive: true });
  writeFileSync(join(shop, 'README.md'), '# Shop\n');
  core.agents.store.addProject(shop, 'Shop');

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Marketplace' }).click();
  const list = app.getByRole('list', { name: 'Plugins' });
  for (const name of PRO) await expect(list.getByRole('listitem', { name: `${name} from Switchboard` }).getByText('Pro', { exact: true })).toBeVisible();

  // An expired licence is refused in the dialog, in its own words; a valid one is saved.
  const card = list.getByRole('listitem', { name: 'Cost Alerts from Switchboard' });
  await card.getByRole('button', { name: /Cost Alerts/ }).click();
  const dialog = app.getByRole('dialog', { name: 'Cost Alerts' });
  await dialog.getByLabel('License key').fill(signLicense({ licensee: 'Example Team', plugins: '*', expires: '2026-01-31T00:00:00Z' }, keys.privateKey));
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog).toContainText('The licence for Example Team expired on 2026-01-31.');
  await dialog.getByLabel('License key').fill(signLicense({ licensee: 'Example Team', plugins: '*', expires: '2030-06-30T00:00:00Z' }, keys.privateKey));
  await dialog.getByRole('button', { name: 'Save key' }).click();
  await expect(dialog).toContainText('A license key is saved in your keyring.');
  await shoot(app, 'pro-license-saved');
  await dialog.getByRole('button', { name: 'Close' }).first().click();

  await card.getByRole('button', { name: 'Install' }).click();
  await app.getByRole('dialog', { name: 'Install Cost Alerts?' }).getByRole('button', { name: 'Allow and install' }).click();
  await expect(card.getByText('Installed 1.0.0')).toBeVisible({ timeout: 30_000 });
  await openPage(app, 'Cost Alerts');
  await expect(app.getByLabel('Pro licence')).toContainText('Example Team');
  await expect(app.getByLabel('Pro licence')).toContainText('2030-06-30');
  const panel = app.getByRole('region', { name: 'Panel' });
  await expect(panel).toContainText('Projects this month');
  await shoot(app, 'pro-cost-alerts', { screen: true });

  const catalog = await core.marketplace.fetchCatalog();
  // The other four, installed the same way without the clicks, each page looked at.
  const install = async (id: string) => core.marketplace.install(id, BUILTIN_SOURCE_ID, catalog.entries.find((e) => e.id === id && e.sourceId === BUILTIN_SOURCE_ID)!.permissions);

  await install('policy-engine');
  await openPage(app, 'Policy Engine');
  // Its own check at start, under the default rules, finds nothing in the imported session.
  await expect(panel).toContainText('Checked 1 imported session: 0 violations.');
  core.supervisor.updateSettings('policy-engine', { blocked_commands: ['npm test'], protected_paths: ['src/validate.ts'] });
  await panel.getByRole('button', { name: 'Check imported sessions' }).click();
  await expect(panel).toContainText('Checked 1 imported session: 2 violations.');
  await expect(panel).toContainText('The team policy blocks shell commands matching "npm test".');
  await shoot(app, 'pro-policy-engine', { screen: true });

  await install('audit-export');
  await openPage(app, 'Audit Export');
  harness.saveDialog.queue(join(harness.dataDir, 'saved', 'audit.cef'));
  const form = panel.getByRole('form', { name: 'Export to a file' });
  await form.getByLabel('Format').selectOption('cef');
  await form.getByRole('button', { name: 'Export…' }).click();
  await expect(panel).toContainText(/Saved \d+ rows to audit\.cef\./);
  expect(readFileSync(join(harness.dataDir, 'saved', 'audit.cef'), 'utf8')).toContain('|policy_violation|policy violation|7|');
  await shoot(app, 'pro-audit-export', { screen: true });

  await install('team-dashboard');
  await openPage(app, 'Team Dashboard');
  await expect(panel).toContainText('No Hub connected');
  await shoot(app, 'pro-team-dashboard', { screen: true });

  await install('model-benchmark');
  core.agents.updateConfig({ claudeBinary: FAKE_AGENT, codexBinary: FAKE_AGENT, watch: false });
  await openPage(app, 'Model Benchmark');
  const bench = panel.getByRole('form', { name: 'Compare two runs' });
  await bench.getByLabel('Prompt').fill('Tidy the README');
  await bench.getByRole('button', { name: 'Run both' }).click();
  await app.getByRole('alertdialog', { name: 'Model Benchmark wants to run an agent on Shop (scratch)' }).getByRole('button', { name: 'Allow' }).click();
  await expect(panel).toContainText('Side by side', { timeout: 30_000 });
  await expect(panel.getByRole('table')).toContainText('Claude Code');
  await expect(panel.getByRole('table')).toContainText('Codex');
  await shoot(app, 'pro-model-benchmark', { screen: true });
});
