import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, SCREENSHOTS, test } from '../fixtures/harness.ts';

const column = (app: Page, name: string): Locator => app.getByRole('region', { name, exact: true });
const card = (app: Page, title: string): Locator => app.locator('.task-card', { has: app.locator('.task-card-title', { hasText: new RegExp(`^${title}$`) }) });

async function openBoard(app: Page): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Tasks' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
}

test('create, edit and move tasks; every step is on the board and in the audit log', async ({ app, harness }) => {
  const core = harness.services.core();
  await openBoard(app);
  await expect(app.getByText('No tasks yet')).toBeVisible();
  await app.screenshot({ path: join(SCREENSHOTS, 'tasks-empty.png') });

  await app.getByRole('button', { name: 'New task', exact: true }).click();
  const dialog = app.getByRole('dialog', { name: 'New task' });
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog.getByRole('alert')).toHaveText('Give the task a title');
  await expect(dialog.getByLabel('Title')).toHaveAttribute('aria-invalid', 'true');
  expect(core.tasks.list()).toEqual([]);

  await dialog.getByLabel('Title').fill('Write the release notes');
  await dialog.getByLabel('Description').fill('Cover the plugin runtime and the task board.');
  await dialog.getByLabel('Assignee').fill('Sam');
  await app.screenshot({ path: join(SCREENSHOTS, 'tasks-new-dialog.png') });
  await dialog.getByRole('button', { name: 'Create task' }).click();
  await expect(dialog).toBeHidden();
  await expect(card(app, 'Write the release notes')).toBeVisible();
  await expect(column(app, 'To do').locator('.task-card')).toHaveCount(1);
  await expect(card(app, 'Write the release notes')).toContainText('→ Sam');

  await card(app, 'Write the release notes').getByRole('button', { name: 'Edit Write the release notes' }).click();
  const edit = app.getByRole('dialog', { name: /^Edit task #/ });
  await expect(edit).toContainText('Created by You');
  await edit.getByLabel('Title').fill('Write the 0.2 release notes');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await expect(card(app, 'Write the 0.2 release notes')).toBeVisible();

  await card(app, 'Write the 0.2 release notes').getByRole('button', { name: 'Move Write the 0.2 release notes' }).click();
  // The whole menu shows, not clipped by the column it hangs from.
  await expect(app.getByRole('menuitem', { name: 'Move down' })).toBeInViewport({ ratio: 1 });
  await app.getByRole('menuitem', { name: 'Move to In review' }).click();
  await expect(column(app, 'In review').locator('.task-card')).toHaveCount(1);
  await expect(column(app, 'To do').locator('.task-card')).toHaveCount(0);

  const [task] = core.tasks.list();
  expect(task).toMatchObject({ title: 'Write the 0.2 release notes', status: 'review', assignee: 'Sam' });
  expect(core.audit.list({ eventType: 'task_created' }).map((e) => [e.actor, e.detail.title])).toEqual([['user', 'Write the release notes']]);
  expect(core.audit.list({ eventType: 'task_status_changed' }).map((e) => [e.actor, e.detail.from, e.detail.to])).toEqual([['user', 'todo', 'review']]);

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
  const entries = app.getByRole('table', { name: 'Audit entries' });
  await expect(entries.getByRole('row').filter({ hasText: 'task status changed' })).toContainText(`task:${task!.id}`);
  await expect(entries.getByRole('row').filter({ hasText: 'task created' })).toContainText('user');
});

test('keyboard moves a card between columns and within one, keeping focus on it', async ({ app, harness }) => {
  const core = harness.services.core();
  for (const title of ['First', 'Second', 'Third']) core.tasks.create(title, '', 'user');
  await openBoard(app);
  await expect(column(app, 'To do').locator('.task-card')).toHaveCount(3);

  await card(app, 'First').focus();
  await app.keyboard.press('ArrowDown');
  await expect(card(app, 'Second')).toBeFocused();
  await app.keyboard.press('Shift+ArrowRight');
  await expect(column(app, 'In progress').locator('.task-card')).toHaveText([/Second/]);
  await expect(card(app, 'Second')).toBeFocused();
  await app.keyboard.press('Shift+ArrowRight');
  await expect(column(app, 'In review').locator('.task-card')).toHaveText([/Second/]);

  await card(app, 'Third').focus();
  await app.keyboard.press('Shift+ArrowUp');
  await expect(column(app, 'To do').locator('.task-card-title')).toHaveText(['Third', 'First']);
  await expect(card(app, 'Third')).toBeFocused();

  await app.keyboard.press('Enter');
  await expect(app.getByRole('dialog', { name: /^Edit task #/ })).toBeVisible();
  await app.keyboard.press('Escape');

  expect(core.audit.list({ eventType: 'task_status_changed' }).map((e) => [e.detail.title, e.detail.from, e.detail.to])).toEqual([
    ['Second', 'progress', 'review'],
    ['Second', 'todo', 'progress'],
  ]);
});

test('a card dragged onto another column moves there', async ({ app, harness }) => {
  harness.services.core().tasks.create('Drag me', '', 'user');
  await openBoard(app);
  await card(app, 'Drag me').dragTo(column(app, 'Done'));
  await expect(column(app, 'Done').locator('.task-card')).toHaveText([/Drag me/]);
  expect(harness.services.core().tasks.list()[0]!.status).toBe('done');
});

test('tasks a plugin creates appear live, named after the plugin', async ({ app, harness }) => {
  const core = harness.services.core();
  core.plugins.put({ id: 'acme.standup', name: 'Acme Standup', version: '1.0.0', sourceId: null, previousVersion: null, grants: ['tasks'] });
  core.tasks.create('Fix the flaky login test', 'Seen in 3 of the last 10 runs.', 'user');
  await openBoard(app);
  await expect(card(app, 'Fix the flaky login test')).toBeVisible();

  const fromPlugin = core.tasks.create('Summarise yesterday’s sessions', 'Two sessions failed on rate limits.', 'plugin:acme.standup');
  core.tasks.create('Review the hooks API', '', 'plugin:acme.standup', { status: 'review' });
  core.tasks.create('Waiting on the catalog signing key', '', 'user', { status: 'blocked', assignee: 'Priya' });
  core.tasks.create('Ship the marketplace screen', '', 'user', { status: 'done' });
  core.tasks.updateStatus(fromPlugin.id, 'progress', 'plugin:acme.standup');

  const pluginCard = card(app, 'Summarise yesterday’s sessions');
  await expect(column(app, 'In progress').locator('.task-card')).toHaveCount(1);
  await expect(pluginCard.getByLabel('Created by the plugin Acme Standup')).toBeVisible();
  await expect(column(app, 'Blocked').locator('.task-card')).toHaveCount(1);
  await app.screenshot({ path: join(SCREENSHOTS, 'tasks-board.png') });

  expect(core.audit.list({ actor: 'plugin:acme.standup' }).map((e) => e.eventType)).toEqual(['task_status_changed', 'task_created', 'task_created']);
});

test('a task is deleted after a confirmation, audited, and the toast’s Undo brings it back in its place', async ({ app, harness }) => {
  const core = harness.services.core();
  core.tasks.create('First', '', 'user');
  const doomed = core.tasks.create('Second', 'goes and comes back', 'user');
  core.tasks.create('Third', '', 'user');
  await openBoard(app);
  const todo = column(app, 'To do');
  await expect(todo.getByRole('listitem')).toHaveCount(3);

  await todo.getByRole('button', { name: 'Delete Second' }).click();
  const confirm = app.getByRole('alertdialog', { name: 'Delete “Second”?' });
  await confirm.getByRole('button', { name: 'Keep it' }).click();
  await expect(todo.getByRole('listitem')).toHaveCount(3);

  // From the keyboard: Delete on a focused card asks the same question.
  await todo.getByRole('listitem', { name: /^Second,/ }).focus();
  await app.keyboard.press('Delete');
  await confirm.getByRole('button', { name: 'Delete' }).click();
  await expect(todo.getByRole('listitem')).toHaveCount(2);
  expect(core.tasks.list().map((t) => t.title)).toEqual(['First', 'Third']);
  expect(core.audit.list({ eventType: 'task_deleted' }).map((e) => [e.actor, e.subject])).toEqual([['user', `task:${doomed.id}`]]);

  const toast = app.getByRole('listitem', { name: 'Info: Deleted “Second”' });
  await toast.getByRole('button', { name: 'Undo' }).click();
  await expect(todo.getByRole('listitem')).toHaveCount(3);
  await expect(todo.getByRole('listitem').nth(1)).toHaveAccessibleName(/^Second,/);
  expect(core.audit.list({ eventType: 'task_restored' })).toHaveLength(1);
});
