import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { screenshotScreen } from '../fixtures/screenshot.ts';
import { expect, test } from '../fixtures/seed.ts';

/**
 * Every form, fed empty, too long, out of range and wrong-typed values:
 * each refusal is a sentence in plain words on the field that caused it
 * (aria-invalid, and the field's description), never validator text.
 */
async function expectOnField(scope: Locator, label: string, words: string | RegExp): Promise<void> {
  const field = scope.getByLabel(label, { exact: true });
  await expect(field).toHaveAttribute('aria-invalid', 'true');
  await expect(field).toHaveAccessibleDescription(typeof words === 'string' ? new RegExp(words.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')) : words);
}

async function expectNoJargon(app: Page): Promise<void> {
  expect(await app.locator('body').innerText()).not.toMatch(/Invalid argument|must NOT|must be >=|must be <=|must be integer|must match pattern|must have required/);
}

const nav = (app: Page, name: string) => app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

test('the Sources dialog words each refused field on the field', async ({ app }) => {
  const sources = app.getByRole('region', { name: 'Catalog sources' });
  await sources.getByRole('button', { name: 'Add source' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add a catalog source' });
  const add = dialog.getByRole('button', { name: 'Add source' });

  await dialog.getByLabel('Name').fill('');
  await dialog.getByLabel('Catalog address').fill('');
  await add.click();
  await expectOnField(dialog, 'Name', 'Give the source a name');
  await expectOnField(dialog, 'Catalog address', 'Enter the https:// address of the catalog');

  await dialog.getByLabel('Name').fill('   ');
  await dialog.getByLabel('Catalog address').fill('https://127.0.0.1/catalog.json');
  await add.click();
  await expectOnField(dialog, 'Name', 'Give the source a name');

  await dialog.getByLabel('Name').fill('x'.repeat(61));
  await add.click();
  await expectOnField(dialog, 'Name', 'At most 60 characters');

  await dialog.getByLabel('Name').fill('Team');
  await dialog.getByLabel('Catalog address').fill('http://127.0.0.1/catalog.json');
  await add.click();
  await expectOnField(dialog, 'Catalog address', /does not use https:\/\//);
  await expect(dialog.getByLabel('Name')).not.toHaveAttribute('aria-invalid', 'true');

  await dialog.getByLabel('Catalog address').fill('https://127.0.0.1/catalog.json');
  await dialog.getByLabel('Public key (optional)').fill('not a key');
  await add.click();
  await expectOnField(dialog, 'Public key (optional)', /must be an ed25519 key/);
  await expectNoJargon(app);
  await expect(sources.getByRole('listitem')).toHaveCount(1);
});

test('General settings and the audit retention say the range, not the rule', async ({ app, harness }) => {
  const general = app.getByRole('region', { name: 'General' });
  const save = general.getByRole('button', { name: 'Save changes' });
  const retention = 'Audit log retention';
  const refresh = 'Catalog refresh interval';
  for (const [value, words] of [
    ['', 'Enter a number of days'],
    ['-5', 'Between 1 and 3650 days'],
    ['4000', 'Between 1 and 3650 days'],
    ['soon', 'A whole number between 1 and 3650 days'],
    ['2.5', 'A whole number between 1 and 3650 days'],
  ] as const) {
    await general.getByLabel(retention).fill(value);
    await save.click();
    await expectOnField(general, retention, words);
    await expect(general.getByLabel(refresh)).not.toHaveAttribute('aria-invalid', 'true');
  }
  await general.getByLabel(retention).fill('30');
  await general.getByLabel(refresh).fill('2');
  await save.click();
  await expectOnField(general, refresh, 'Between 5 and 1440 minutes');
  await expect(general.getByLabel(retention)).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoJargon(app);
  expect(harness.services.core().settings.get()).toMatchObject({ auditRetentionDays: 90, catalogRefreshMinutes: 60 });
});

test('the task dialog words an empty or too long title and assignee on their fields', async ({ app, harness }) => {
  await nav(app, 'Tasks').click();
  await app.getByRole('button', { name: 'New task', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New task' });
  const create = dialog.getByRole('button', { name: 'Create task' });
  await create.click();
  await expectOnField(dialog, 'Title', 'Give the task a title');
  await dialog.getByLabel('Title').fill('x'.repeat(201));
  await create.click();
  await expectOnField(dialog, 'Title', 'At most 200 characters (this one has 201)');
  await dialog.getByLabel('Title').fill('Fine');
  await dialog.getByLabel('Assignee').fill('y'.repeat(101));
  await create.click();
  await expectOnField(dialog, 'Assignee', 'At most 100 characters');
  await expect(dialog.getByLabel('Title')).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoJargon(app);
  expect(harness.services.core().tasks.list()).toEqual([]);
});

test('the plugin settings form words out-of-range, empty, too long and wrong-typed values on their fields', async ({ app, harness }) => {
  const core = harness.services.core();
  cpSync(join(import.meta.dirname, '..', 'fixtures', 'plugins', 'standup-helper'), join(core.pluginPaths.root, 'standup-helper'), { recursive: true });
  core.plugins.put({ id: 'standup-helper', name: 'Standup helper', version: '1.2.0', sourceId: null, previousVersion: null, grants: ['palette', 'settings'], enabled: false });
  await nav(app, 'Plugins').click();
  await app.getByRole('listitem', { name: 'Standup helper' }).getByRole('button', { name: /Standup helper/ }).click();
  const form = app.getByRole('form', { name: 'Plugin settings' });
  const save = form.getByRole('button', { name: 'Save settings' });

  await form.getByLabel('Repeat').fill('9');
  await form.getByLabel('Greeting').fill('');
  await save.click();
  await expectOnField(form, 'Repeat', 'Between 1 and 5');
  await expectOnField(form, 'Greeting', 'Fill this in');

  await form.getByLabel('Repeat').fill('many');
  await form.getByLabel('Greeting').fill('g'.repeat(41));
  await save.click();
  await expectOnField(form, 'Repeat', 'A number between 1 and 5');
  await expectOnField(form, 'Greeting', 'At most 40 characters');
  await expectNoJargon(app);

  // Whatever the form lets through, main words the same on the same field.
  const refused = await harness.services.dispatch('plugins.updateSettings', { id: 'standup-helper', values: { repeat: 'many' } });
  expect(refused).toEqual({ ok: true, value: { saved: false, errors: { repeat: 'A number between 1 and 5' } } });
});

test('the secrets form words an empty, too long or malformed name and an empty value on their fields', async ({ app, harness }) => {
  const panel = app.getByRole('region', { name: 'Secrets' });
  const form = panel.getByRole('form', { name: 'Store a secret' });
  await expect(form.getByLabel('Name')).toBeEnabled();
  const save = form.getByRole('button', { name: 'Save secret' });
  await save.click();
  await expectOnField(form, 'Name', 'Enter a name for the secret, for example OPENAI_API_KEY');
  await expectOnField(form, 'Value', 'Enter the secret’s value');
  for (const name of ['my key!', 'K'.repeat(129)]) {
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Value').fill('something');
    await save.click();
    await expectOnField(form, 'Name', 'Use at most 128 letters, digits and . _ : - only, starting with a letter or digit');
    await expect(form.getByLabel('Value')).not.toHaveAttribute('aria-invalid', 'true');
  }
  await expectNoJargon(app);
  expect(await harness.services.core().secrets.list()).toEqual([]);
});

test('a failing catalog source offers Retry, Edit and Remove on its banner', async ({ app, harness, server }) => {
  const { marketplace } = harness.services.core();
  marketplace.addSource({ name: 'Team catalog', url: server.url('/team/catalog.json') });
  await nav(app, 'Marketplace').click();
  const banner = app.getByRole('alert').filter({ hasText: 'Team catalog' });
  await expect(banner).toContainText('HTTP 404');
  const actions = banner.getByRole('group', { name: 'What to do about Team catalog' });

  // Retry once the server has it: the banner goes.
  server.put('/team/catalog.json', JSON.stringify({ version: 1, updatedAt: '2026-11-01T00:00:00Z', plugins: [] }));
  await actions.getByRole('button', { name: 'Retry' }).click();
  await expect(banner).toHaveCount(0);

  // Edit fixes a wrong address in place, with field errors as anywhere else.
  marketplace.addSource({ name: 'Typo catalog', url: server.url('/typo/catalog.json') });
  await app.getByRole('button', { name: 'Refresh' }).click();
  const typo = app.getByRole('alert').filter({ hasText: 'Typo catalog' });
  await typo.getByRole('button', { name: 'Edit' }).click();
  const edit = app.getByRole('dialog', { name: 'Edit Typo catalog' });
  await edit.getByLabel('Catalog address').fill('http://127.0.0.1/catalog.json');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expectOnField(edit, 'Catalog address', /does not use https:\/\//);
  await edit.getByLabel('Catalog address').fill(server.url('/team/catalog.json'));
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(typo).toHaveCount(0);
  expect(marketplace.sources.list().find((s) => s.name === 'Typo catalog')?.url).toBe(server.url('/team/catalog.json'));

  // Remove asks first.
  marketplace.addSource({ name: 'Gone catalog', url: server.url('/gone/catalog.json') });
  await app.getByRole('button', { name: 'Refresh' }).click();
  const gone = app.getByRole('alert').filter({ hasText: 'Gone catalog' });
  await gone.getByRole('button', { name: 'Remove' }).click();
  await app.getByRole('alertdialog', { name: 'Remove Gone catalog?' }).getByRole('button', { name: 'Remove' }).click();
  await expect(gone).toHaveCount(0);
  await expect(app.getByRole('combobox', { name: 'Filter by source' }).getByRole('option', { name: 'Gone catalog' })).toHaveCount(0);
  expect(marketplace.sources.list().map((s) => s.name)).toEqual(expect.not.arrayContaining(['Gone catalog']));
  expect(marketplace.sources.list().map((s) => s.name)).toEqual(expect.arrayContaining(['Team catalog', 'Typo catalog']));
});

test('the Add project dialog words a relative or missing folder and a too long name on their fields', async ({ app, harness }) => {
  await nav(app, 'Sessions').click();
  await app.getByRole('button', { name: 'Add project' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add project' });
  const add = dialog.getByRole('button', { name: 'Add project' });
  await expect(add).toBeDisabled();
  await dialog.getByLabel('Folder').fill('relative/path');
  await add.click();
  await expectOnField(dialog, 'Folder', /is not a full path/);
  await dialog.getByLabel('Folder').fill(join(harness.dataDir, 'no-such-folder'));
  await add.click();
  await expectOnField(dialog, 'Folder', /does not exist/);
  await dialog.getByLabel('Folder').fill(harness.dataDir);
  await dialog.getByLabel('Name').fill('n'.repeat(121));
  await add.click();
  await expectOnField(dialog, 'Name', 'At most 120 characters');
  await expect(dialog.getByLabel('Folder')).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoJargon(app);
  expect(harness.services.core().agents.listProjects()).toEqual([]);
});

test('the Run agent form words an empty or too long prompt and refused tool rules on their fields, and runs nothing', async ({ app, harness }) => {
  const core = harness.services.core();
  const folder = join(harness.dataDir, 'work', 'notes');
  mkdirSync(folder, { recursive: true });
  const project = core.agents.addProject(folder, 'Notes');
  await nav(app, 'Sessions').click();
  await app.getByRole('navigation', { name: 'Projects' }).getByRole('button', { name: /^Notes/ }).click();
  const form = app.getByRole('form', { name: 'Run agent' });
  const run = form.getByRole('button', { name: 'Run agent' });

  await run.click();
  await expectOnField(form, 'Prompt', 'Write a prompt for the agent');
  await form.getByLabel('Prompt').fill('p'.repeat(100_001));
  await run.click();
  await expectOnField(form, 'Prompt', 'At most 100,000 characters (this one has 100,001)');

  await form.getByLabel('Prompt').fill('List the files');
  await form.getByText('Tool permissions').click();
  await form.getByLabel('Allowed tools').fill(Array.from({ length: 51 }, (_, i) => `Tool${i}`).join(', '));
  await run.click();
  await expectOnField(form, 'Allowed tools', 'At most 50 items');
  await expect(form.getByLabel('Prompt')).not.toHaveAttribute('aria-invalid', 'true');
  await form.getByLabel('Allowed tools').fill(`Bash(${'x'.repeat(200)})`);
  await run.click();
  await expectOnField(form, 'Allowed tools', 'At most 200 characters');

  // Rules to save, but no prompt: the run is refused and nothing is saved for the project.
  await form.getByLabel('Allowed tools').fill('Read');
  await form.getByLabel('Save for Notes').check();
  await form.getByLabel('Prompt').fill('   ');
  await run.click();
  await expectOnField(form, 'Prompt', 'Write a prompt for the agent');
  await expect(form.getByLabel('Allowed tools')).not.toHaveAttribute('aria-invalid', 'true');
  expect(core.agents.store.getProject(project.id)!.permissions).toEqual({});

  await form.getByLabel('Prompt').fill('List the files');
  await form.getByLabel('Denied tools').fill('--dangerously-skip-permissions');
  await run.click();
  await expectOnField(form, 'Denied tools', /"--dangerously-skip-permissions" is not a tool rule/);
  await expect(form.getByLabel('Allowed tools')).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoJargon(app);
  await screenshotScreen(app, 'form-errors-run-agent');
  await app.emulateMedia({ colorScheme: 'dark' });
  await screenshotScreen(app, 'form-errors-run-agent-dark');
  expect(core.agents.store.listSessions()).toEqual([]);
  expect(core.agents.store.getProject(project.id)!.permissions).toEqual({});

  // The form cannot send a wrong type or an unknown agent; main words them on the same fields.
  expect(await harness.services.dispatch('sessions.run', { projectId: project.id, provider: 'claude', prompt: 42 })).toMatchObject({ ok: false, error: { fields: { prompt: 'Write the prompt as text' } } });
  expect(await harness.services.dispatch('sessions.run', { projectId: project.id, provider: 'aider', prompt: 'x' })).toMatchObject({
    ok: false,
    error: { fields: { provider: 'Unknown agent "aider". Choose Claude Code or Codex CLI.' } },
  });
  expect(core.agents.store.listSessions()).toEqual([]);
});

test('the price form words an empty, too long, negative, too high or non-number value on its field, and saves nothing', async ({ app, harness }) => {
  await nav(app, 'Metrics').click();
  await app.getByRole('radiogroup', { name: 'View' }).getByText('Prices').click();
  const form = app.getByRole('form', { name: 'Set a price' });
  const save = form.getByRole('button', { name: 'Save price' });
  const model = 'Model name (or its start)';
  const prices = ['Input $/M', 'Output $/M', 'Cache read $/M', 'Cache write $/M'];

  await save.click();
  await expectOnField(form, model, 'Give the model a name');
  for (const price of prices) await expectOnField(form, price, 'Enter a price in US dollars per million tokens');

  await form.getByLabel(model).fill('m'.repeat(201));
  await form.getByLabel('Input $/M').fill('-1');
  await form.getByLabel('Output $/M').fill('20000');
  await form.getByLabel('Cache read $/M').fill('ten');
  await form.getByLabel('Cache write $/M').fill('0.5');
  await save.click();
  await expectOnField(form, model, 'At most 200 characters');
  await expectOnField(form, 'Input $/M', 'A price cannot be negative');
  await expectOnField(form, 'Output $/M', 'Between 0 and 10000 US dollars per million tokens');
  await expectOnField(form, 'Cache read $/M', 'A number between 0 and 10000 US dollars per million tokens');
  await expect(form.getByLabel('Cache write $/M')).not.toHaveAttribute('aria-invalid', 'true');
  await expectNoJargon(app);
  await screenshotScreen(app, 'form-errors-prices');
  await app.emulateMedia({ colorScheme: 'dark' });
  await screenshotScreen(app, 'form-errors-prices-dark');

  await form.getByLabel(model).fill('   ');
  for (const price of prices) await form.getByLabel(price).fill('1');
  await save.click();
  await expectOnField(form, model, 'Give the model a name');
  for (const price of prices) await expect(form.getByLabel(price)).not.toHaveAttribute('aria-invalid', 'true');
  expect(harness.services.core().metrics.prices()).toEqual([]);
});
