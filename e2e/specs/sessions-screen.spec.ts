import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/harness.ts';
import { SCREENSHOTS } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

const FAKE_AGENT = join(import.meta.dirname, '..', '..', 'main', 'agents', 'fixtures', 'fake-agent.mjs');
const LONG = 'aaaa1111-2222-4333-8444-555566667777';
const SHORT = 'bbbb1111-2222-4333-8444-555566667777';
const HAIKU = 'cccc1111-2222-4333-8444-555566667777';
const START = Date.parse('2026-11-30T09:00:00Z');

/** A Claude Code transcript: one record per line, each with its own uuid and time. */
function transcript(session: string, cwd: string, bodies: Record<string, unknown>[]): string {
  return bodies
    .map((body, n) =>
      JSON.stringify({ parentUuid: null, isSidechain: false, sessionId: session, cwd, gitBranch: 'main', uuid: `${session.slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: new Date(START + n * 1000).toISOString(), ...body }),
    )
    .join('\n') + '\n';
}

const usage = { input_tokens: 1200, cache_read_input_tokens: 8000, output_tokens: 300 };
const user = (text: string) => ({ type: 'user', message: { role: 'user', content: text } });
const reply = (id: string, model: string, content: unknown[]) => ({ type: 'assistant', message: { id, role: 'assistant', model, usage, content } });
const result = (toolId: string, text: string) => ({ type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolId, content: text }] } });

/** A long conversation: Markdown replies, multi-line Bash commands, a Task, and records with no words. */
function longConversation(): Record<string, unknown>[] {
  const bodies: Record<string, unknown>[] = [user('Make the checkout validate card numbers')];
  for (let i = 1; i <= 30; i++) {
    bodies.push(
      reply(`msg_${i}`, 'claude-opus-4-6', [
        { type: 'text', text: i === 1 ? '## Plan\n\n1. Read **checkout.ts**\n2. Add `validateCard`\n\n| step | file |\n|---|---|\n| read | checkout.ts |\n\n```ts\nvalidateCard(form.card);\n```\n\nSee [the docs](https://example.test/luhn). <b>raw html</b>' : `Step ${i}: checked the *next* file.` },
        { type: 'tool_use', id: `toolu_${i}`, name: 'Bash', input: { command: `cd app &&\nnpm test -- step${i}`, description: `Run step ${i}'s tests` } },
      ]),
      result(`toolu_${i}`, `ok ${i}`),
      reply(`msg_${i}b`, 'claude-opus-4-6', [{ type: 'text', text: '\n\n' }]),
    );
  }
  bodies.push(reply('msg_task', 'claude-opus-4-6', [{ type: 'tool_use', id: 'toolu_task', name: 'Task', input: { subagent_type: 'Explore', description: 'Find callers', prompt: 'Find every caller of submit().\n\nReport file:line.' } }]));
  bodies.push(result('toolu_task', 'Two callers.'));
  bodies.push(reply('msg_end', 'claude-opus-4-6', [{ type: 'text', text: 'Done: **validateCard** runs before submit.' }]));
  return bodies;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

test('a long session reads well: panes scroll on their own, replies are Markdown, the list can be searched, filtered and walked with the keys', async ({ app, harness }) => {
  const folder = join(harness.dataDir, 'work', 'shop');
  mkdirSync(folder, { recursive: true });
  const transcripts = join(harness.dataDir, 'home', '.claude', 'projects', '-work-shop');
  mkdirSync(transcripts, { recursive: true });
  writeFileSync(join(transcripts, `${LONG}.jsonl`), transcript(LONG, folder, longConversation()));
  writeFileSync(join(transcripts, `${SHORT}.jsonl`), transcript(SHORT, folder, [user('Write the README'), reply('msg_r', 'claude-sonnet-4-5', [{ type: 'text', text: 'Wrote it.' }])]));
  writeFileSync(join(transcripts, `${HAIKU}.jsonl`), transcript(HAIKU, folder, [user('Rename the helper'), reply('msg_h', 'claude-haiku-4-5', [{ type: 'text', text: 'Renamed.' }])]));

  await app.setViewportSize({ width: 1280, height: 800 });
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  const list = app.getByRole('list', { name: 'Sessions' });
  await expect(list.getByRole('listitem')).toHaveCount(3, { timeout: 15_000 });

  // Search, filters and sorting.
  const search = app.getByRole('searchbox', { name: 'Search sessions' });
  await search.fill('readme');
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText('Write the README');
  await expect(app.getByRole('status').filter({ hasText: '1 of 3 sessions' })).toBeVisible();
  await app.getByRole('button', { name: 'Clear filters' }).click();
  await expect(search).toHaveValue('');
  const filters = app.getByRole('button', { name: 'Filters' });
  await expect(filters).toHaveAttribute('aria-expanded', 'false');
  await filters.click();
  await app.getByLabel('Model', { exact: true }).selectOption('claude-haiku-4-5');
  await expect(app.getByRole('button', { name: 'Filters (1)' })).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(1);
  await expect(list.getByRole('listitem')).toContainText('Rename the helper');
  await app.getByLabel('Model', { exact: true }).selectOption('');
  await app.getByLabel('Date', { exact: true }).selectOption('today');
  await expect(app.getByText('No session matches')).toBeVisible();
  await app.getByLabel('Date', { exact: true }).selectOption('any');
  await app.getByLabel('Sort by').selectOption('tokens');
  await expect(list.getByRole('listitem').first()).toContainText('Make the checkout validate');

  // Arrow keys walk the list.
  const rows = list.locator('.session-row');
  await rows.first().focus();
  await app.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await app.keyboard.press('ArrowUp');
  await expect(rows.first()).toBeFocused();
  await app.keyboard.press('Enter');

  const view = app.getByRole('article', { name: 'Session Make the checkout validate card numbers' });
  const conversation = view.getByRole('list', { name: 'Conversation' });
  // Markdown: a heading, a table, code; raw HTML is dropped, not shown or rendered.
  await expect(conversation.getByRole('heading', { name: 'Plan' })).toBeVisible();
  await expect(conversation.getByRole('table')).toContainText('checkout.ts');
  await expect(conversation.locator('pre code')).toHaveText('validateCard(form.card);');
  await expect(conversation.getByRole('link', { name: 'the docs' })).toHaveAttribute('href', 'https://example.test/luhn');
  await expect(conversation.locator('b')).toHaveCount(0);
  await expect(conversation).not.toContainText('<b>');
  // Records with no words make no bubbles: 31 replies with text, not 61.
  await expect(conversation.locator('.message-assistant.message-text')).toHaveCount(31);
  // A finished session's cost is not "so far".
  await expect(view.locator('.session-stats')).not.toContainText('so far');

  // A Bash call's command reads with its line breaks, not as JSON.
  await conversation.getByRole('button', { name: /Bash/ }).first().click();
  const input = conversation.getByLabel('Input').first();
  await expect(input).toContainText("Run step 1's tests");
  expect(await input.locator('dd.tool-input-code').first().innerText()).toBe('cd app &&\nnpm test -- step1');
  await expect(input).not.toContainText('\\n');
  await expect(input).not.toContainText('"command"');
  await conversation.getByRole('button', { name: /Task/ }).click();
  const task = conversation.getByLabel('Input').last();
  await expect(task).toContainText('Explore');
  expect(await task.locator('dd').last().innerText()).toBe('Find every caller of submit().\n\nReport file:line.');

  // The conversation scrolls by itself: the page does not, and the list and header stay in view.
  const layout = async () =>
    app.evaluate(() => {
      const content = document.querySelector('#content')!;
      const convo = document.querySelector('.conversation')!;
      const head = document.querySelector('.session-view-head')!.getBoundingClientRect();
      const row = document.querySelector('.session-row')!.getBoundingClientRect();
      const box = convo.getBoundingClientRect();
      return { pageScrolls: content.scrollHeight > content.clientHeight + 1, convoScrolls: convo.scrollHeight > convo.clientHeight, convoWidth: box.width, convoRight: box.right, listWidth: row.width, headTop: head.top, rowTop: row.top, window: innerWidth };
    });
  const before = await layout();
  expect(before.pageScrolls).toBe(false);
  expect(before.convoScrolls).toBe(true);
  await conversation.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
  await expect(conversation.getByText('Done: validateCard runs before submit.')).toBeInViewport();
  const after = await layout();
  expect(after.headTop).toBe(before.headTop);
  expect(after.rowTop).toBe(before.rowTop);
  // The conversation takes the room the window has, up to its right edge, not a fixed column.
  expect(after.convoRight).toBeGreaterThan(after.window - 60);
  expect(after.convoWidth).toBeGreaterThan(after.window * 0.5);
  await shoot(app, 'sessions-long-light');

  harness.services.core().settings.update({ theme: 'dark' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await shoot(app, 'sessions-long-dark');

  await app.setViewportSize({ width: 900, height: 700 });
  const narrow = await layout();
  expect(narrow.pageScrolls).toBe(false);
  expect(narrow.convoRight).toBeGreaterThan(narrow.window - 60);
  expect(narrow.convoWidth).toBeGreaterThan(narrow.listWidth * 1.5);
  await shoot(app, 'sessions-long-narrow-dark');
  harness.services.core().settings.update({ theme: 'light' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
  await shoot(app, 'sessions-long-narrow-light');
});

test('opening a session by click or Enter moves focus into its conversation, and the list keeps its place', async ({ app, harness }) => {
  const transcripts = join(harness.dataDir, 'home', '.claude', 'projects', '-work-shop');
  mkdirSync(transcripts, { recursive: true });
  for (let i = 1; i <= 40; i++) {
    const id = `dddd${String(i).padStart(4, '0')}-2222-4333-8444-555566667777`;
    writeFileSync(join(transcripts, `${id}.jsonl`), transcript(id, '/work/shop', [user(`Chore number ${i}`), reply(`msg_${i}`, 'claude-sonnet-4-5', [{ type: 'text', text: `Did chore ${i}.` }])]));
  }
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  const list = app.getByRole('list', { name: 'Sessions' });
  await expect(list.locator('.session-row')).toHaveCount(40, { timeout: 15_000 });
  // Their folder is found as a project once the scan is done; the list settles after that.
  await expect(app.getByRole('navigation', { name: 'Projects' })).toContainText('shop');
  const pane = app.getByRole('region', { name: 'Session list' });
  const scrolled = () => pane.evaluate((el) => el.scrollTop);

  // A click far down the list: the conversation's heading has the focus, the list has not moved.
  const last = list.locator('.session-row').last();
  await last.scrollIntoViewIfNeeded();
  const before = await scrolled();
  expect(before).toBeGreaterThan(0);
  const title = (await last.locator('.session-row-title').innerText()).trim();
  await last.click();
  const view = app.getByRole('article', { name: `Session ${title}` });
  await expect(view.getByRole('heading', { level: 2, name: title })).toBeFocused();
  await expect(last).toHaveAttribute('aria-current', 'true');
  expect(await scrolled()).toBe(before);

  // Enter on the row above does the same from the keyboard.
  await last.focus();
  await app.keyboard.press('ArrowUp');
  const above = list.locator('.session-row').nth(38);
  await expect(above).toBeFocused();
  const next = (await above.locator('.session-row-title').innerText()).trim();
  const kept = await scrolled();
  await app.keyboard.press('Enter');
  await expect(app.getByRole('article', { name: `Session ${next}` }).getByRole('heading', { level: 2, name: next })).toBeFocused();
  await expect(above).toHaveAttribute('aria-current', 'true');
  expect(await scrolled()).toBe(kept);
  await screenshotScreen(app, 'sessions-opened-focus');
  await app.emulateMedia({ colorScheme: 'dark' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshotScreen(app, 'sessions-opened-focus-dark');
});

test('“Open session…” in the palette finds a session by its words and opens it', async ({ app, harness }) => {
  const transcripts = join(harness.dataDir, 'home', '.claude', 'projects', '-work-shop');
  mkdirSync(transcripts, { recursive: true });
  writeFileSync(join(transcripts, `${SHORT}.jsonl`), transcript(SHORT, '/work/shop', [user('Write the README'), reply('msg_r', 'claude-sonnet-4-5', [{ type: 'text', text: 'Wrote it.' }])]));
  writeFileSync(join(transcripts, `${HAIKU}.jsonl`), transcript(HAIKU, '/work/shop', [user('Rename the helper'), reply('msg_h', 'claude-haiku-4-5', [{ type: 'text', text: 'Renamed.' }])]));
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  await expect(app.getByRole('list', { name: 'Sessions' }).getByRole('listitem')).toHaveCount(2, { timeout: 15_000 });
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();

  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('open session');
  await expect(palette.getByRole('option').first()).toContainText('Open session…');
  await app.keyboard.press('Enter');
  await palette.getByLabel('Words from the session’s title, project or model').fill('helper');
  await app.keyboard.press('Enter');
  await expect(app.getByRole('article', { name: 'Session Rename the helper' }).getByText('Renamed.')).toBeVisible();
  await expect(app.getByRole('searchbox', { name: 'Search sessions' })).toHaveValue('helper');
});

test('a run that failed can be run again from its session', async ({ app, harness }) => {
  const folder = join(harness.dataDir, 'work', 'shop');
  mkdirSync(folder, { recursive: true });
  const missing = join(harness.dataDir, 'no-such-claude');
  expect((await harness.services.dispatch('sessions.updateSources', { claudeBinary: missing, codexBinary: FAKE_AGENT })).ok).toBe(true);
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  await app.getByRole('button', { name: 'Add project' }).click();
  const dialog = app.getByRole('dialog', { name: 'Add project' });
  await dialog.getByLabel('Folder').fill(folder);
  await dialog.getByLabel('Name').fill('Shop');
  await dialog.getByRole('button', { name: 'Add project' }).click();
  await expect(dialog).toBeHidden();

  const form = app.getByRole('form', { name: 'Run agent' });
  await form.getByLabel('Prompt').fill('List the files');
  await form.getByRole('button', { name: 'Run agent' }).click();
  const failed = app.getByRole('article', { name: 'Session List the files' });
  await expect(failed.getByText('Failed', { exact: true })).toBeVisible({ timeout: 15_000 });
  await expect(failed).toContainText(`Claude Code was not found at "${missing}"`);

  // The user fixes the path, then retries from the failed session.
  expect((await harness.services.dispatch('sessions.updateSources', { claudeBinary: FAKE_AGENT })).ok).toBe(true);
  await failed.getByRole('button', { name: 'Retry run' }).click();
  const again = app.getByRole('article', { name: 'Session List the files' });
  await expect(again.getByText('You asked: List the files (no key)')).toBeVisible({ timeout: 15_000 });
  await expect(again.getByText('Done', { exact: true })).toBeVisible();
  await expect(again.getByRole('button', { name: 'Retry run' })).toHaveCount(0);
  // Both runs are in the list: the failed one is kept.
  const rows = app.getByRole('list', { name: 'Sessions' }).getByRole('listitem').filter({ hasText: 'List the files' });
  await expect(rows).toHaveCount(2);
  await expect(rows.filter({ hasText: 'Failed' })).toHaveCount(1);
});

test('Sources takes an API address and more environment per agent, a secret one by its keyring entry', async ({ app }) => {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  await app.getByRole('button', { name: 'Sources' }).click();
  const dialog = app.getByRole('dialog', { name: 'Sources' });
  await dialog.getByLabel('Claude Code API address').fill('gateway.local');
  await dialog.getByLabel('More environment for Claude Code runs').fill('HTTPS_PROXY=http://127.0.0.1:3128\njust words');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Line 2 needs the form NAME=value')).toBeVisible();
  await dialog.getByLabel('More environment for Claude Code runs').fill('HTTPS_PROXY=http://127.0.0.1:3128\nANTHROPIC_CUSTOM_HEADERS=keyring:gateway-headers');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('The API address must be a full http(s) address, like https://gateway.example.com; "gateway.local" is not')).toBeVisible();
  await dialog.getByLabel('Claude Code API address').fill('https://gateway.example.test');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByText('Saved. The folders are read again now.')).toBeVisible();
  await app.screenshot({ path: join(SCREENSHOTS, 'sessions-sources-env.png') });
  await dialog.getByRole('button', { name: 'Close' }).first().click();

  await app.getByRole('button', { name: 'Sources' }).click();
  await expect(dialog.getByLabel('Claude Code API address')).toHaveValue('https://gateway.example.test');
  await expect(dialog.getByLabel('More environment for Claude Code runs')).toHaveValue('HTTPS_PROXY=http://127.0.0.1:3128\nANTHROPIC_CUSTOM_HEADERS=keyring:gateway-headers');
});
