import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

// These run against the real OS keyring: start them under dbus-run-session with an unlocked
// gnome-keyring (npm test does this), or the keyring-available tests fail with its message.

const secretsPanel = (app: import('@playwright/test').Page) => app.getByRole('region', { name: 'Secrets' });

test('a stored secret shows as "set" and its value is nowhere in the page', async ({ app }) => {
  const value = `sk-e2e-${Math.random().toString(36).slice(2)}-do-not-show`;
  const panel = secretsPanel(app);
  await expect(panel.getByText('Keyring ready')).toBeVisible();
  await expect(panel.getByText('No secrets yet')).toBeVisible();

  await panel.getByLabel('Name').fill('OPENAI_API_KEY');
  await panel.getByLabel('Value').fill(value);
  await panel.getByRole('button', { name: 'Save secret' }).click();

  const row = panel.getByRole('table', { name: 'Stored secrets' }).getByRole('row', { name: /OPENAI_API_KEY/ });
  await expect(row).toContainText('set');
  await expect(panel.getByRole('status').filter({ hasText: 'Saved “OPENAI_API_KEY” to the keyring.' })).toBeVisible();
  await expect(panel.getByLabel('Value')).toHaveValue('');
  await screenshotScreen(app, 'settings-secrets');

  const everywhere = async () => {
    const html = await app.content();
    const inputs = await app.evaluate(() => [...document.querySelectorAll('input, textarea')].map((e) => (e as HTMLInputElement).value));
    const text = await app.evaluate(() => document.body.innerText);
    return { html, inputs, text };
  };
  const seen = await everywhere();
  expect(seen.html).not.toContain(value);
  expect(seen.text).not.toContain(value);
  expect(seen.inputs.filter((v) => v.includes(value))).toEqual([]);

  // Main records the change (without the value) in the audit log.
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  const auditRow = app.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ hasText: 'secret stored' });
  await expect(auditRow).toContainText('OPENAI_API_KEY');
  expect(await app.content()).not.toContain(value);

  await app.reload();
  await expect(secretsPanel(app).getByRole('row', { name: /OPENAI_API_KEY/ })).toContainText('set');
  expect((await everywhere()).html).not.toContain(value);
});

test('replacing and deleting a secret, with a confirmation before deleting', async ({ app }) => {
  const panel = secretsPanel(app);
  await panel.getByLabel('Name').fill('GITHUB_TOKEN');
  await panel.getByLabel('Value').fill('first-value');
  await panel.getByRole('button', { name: 'Save secret' }).click();
  const row = panel.getByRole('row', { name: /GITHUB_TOKEN/ });
  await expect(row).toContainText('set');

  await row.getByRole('button', { name: 'Replace GITHUB_TOKEN' }).click();
  await expect(panel.getByLabel('Name')).toHaveValue('GITHUB_TOKEN');
  await expect(panel.getByLabel('Value')).toBeFocused();
  await app.keyboard.type('second-value');
  await panel.getByRole('button', { name: 'Replace secret' }).click();
  await expect(panel.getByRole('status').filter({ hasText: 'Saved “GITHUB_TOKEN”' })).toBeVisible();
  await expect(panel.getByRole('row', { name: /GITHUB_TOKEN/ })).toHaveCount(1);

  await row.getByRole('button', { name: 'Delete GITHUB_TOKEN' }).click();
  const confirm = app.getByRole('alertdialog', { name: 'Delete secret?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await screenshotScreen(app, 'settings-secret-delete');
  // Tab and Shift+Tab cycle inside the dialog; the page behind cannot be reached.
  for (const key of ['Tab', 'Tab', 'Tab', 'Tab', 'Shift+Tab', 'Shift+Tab', 'Shift+Tab']) {
    await app.keyboard.press(key);
    expect(await confirm.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);
  }
  await app.keyboard.press('Escape');
  await expect(confirm).toHaveCount(0);
  await expect(row).toBeVisible();
  // Focus goes back to where it was before the dialog opened.
  await expect(row.getByRole('button', { name: 'Delete GITHUB_TOKEN' })).toBeFocused();

  await row.getByRole('button', { name: 'Delete GITHUB_TOKEN' }).click();
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(confirm).toHaveCount(0);
  await expect(panel.getByText('No secrets yet')).toBeVisible();

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  await app.getByLabel('Event type').selectOption({ label: 'secret deleted' });
  await expect(app.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ hasText: 'GITHUB_TOKEN' })).toHaveCount(1);
});

test('a bad secret name is refused with a message and nothing is stored', async ({ app }) => {
  const panel = secretsPanel(app);
  await panel.getByLabel('Name').fill('my key!');
  await panel.getByLabel('Value').fill('something');
  await panel.getByRole('button', { name: 'Save secret' }).click();
  await expect(panel.getByText('Use at most 128 letters, digits and . _ : - only, starting with a letter or digit')).toBeVisible();
  await expect(panel.getByText('No secrets yet')).toBeVisible();

  await panel.getByLabel('Name').fill('VALID_NAME');
  await panel.getByLabel('Value').fill('');
  await panel.getByRole('button', { name: 'Save secret' }).click();
  await expect(panel.getByText('Enter the secret’s value')).toBeVisible();
  await expect(panel.getByText('No secrets yet')).toBeVisible();
});

test('without a reachable keyring the message is shown and the form is disabled', async ({ page }) => {
  // A separate harness process with no D-Bus session: the real library finds no Secret Service.
  const dataDir = mkdtempSync(join(tmpdir(), 'switchboard-e2e-nokeyring-'));
  const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dataDir, 'no-bus')}` };
  const child = spawn(process.execPath, [join(import.meta.dirname, '..', 'harness', 'cli.ts'), '--data', dataDir], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        const match = /open: (\S+)/.exec(out);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`harness exited with ${code}`)));
    });
    await page.goto(url);
    const panel = secretsPanel(page);
    await expect(panel.getByRole('alert').filter({ hasText: 'The system keyring is not available' })).toContainText('apt-get install gnome-keyring');
    await expect(panel.getByLabel('Name')).toBeDisabled();
    await expect(panel.getByLabel('Value')).toBeDisabled();
    await expect(panel.getByRole('button', { name: 'Save secret' })).toBeDisabled();
    await screenshotScreen(page, 'settings-no-keyring');
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  }
});
