import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { blocksOf, markdownOf, startFirstPartyKit, tableOf, type FirstPartyKit } from './kit.ts';

let kit: FirstPartyKit;
afterEach(() => kit?.close());

/** Commits as a named author at a chosen time, so the panel's "when" is known. */
function commit(cwd: string, subject: string, author: string, hoursAgo: number): string {
  const date = new Date(Date.now() - hoursAgo * 3_600_000).toISOString();
  const env = { ...process.env, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: `${author.split(' ')[0]!.toLowerCase()}@example.com`, GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: 'ci@example.com', GIT_AUTHOR_DATE: date, GIT_COMMITTER_DATE: date };
  execFileSync('git', ['-c', 'commit.gpgsign=false', 'add', '-A'], { cwd, env });
  execFileSync('git', ['-c', 'commit.gpgsign=false', 'commit', '-q', '-m', subject], { cwd, env });
  return execFileSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' }).trim();
}

describe('Git Log Viewer, installed from the built-in catalog', () => {
  it('shows the branch, recent commits (hash, author, relative date, subject) and changed files of a real repository', async () => {
    kit = startFirstPartyKit();
    const shop = kit.addProject('Shop');
    writeFileSync(join(shop.path, 'README.md'), '# Shop\n');
    const first = commit(shop.path, 'Start the shop', 'Ada Lovelace', 50);
    writeFileSync(join(shop.path, 'checkout.ts'), 'export const total = 1;\n');
    const second = commit(shop.path, 'Add checkout', 'Grace Hopper', 3);
    execFileSync('git', ['checkout', '-q', '-b', 'feature/validation'], { cwd: shop.path });
    writeFileSync(join(shop.path, 'checkout.ts'), 'export const total = 2;\n');
    writeFileSync(join(shop.path, 'notes.txt'), 'todo\n');

    const { permissions } = await kit.install('git-log-viewer');
    expect(permissions.sort()).toEqual(['git', 'palette', 'panels', 'settings']);
    const panel = await kit.panelWhere('git-log-viewer', (p) => tableOf(p, 'Recent commits') !== undefined, 'the commit table');
    expect(panel.title).toBe('Git log · Shop');
    expect(markdownOf(panel)).toBe('Branch **feature/validation** · 2 changed files');
    expect(tableOf(panel, 'Recent commits')).toEqual([
      ['Commit', 'Author', 'When', 'Subject'],
      [second.slice(0, 7), 'Grace Hopper', '3 hours ago', 'Add checkout'],
      [first.slice(0, 7), 'Ada Lovelace', '2 days ago', 'Start the shop'],
    ]);
    expect(tableOf(panel, 'Changed files')).toEqual([
      ['File', 'Change'],
      ['checkout.ts', 'modified'],
      ['notes.txt', 'untracked'],
    ]);

    // The palette command shows the log again, with what changed since.
    writeFileSync(join(shop.path, 'notes.txt'), 'done\n');
    const third = commit(shop.path, 'Validate the card', 'Ada Lovelace', 0);
    const command = (await kit.call<{ commands: { id: string; label: string }[] }>('palette.list', {})).commands.find((c) => c.label === 'Git: show log')!;
    await kit.call('palette.run', { commandId: command.id });
    const again = await kit.panelWhere('git-log-viewer', (p) => tableOf(p, 'Recent commits')?.length === 4, 'the new commit');
    expect(tableOf(again, 'Recent commits')![1]).toEqual([third.slice(0, 7), 'Ada Lovelace', 'just now', 'Validate the card']);
    expect(tableOf(again, 'Changed files')).toBeUndefined();
    expect(markdownOf(again)).toBe('Branch **feature/validation** · no changed files');

    // Settings: fewer commits, with e-mail addresses.
    expect((await kit.call<{ saved: boolean; errors?: Record<string, string> }>('plugins.updateSettings', { id: 'git-log-viewer', values: { limit: 0 } })).errors!.limit).toMatch(/1.*200/);
    // Saving the settings redraws the page at once.
    await kit.call('plugins.updateSettings', { id: 'git-log-viewer', values: { limit: 1, showEmail: true } });
    const limited = await kit.panelWhere('git-log-viewer', (p) => tableOf(p, 'Recent commits')?.length === 2, 'one commit');
    expect(tableOf(limited, 'Recent commits')![1]![1]).toBe('Ada Lovelace <ada@example.com>');
  });

  it('says plainly when the project folder is not a repository, and switches projects from its form', async () => {
    kit = startFirstPartyKit();
    const plain = kit.addProject('Drafts', { git: false });
    const repo = kit.addProject('Shop');
    writeFileSync(join(repo.path, 'a.txt'), 'a\n');
    commit(repo.path, 'First', 'Ada Lovelace', 1);
    await kit.install('git-log-viewer');
    await kit.panelWhere('git-log-viewer', (p) => blocksOf(p).some((b) => b.type === 'form'), 'the project picker');

    expect(await kit.act('git-log-viewer', 'project', { project: plain.id })).toEqual({ ok: true });
    const panel = kit.panel('git-log-viewer');
    expect(panel!.title).toBe('Git log · Drafts');
    expect(markdownOf(panel)).toBe('Not a git repository\n**Drafts** is not a git repository, so it has no log, branch or changed files.\n\nRun `git init` in its folder to start one, or pick another project.');
    expect(tableOf(panel, 'Recent commits')).toBeUndefined();

    expect(await kit.act('git-log-viewer', 'project', { project: repo.id })).toEqual({ ok: true });
    expect(tableOf(kit.panel('git-log-viewer'), 'Recent commits')).toHaveLength(2);
  });
});
