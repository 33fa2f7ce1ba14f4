import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

const START = Date.parse('2026-11-30T09:00:00Z');

/** A Claude Code transcript of one prompt and its reply, run in `cwd`; returns its file. */
function transcript(root: string, session: string, cwd: string, prompt: string): string {
  const folder = join(root, cwd.replaceAll('/', '-'));
  mkdirSync(folder, { recursive: true });
  const bodies = [
    { type: 'user', message: { role: 'user', content: prompt } },
    { type: 'assistant', message: { id: `msg_${session.slice(0, 4)}`, role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Done.' }] } },
  ];
  const lines = bodies.map((body, n) =>
    JSON.stringify({ parentUuid: null, isSidechain: false, sessionId: session, cwd, uuid: `${session.slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: new Date(START + n * 1000).toISOString(), ...body }),
  );
  const file = join(folder, `${session}.jsonl`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

/** A repository with one commit and a worktree beside it, made with the git CLI. */
function gitRepo(parent: string): { repo: string; worktree: string } {
  const repo = join(parent, 'shop');
  mkdirSync(repo, { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'README.md'), '# Shop\n');
  git('add', '.');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'commit', '-q', '-m', 'first');
  const worktree = join(parent, 'shop-cart');
  git('worktree', 'add', '-q', '-b', 'cart', worktree);
  return { repo, worktree };
}

test('projects are found by repository; a project is renamed, merged and hidden, a session renamed and hidden, and the transcripts stay as they were', async ({ app, harness }) => {
  const code = join(harness.dataDir, 'code');
  const { repo, worktree } = gitRepo(code);
  const old = join(code, 'shop-old');
  mkdirSync(old);
  const root = join(harness.dataDir, 'home', '.claude', 'projects');
  transcript(root, 'aaaa1111-2222-4333-8444-555566667777', repo, 'Fix the login');
  transcript(root, 'bbbb1111-2222-4333-8444-555566667777', worktree, 'Add the cart');
  transcript(root, 'cccc1111-2222-4333-8444-555566667777', join(repo, '.claude', 'worktrees', 'gone'), 'Work in a deleted worktree');
  const oldFile = transcript(root, 'dddd1111-2222-4333-8444-555566667777', old, 'Old checkout');
  const oldText = readFileSync(oldFile, 'utf8');

  await app.setViewportSize({ width: 1280, height: 800 });
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  const projects = app.getByRole('navigation', { name: 'Projects' });
  const list = app.getByRole('list', { name: 'Sessions' });
  // The repository and its worktrees, the deleted one too, are one project; the plain folder is another.
  await expect(projects.getByRole('button', { name: /^shop\s*3$/ })).toBeVisible({ timeout: 15_000 });
  await expect(projects.getByRole('button', { name: /^shop-old\s*1$/ })).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(4);

  // Rename, from the keyboard: the actions button opens a menu the arrow keys walk.
  await projects.getByRole('button', { name: 'Actions for project shop', exact: true }).focus();
  await app.keyboard.press('Enter');
  const menu = app.getByRole('menu', { name: 'Actions for project shop', exact: true });
  await expect(menu.getByRole('menuitem')).toHaveText(['Rename…', 'Merge into…', 'Hide']);
  await expect(menu.getByRole('menuitem', { name: 'Rename…' })).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(menu.getByRole('menuitem', { name: 'Merge into…' })).toBeFocused();
  await app.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  const shopActions = projects.getByRole('button', { name: 'Actions for project shop', exact: true });
  await expect(shopActions).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(menu.getByRole('menuitem', { name: 'Rename…' })).toBeFocused();
  await screenshotScreen(app, 'sessions-organize-menu-light');
  await app.keyboard.press('Enter');
  const rename = app.getByRole('dialog', { name: 'Rename shop' });
  await rename.getByLabel('Name').fill('   ');
  await rename.getByRole('button', { name: 'Rename' }).click();
  await expect(rename.getByText('A project needs a name.')).toBeVisible();
  await expect(rename.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
  await screenshotScreen(app, 'sessions-organize-rename-refused-light');
  await rename.getByLabel('Name').fill('Shop front');
  await app.keyboard.press('Enter');
  await expect(rename).toBeHidden();
  await expect(projects.getByRole('button', { name: /^Shop front\s*3$/ })).toBeVisible();

  // Merge the old copy into it: it leaves the list, its session moves.
  await projects.getByRole('button', { name: 'Actions for project shop-old' }).click();
  await app.getByRole('menu', { name: 'Actions for project shop-old' }).getByRole('menuitem', { name: 'Merge into…' }).click();
  const merge = app.getByRole('dialog', { name: 'Merge shop-old into…' });
  await expect(merge).toContainText(`Its folder ${old} becomes part of the project you choose`);
  await merge.getByLabel('Merge into').selectOption({ label: `Shop front — ${repo}` });
  await merge.getByRole('button', { name: 'Merge' }).click();
  await expect(merge).toBeHidden();
  await expect(projects.getByRole('button', { name: /^shop-old/ })).toHaveCount(0);
  await expect(projects.getByRole('button', { name: /^Shop front\s*4$/ })).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(4);

  // Rename a session: the user's title shows; an empty one gives the transcript's back.
  const oldRow = list.getByRole('listitem').filter({ hasText: 'Old checkout' });
  await oldRow.getByRole('button', { name: 'Actions for session Old checkout' }).click();
  await app.getByRole('menuitem', { name: 'Rename…' }).click();
  const renameSession = app.getByRole('dialog', { name: 'Rename session' });
  await expect(renameSession.getByLabel('Title')).toHaveValue('Old checkout');
  await renameSession.getByLabel('Title').fill('Checkout, the first try');
  await renameSession.getByRole('button', { name: 'Rename' }).click();
  await expect(renameSession).toBeHidden();
  const renamed = list.getByRole('listitem').filter({ hasText: 'Checkout, the first try' });
  await expect(renamed).toBeVisible();

  // Hide it: it leaves the list until hidden ones are shown.
  await renamed.getByRole('button', { name: 'Actions for session Checkout, the first try' }).click();
  await app.getByRole('menuitem', { name: 'Hide' }).click();
  await expect(list.getByRole('listitem')).toHaveCount(3);
  await expect(renamed).toHaveCount(0);
  const showHidden = projects.getByLabel('Show hidden');
  await showHidden.check();
  await expect(list.getByRole('listitem')).toHaveCount(4);
  await expect(renamed.getByText('Hidden', { exact: true })).toBeVisible();
  await screenshotScreen(app, 'sessions-organize-hidden-shown-light');
  harness.services.core().settings.update({ theme: 'dark' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'dark');
  await screenshotScreen(app, 'sessions-organize-hidden-shown-dark');
  await renamed.getByRole('button', { name: /^Actions for session/ }).click();
  await app.getByRole('menuitem', { name: 'Unhide' }).click();
  await expect(renamed.getByText('Hidden', { exact: true })).toHaveCount(0);
  await showHidden.uncheck();
  await expect(list.getByRole('listitem')).toHaveCount(4);

  // Hide the project: it and its sessions leave the default list; a discovered project cannot be removed.
  await projects.getByRole('button', { name: 'Actions for project Shop front' }).click();
  const shopMenu = app.getByRole('menu', { name: 'Actions for project Shop front' });
  await expect(shopMenu.getByRole('menuitem', { name: /Remove/ })).toHaveCount(0);
  await screenshotScreen(app, 'sessions-organize-menu-dark');
  await shopMenu.getByRole('menuitem', { name: 'Hide' }).click();
  await expect(projects.getByRole('button', { name: /^Shop front/ })).toHaveCount(0);
  await expect(app.getByText('No sessions yet')).toBeVisible();
  await showHidden.check();
  const hiddenShop = projects.getByRole('button', { name: /^Shop front\s*Hidden\s*4$/ });
  await expect(hiddenShop).toBeVisible();
  await expect(list.getByRole('listitem')).toHaveCount(4);
  await screenshotScreen(app, 'sessions-organize-project-hidden-dark');
  harness.services.core().settings.update({ theme: 'light' });
  await expect(app.locator('html')).toHaveAttribute('data-theme', 'light');
  await screenshotScreen(app, 'sessions-organize-project-hidden-light');
  await projects.getByRole('button', { name: 'Actions for project Shop front' }).click();
  await app.getByRole('menuitem', { name: 'Unhide' }).click();
  await showHidden.uncheck();
  await expect(projects.getByRole('button', { name: /^Shop front\s*4$/ })).toBeVisible();

  // The user's title is kept apart: the transcript and the repository are as they were.
  expect(harness.services.core().agents.store.getSession('dddd1111-2222-4333-8444-555566667777')).toMatchObject({ title: 'Checkout, the first try', renamed: true, hidden: false });
  expect(readFileSync(oldFile, 'utf8')).toBe(oldText);
  expect(execFileSync('git', ['-C', repo, 'status', '--porcelain'], { encoding: 'utf8' })).toBe('');
});
