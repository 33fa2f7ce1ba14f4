import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

const FAKE_AGENT = join(import.meta.dirname, '..', '..', 'main', 'agents', 'fixtures', 'fake-agent.mjs');

test('a run gets tool permissions, saved with the project when asked; a rule that reads as an option is refused', async ({ app, harness }) => {
  const core = harness.services.core();
  const folder = join(harness.dataDir, 'work', 'notes');
  mkdirSync(folder, { recursive: true });
  const project = core.agents.addProject(folder, 'Notes');
  expect((await harness.services.dispatch('sessions.updateSources', { claudeBinary: FAKE_AGENT, codexBinary: FAKE_AGENT })).ok).toBe(true);

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  await app.getByRole('navigation', { name: 'Projects' }).getByRole('button', { name: /^Notes/ }).click();
  const form = app.getByRole('form', { name: 'Run agent' });
  await form.getByText('Tool permissions').click();
  await form.getByLabel('Permission mode').selectOption('acceptEdits');
  await form.getByLabel('Allowed tools').fill('Read, Bash(git diff:*)');
  await form.getByLabel('Denied tools').fill('--dangerously-skip-permissions');
  await form.getByLabel('Save for Notes').check();
  await form.getByLabel('Prompt').fill('List the files');
  await form.getByRole('button', { name: 'Run agent' }).click();
  await expect(form.getByText('"--dangerously-skip-permissions" is not a tool rule.', { exact: false })).toBeVisible();
  expect(core.agents.store.getProject(project.id)!.permissions).toEqual({});
  expect(core.agents.store.listSessions()).toEqual([]);
  await screenshotScreen(app, 'sessions-run-permissions-refused');

  await form.getByLabel('Denied tools').fill('WebFetch');
  await form.getByRole('button', { name: 'Run agent' }).click();
  await expect(app.getByRole('article', { name: 'Session List the files' }).getByText('Done.', { exact: true })).toBeVisible({ timeout: 15_000 });
  expect(core.agents.store.getProject(project.id)!.permissions).toEqual({ permissionMode: 'acceptEdits', allowedTools: ['Read', 'Bash(git diff:*)'], disallowedTools: ['WebFetch'] });
  await screenshotScreen(app, 'sessions-run-permissions');
  await app.emulateMedia({ colorScheme: 'dark' });
  await screenshotScreen(app, 'sessions-run-permissions-dark');
});
