import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

const FAKE_AGENT = join(import.meta.dirname, '..', '..', 'main', 'agents', 'fixtures', 'fake-agent.mjs');
const SESSION = 'c0ffee00-1111-4222-8333-444455556666';

function record(n: number, cwd: string, body: Record<string, unknown>): string {
  return JSON.stringify({
    parentUuid: null,
    isSidechain: false,
    sessionId: SESSION,
    cwd,
    gitBranch: 'main',
    uuid: `c0ffee00-0000-4000-8000-${String(n).padStart(12, '0')}`,
    timestamp: new Date(Date.now() + n).toISOString(),
    ...body,
  });
}

test('a transcript that grows shows up live, with its tool calls as diffs; an agent run streams in', async ({ app, harness }) => {
  const folder = join(harness.dataDir, 'work', 'shop');
  mkdirSync(folder, { recursive: true });
  const transcripts = join(harness.dataDir, 'home', '.claude', 'projects', '-work-shop');
  mkdirSync(transcripts, { recursive: true });
  const file = join(transcripts, `${SESSION}.jsonl`);
  const usage = { input_tokens: 1200, cache_read_input_tokens: 8000, output_tokens: 300 };
  writeFileSync(
    file,
    [
      record(1, folder, { type: 'user', message: { role: 'user', content: 'Validate the card number in checkout.ts' } }),
      record(2, folder, { type: 'assistant', message: { id: 'msg_1', role: 'assistant', model: 'claude-sonnet-4-20250514', usage, content: [{ type: 'text', text: 'I will add a check before submit.' }, { type: 'tool_use', id: 'toolu_1', name: 'Edit', input: { file_path: `${folder}/checkout.ts`, old_string: 'submit(form);', new_string: 'validateCard(form.card);\nsubmit(form);' } }] } }),
      record(3, folder, { type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'The file checkout.ts has been updated.' }] } }),
    ].join('\n') + '\n',
  );

  const nav = app.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('button', { name: 'Sessions' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();

  // A project is a folder; its sessions are the ones that ran inside it.
  await app.getByRole('button', { name: 'Add project' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add project' });
  await dialog.getByLabel('Folder').fill('relative/path');
  await dialog.getByRole('button', { name: 'Add project' }).click();
  await expect(dialog.getByRole('alert')).toContainText('is not a full path');
  await dialog.getByLabel('Folder').fill(folder);
  await dialog.getByLabel('Name').fill('Shop');
  await dialog.getByRole('button', { name: 'Add project' }).click();
  await expect(dialog).toBeHidden();

  const projects = app.getByRole('navigation', { name: 'Projects' });
  await expect(projects.getByRole('button', { name: /^Shop/ })).toBeVisible();
  const row = app.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasText: 'Validate the card number' });
  await expect(row).toBeVisible({ timeout: 15_000 });
  await expect(row.getByLabel('Live')).toBeVisible();
  await expect(row).toContainText('claude-sonnet-4-20250514');
  // The project's count and live dot follow its sessions.
  const shop = projects.getByRole('button', { name: /^Shop/ });
  await expect(shop).toHaveText(/Shop\s*1$/);
  await expect(shop.getByLabel('1 running')).toBeVisible();
  await row.click();

  const view = app.getByRole('article', { name: 'Session Validate the card number in checkout.ts' });
  await expect(view.getByText('I will add a check before submit.')).toBeVisible();
  await expect(view).toContainText('9.2k in · 300 out');
  await view.getByRole('button', { name: /Edit/ }).click();
  const diff = view.getByLabel(`Changes to ${folder}/checkout.ts`);
  await expect(diff.locator('.diff-add')).toHaveText(['+validateCard(form.card);']);
  await expect(view.getByLabel('Result')).toHaveText('The file checkout.ts has been updated.');

  // The file grows: the new reply appears without any action.
  appendFileSync(file, `${record(4, folder, { type: 'assistant', message: { id: 'msg_2', role: 'assistant', model: 'claude-sonnet-4-20250514', usage, content: [{ type: 'text', text: 'Added validateCard before submit.' }] } })}\n`);
  await expect(view.getByText('Added validateCard before submit.')).toBeVisible({ timeout: 15_000 });
  await screenshotScreen(app, 'sessions-live');

  // Running an agent: a stand-in that prints stream-json lines.
  const configured = await harness.services.dispatch('sessions.updateSources', { claudeBinary: FAKE_AGENT, codexBinary: FAKE_AGENT });
  expect(configured.ok).toBe(true);
  await projects.getByRole('button', { name: /^Shop/ }).click();
  const form = app.getByRole('form', { name: 'Run agent' });
  await form.getByLabel('Prompt').fill('List the files');
  await form.getByRole('button', { name: 'Run agent' }).click();
  const run = app.getByRole('article', { name: 'Session List the files' });
  await expect(run.getByText('You asked: List the files (no key)')).toBeVisible({ timeout: 15_000 });
  await expect(run.getByText('Done.', { exact: true })).toBeVisible();
  await expect(run).toContainText('$0.0123');
  await expect(run.getByText('Done', { exact: true })).toBeVisible();

  // A failing run is classified and labelled.
  await form.getByLabel('Prompt').fill('fail:401');
  await form.getByRole('button', { name: 'Run agent' }).click();
  const failed = app.getByRole('article', { name: 'Session fail:401' });
  await expect(failed.getByText('Authentication failed — check API key')).toBeVisible({ timeout: 15_000 });
  await expect(failed.getByText('Failed', { exact: true })).toBeVisible();
  await screenshotScreen(app, 'sessions-run-failed');
});
