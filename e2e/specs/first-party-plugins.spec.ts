import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { BUILTIN_SOURCE_ID } from '../../main/marketplace/builtin.ts';
import type { Harness } from '../harness/server.ts';
import { expect, test } from '../fixtures/harness.ts';
import { openPlugins, shoot } from '../fixtures/plugin-fixtures.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'main', 'agents', 'fixtures');
const TIMESTAMP = /"timestamp":"(\d{4}-\d{2}-\d{2}T[\d:.]+Z)"/g;

function jsonl(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? jsonl(join(dir, n)) : n.endsWith('.jsonl') ? [join(dir, n)] : []));
}

/** The Claude Code and Codex fixture transcripts, the Claude one moved to the last minute so it counts as live, imported for real. */
function importTranscripts(harness: Harness): void {
  const claude = join(harness.dataDir, 'home', '.claude', 'projects');
  cpSync(join(FIXTURES, 'claude'), claude, { recursive: true });
  cpSync(join(FIXTURES, 'codex'), join(harness.dataDir, 'home', '.codex', 'sessions'), { recursive: true });
  const files = jsonl(claude);
  const latest = Math.max(...files.flatMap((f) => [...readFileSync(f, 'utf8').matchAll(TIMESTAMP)].map((m) => Date.parse(m[1]!))));
  const delta = Date.now() - 30_000 - latest;
  for (const f of files) writeFileSync(f, readFileSync(f, 'utf8').replace(TIMESTAMP, (_a, iso: string) => `"timestamp":"${new Date(Date.parse(iso) + delta).toISOString()}"`));
  harness.services.core().agents.sources.scan();
}

/** A real repository with two commits and a changed file, added as the project "Shop". */
function gitProject(harness: Harness): void {
  const folder = join(harness.dataDir, 'shop');
  mkdirSync(folder, { recursive: true });
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], {
      cwd: folder,
      env: { ...process.env, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' },
    });
  git('init', '-q');
  writeFileSync(join(folder, 'README.md'), '# Shop\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'Start the shop');
  writeFileSync(join(folder, 'checkout.ts'), 'export const total = 1;\n');
  git('add', '-A');
  git('commit', '-q', '-m', 'Add the checkout');
  writeFileSync(join(folder, 'checkout.ts'), 'export const total = 2;\n');
  harness.services.core().agents.store.addProject(folder, 'Shop');
}

async function installFromMarketplace(app: Page, name: string): Promise<void> {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Marketplace' }).click();
  const card = app.getByRole('list', { name: 'Plugins' }).getByRole('listitem', { name: `${name} from Switchboard` });
  await card.getByRole('button', { name: 'Install' }).click();
  await app.getByRole('dialog', { name: `Install ${name}?` }).getByRole('button', { name: 'Allow and install' }).click();
  await expect(card.getByText(/^Installed \d+\.\d+\.\d+$/)).toBeVisible({ timeout: 30_000 });
}

async function openPage(app: Page, name: string): Promise<void> {
  await openPlugins(app);
  await app.getByRole('listitem', { name }).getByRole('button', { name: new RegExp(name) }).click();
  await expect(app.getByRole('heading', { level: 1, name })).toBeVisible();
}

test('three first-party plugins installed from the built-in catalog, each used once, and every free plugin\'s panel', async ({ app, harness }) => {
  test.setTimeout(180_000);
  gitProject(harness);
  importTranscripts(harness);
  const core = harness.services.core();
  core.tasks.create('Write the checkout tests', 'Cover the card number.', 'user');
  core.tasks.create('Ship 1.0', '', 'user', { status: 'done' });
  await app.reload();

  // Git Log Viewer: the project's commits and changed file.
  await installFromMarketplace(app, 'Git Log Viewer');
  await openPage(app, 'Git Log Viewer');
  const panel = app.getByRole('region', { name: 'Panel' });
  await expect(panel).toContainText('Branch main · 1 changed file');
  await expect(panel.getByRole('table').first()).toContainText('Add the checkout');
  await expect(panel.getByRole('table').first()).toContainText('Ada Lovelace');
  await expect(panel).toContainText('checkout.ts');
  await shoot(app, 'first-party-git-log-viewer', { screen: true });

  // Task Export: the board as Markdown, into the file the save dialog chose.
  await installFromMarketplace(app, 'Task Export');
  await openPage(app, 'Task Export');
  harness.saveDialog.queue(join(harness.dataDir, 'exports', 'board.md'));
  await panel.getByRole('form', { name: 'Export' }).getByRole('button', { name: 'Export…' }).click();
  await expect(panel).toContainText('Saved 2 tasks to board.md.');
  expect(readFileSync(join(harness.dataDir, 'exports', 'board.md'), 'utf8')).toContain('## Done (1)\n\n- [x] #2 Ship 1.0\n');
  await shoot(app, 'first-party-task-export', { screen: true });

  // Session Stats: the live session's numbers in the status bar and on its page.
  await installFromMarketplace(app, 'Session Stats');
  await expect(app.getByRole('contentinfo', { name: 'Status bar' })).toContainText('35k in · 1.1k out · ≈$');
  await openPage(app, 'Session Stats');
  await expect(panel.getByRole('table')).toContainText('35,280');
  await shoot(app, 'first-party-session-stats', { screen: true });

  // The other free plugins, installed the same way without the clicks, each page looked at.
  const catalog = await core.marketplace.fetchCatalog();
  for (const [id, name, shows] of [
    ['prompt-library', 'Prompt Library', 'No templates yet. Save one above.'],
    ['session-notes', 'Session Notes', 'Note on Add input validation to the checkout form'],
    ['time-tracker', 'Time Tracker', 'Daily summary'],
    ['diff-viewer', 'Diff Viewer', '2 files changed'],
    ['agent-logger', 'Agent Logger', 'logged since start'],
  ] as const) {
    const entry = catalog.entries.find((e) => e.id === id && e.sourceId === BUILTIN_SOURCE_ID)!;
    await core.marketplace.install(id, BUILTIN_SOURCE_ID, entry.permissions);
    await openPage(app, name);
    await expect(panel).toContainText(shows);
    await shoot(app, `first-party-${id}`, { screen: true });
  }
});

test('the detail view shows a built-in plugin\'s README, changelog and permissions; Install in its footer; the card then opens the plugin page', async ({ app }) => {
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Marketplace' }).click();
  const card = app.getByRole('list', { name: 'Plugins' }).getByRole('listitem', { name: 'Git Log Viewer from Switchboard' });
  await card.getByRole('button', { name: 'Git Log Viewer' }).click();
  const detail = app.getByRole('dialog', { name: 'Git Log Viewer' });
  const readme = detail.getByRole('region', { name: 'Readme' });
  await expect(readme.getByRole('heading', { level: 1, name: 'Git Log Viewer' })).toBeVisible();
  await expect(readme.locator('script, iframe, img')).toHaveCount(0);
  await expect(detail.getByRole('heading', { level: 3, name: 'Permissions' })).toBeVisible();
  const changelog = detail.getByRole('region', { name: 'Changelog' });
  const { version } = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'resources', 'catalog-src', 'git-log-viewer', 'plugin.json'), 'utf8')) as { version: string };
  await expect(changelog.getByRole('heading', { level: 2 }).first()).toHaveText(version);
  await shoot(app, 'marketplace-readme-detail');
  await changelog.scrollIntoViewIfNeeded();
  await shoot(app, 'marketplace-readme-changelog');

  await detail.getByRole('button', { name: 'Install', exact: true }).click();
  await app.getByRole('dialog', { name: 'Install Git Log Viewer?' }).getByRole('button', { name: 'Allow and install' }).click();
  await expect(card.getByText(/^Installed \d+\.\d+\.\d+$/)).toBeVisible({ timeout: 30_000 });
  await shoot(app, 'marketplace-readme-installed-card');
  await card.getByRole('button', { name: 'Open page' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Git Log Viewer' })).toBeVisible();
});
