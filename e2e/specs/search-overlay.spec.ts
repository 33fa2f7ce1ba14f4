import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

const SESSION = 'beef0000-1111-4222-8333-444455556666';

test('Ctrl+Shift+F finds messages and tasks, moves with the keyboard and opens the session at the message', async ({ app, harness }) => {
  const dir = join(harness.dataDir, 'home', '.claude', 'projects', '-srv');
  mkdirSync(dir, { recursive: true });
  const line = (n: number, role: 'user' | 'assistant', text: string) =>
    JSON.stringify({ type: role, sessionId: SESSION, cwd: '/srv/chat', uuid: `beef0000-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: new Date(Date.UTC(2026, 0, 5, 10, 0, n)).toISOString(), message: role === 'user' ? { role, content: text } : { id: `m${n}`, role, content: [{ type: 'text', text }] } });
  writeFileSync(
    join(dir, `${SESSION}.jsonl`),
    [line(1, 'user', 'Why does the websocket drop after a minute?'), line(2, 'assistant', 'The proxy closes an idle websocket; the websocket needs a ping every 30 seconds.'), line(3, 'user', 'Add the ping then.')].join('\n') + '\n',
  );
  harness.services.core().agents.sources.scan();
  const task = await harness.services.dispatch('tasks.create', { title: 'Websocket keep-alive ping', description: 'Send a ping every 30 seconds' });
  expect(task.ok).toBe(true);

  await expect(app.getByRole('heading', { level: 1 })).toBeVisible();
  await app.keyboard.press('Control+Shift+F');
  const overlay = app.getByRole('dialog', { name: 'Search' });
  const input = overlay.getByRole('combobox', { name: 'Search messages and tasks' });
  await expect(input).toBeFocused();

  // Hostile input is searched as text: no error, just no match.
  await input.fill('"NEAR( OR *');
  await expect(overlay.getByText('Nothing matches')).toBeVisible();
  await expect(overlay.getByText(/Search failed/)).toHaveCount(0);

  await input.fill('websocket');
  const messages = overlay.getByRole('group', { name: 'Messages' });
  const tasks = overlay.getByRole('group', { name: 'Tasks' });
  await expect(messages.getByRole('option')).toHaveCount(2);
  await expect(tasks.getByRole('option')).toHaveCount(1);
  await expect(tasks.getByRole('option').locator('mark')).toHaveText(['Websocket']);
  // The message that says it twice ranks first.
  await expect(messages.getByRole('option').first()).toContainText('the websocket needs a ping');
  await expect(messages.getByRole('option').first().locator('mark')).toHaveText(['websocket', 'websocket']);
  await expect(messages.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await screenshotScreen(app, 'search-overlay');

  await input.press('ArrowDown');
  await expect(messages.getByRole('option').nth(1)).toHaveAttribute('aria-selected', 'true');
  await input.press('ArrowDown');
  await expect(tasks.getByRole('option')).toHaveAttribute('aria-selected', 'true');
  await input.press('ArrowDown');
  await expect(messages.getByRole('option').first()).toHaveAttribute('aria-selected', 'true');
  await input.press('ArrowUp');
  await input.press('ArrowUp');
  await input.press('Enter');

  await expect(overlay).toBeHidden();
  await expect(app.getByRole('heading', { level: 1, name: 'Sessions' })).toBeVisible();
  const focused = app.locator('.message.is-focused');
  await expect(focused).toContainText('Why does the websocket drop after a minute?');
});

test('Enter on a task result opens the Tasks screen at that task: scrolled into view, focused and marked', async ({ app, harness }) => {
  // Enough cards above it that the task would be out of sight without scrolling.
  for (let n = 1; n <= 14; n++) {
    expect((await harness.services.dispatch('tasks.create', { title: `Routine chore ${n}`, description: 'Tidy up one more thing that nobody will remember doing' })).ok).toBe(true);
  }
  const created = await harness.services.dispatch('tasks.create', { title: 'Rotate the signing certificate', description: 'It expires next week' });
  if (!created.ok) throw new Error(created.error.message);
  const taskId = (created.value as { id: number }).id;

  await expect(app.getByRole('heading', { level: 1 })).toBeVisible();
  await app.keyboard.press('Control+Shift+F');
  const overlay = app.getByRole('dialog', { name: 'Search' });
  await overlay.getByRole('combobox', { name: 'Search messages and tasks' }).fill('certificate');
  const hit = overlay.getByRole('group', { name: 'Tasks' }).getByRole('option');
  await expect(hit).toHaveCount(1);
  await expect(hit).toHaveAttribute('aria-selected', 'true');
  await app.keyboard.press('Enter');

  await expect(overlay).toBeHidden();
  await expect(app.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  const card = app.locator(`[data-task-id="${taskId}"]`);
  await expect(card).toContainText('Rotate the signing certificate');
  await expect(card).toBeFocused();
  await expect(card).toHaveClass(/is-highlighted/);
  await expect(card).toHaveAttribute('aria-current', 'true');
  await expect(card).toBeInViewport();
  // Only that card is marked.
  await expect(app.locator('.task-card.is-highlighted')).toHaveCount(1);
  await screenshotScreen(app, 'tasks-opened-from-search');

  // The keyboard is really on the card: Enter opens its edit dialog.
  await app.keyboard.press('Enter');
  const dialog = app.getByRole('dialog', { name: `Edit task #${taskId}` });
  await expect(dialog.getByLabel('Title')).toHaveValue('Rotate the signing certificate');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();

  // Moving on to another card takes the mark away.
  await card.focus();
  await app.keyboard.press('ArrowUp');
  await expect(card).not.toBeFocused();
  await expect(app.locator('.task-card.is-highlighted')).toHaveCount(0);
});
