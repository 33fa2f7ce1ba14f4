import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { BUILTIN_SOURCE_ID } from '../../main/marketplace/builtin.ts';
import { expect, test } from '../fixtures/harness.ts';
import { openPlugins, shoot } from '../fixtures/plugin-fixtures.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'main', 'agents', 'fixtures');
/** The highlighted code passes axe's colour-contrast rule in both themes. */
async function contrastHolds(app: Page, selector: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: scheme });
    await expect(app.locator('html')).toHaveAttribute('data-theme', scheme);
    const { violations } = await new AxeBuilder({ page: app }).include(selector).withRules(['color-contrast']).analyze();
    expect(violations.flatMap((v) => v.nodes.map((n) => n.target.join(' ')))).toEqual([]);
  }
}

const SESSION = 'dddd1111-2222-4333-8444-555566667777';

test('the built-in Diff Viewer highlights an imported session\'s Edit by its language, keeping the +/- colours and line numbers', async ({ app, harness }) => {
  test.setTimeout(120_000);
  cpSync(join(FIXTURES, 'claude'), join(harness.dataDir, 'home', '.claude', 'projects'), { recursive: true });
  const core = harness.services.core();
  core.agents.sources.scan();
  const entry = (await core.marketplace.fetchCatalog()).entries.find((e) => e.id === 'diff-viewer' && e.sourceId === BUILTIN_SOURCE_ID)!;
  await core.marketplace.install('diff-viewer', BUILTIN_SOURCE_ID, entry.permissions);
  await app.reload();

  await openPlugins(app);
  await app.getByRole('listitem', { name: 'Diff Viewer' }).getByRole('button', { name: /Diff Viewer/ }).click();
  const diff = app.getByRole('region', { name: 'Panel' }).getByLabel('Diff').filter({ hasText: 'b/home/dev/shop/src/validate.ts' });
  await expect(diff).toBeVisible({ timeout: 15_000 });
  const keyword = diff.locator('.diff-add .hljs-keyword').first();
  await expect(keyword).toHaveText('export');
  await expect(diff.locator('.diff-add .diff-no').nth(1)).toHaveText('1');
  // The token keeps a theme colour of its own, not the added line's green.
  const colours = await keyword.evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el.closest('.diff-line')!).color]);
  expect(colours[0]).not.toBe(colours[1]);
  await contrastHolds(app, '.plugin-panel-diff');
  await shoot(app, 'highlight-diff-viewer', { screen: true, narrow: true });
});

test('a session reply\'s code block is highlighted by the language it names, and an Edit by its file\'s', async ({ app, harness }) => {
  const folder = join(harness.dataDir, 'work', 'shop');
  mkdirSync(folder, { recursive: true });
  const transcripts = join(harness.dataDir, 'home', '.claude', 'projects', '-work-shop');
  mkdirSync(transcripts, { recursive: true });
  const text = 'Here is the check:\n\n```ts\n// Luhn check\nexport function valid(card: string): boolean {\n  return card.length === 16;\n}\n```';
  const records = [
    { type: 'user', message: { role: 'user', content: 'Show me the card check' } },
    { type: 'assistant', message: { id: 'msg_1', role: 'assistant', model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 10 }, content: [{ type: 'text', text }] } },
    { type: 'assistant', message: { id: 'msg_2', role: 'assistant', model: 'claude-sonnet-4-5', usage: { input_tokens: 10, output_tokens: 10 }, content: [{ type: 'tool_use', id: 'toolu_1', name: 'Edit', input: { file_path: `${folder}/check.py`, old_string: 'def valid(card):\n    return False\n', new_string: 'def valid(card):\n    return len(card) == 16\n' } }] } },
  ];
  writeFileSync(
    join(transcripts, `${SESSION}.jsonl`),
    records.map((r, n) => JSON.stringify({ parentUuid: null, isSidechain: false, sessionId: SESSION, cwd: folder, uuid: `dddd1111-0000-4000-8000-00000000000${n}`, timestamp: new Date(Date.parse('2026-11-30T09:00:00Z') + n * 1000).toISOString(), ...r })).join('\n') + '\n',
  );
  harness.services.core().agents.sources.scan();
  await app.reload();

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  await app.getByRole('list', { name: 'Sessions' }).getByRole('button').first().click();
  const code = app.locator('.markdown pre code');
  await expect(code.locator('.hljs-keyword').first()).toHaveText('export');
  await expect(code.locator('.hljs-comment')).toHaveText('// Luhn check');
  await expect(code.locator('.hljs-title')).toHaveText('valid');
  // The Edit's diff is highlighted as Python, its lines still marked added and removed.
  await app.getByRole('button', { name: /^Edit/ }).click();
  const edit = app.getByLabel(`Changes to ${folder}/check.py`);
  await expect(edit.locator('.diff-context .hljs-keyword')).toHaveText('def');
  await expect(edit.locator('.diff-add .hljs-built_in')).toHaveText('len');
  await expect(edit.locator('.diff-remove .hljs-literal')).toHaveText('False');
  await contrastHolds(app, '.markdown pre');
  await contrastHolds(app, 'pre.diff');
  await shoot(app, 'highlight-session-code', { narrow: true });
});
