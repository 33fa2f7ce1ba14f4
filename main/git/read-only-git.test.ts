import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReadOnlyGit } from './read-only-git.ts';

const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Ada Lovelace', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada Lovelace', GIT_COMMITTER_EMAIL: 'ada@example.com' } });

function repository(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-git-'));
  git(dir, 'init', '-q', '-b', 'main');
  writeFileSync(join(dir, 'README.md'), '# Demo\n');
  git(dir, 'add', 'README.md');
  git(dir, 'commit', '-q', '-m', 'First commit');
  writeFileSync(join(dir, 'app.js'), 'console.log(1);\n');
  git(dir, 'add', 'app.js');
  git(dir, 'commit', '-q', '-m', 'Add the app');
  return dir;
}

describe('read-only git for plugins, on real repositories', () => {
  it('gives the recent commits, newest first, with author, date and subject', async () => {
    const dir = repository();
    const log = await new ReadOnlyGit().log(dir, 10);
    expect(log.map((c) => c.subject)).toEqual(['Add the app', 'First commit']);
    expect(log[0]).toMatchObject({ author: 'Ada Lovelace', email: 'ada@example.com' });
    expect(log[0]!.hash).toMatch(/^[0-9a-f]{40}$/);
    expect(Date.parse(log[0]!.date)).not.toBeNaN();
    expect(await new ReadOnlyGit().log(dir, 1)).toHaveLength(1);
  });

  it('gives the branch and the changed files, without writing to the repository', async () => {
    const dir = repository();
    git(dir, 'checkout', '-q', '-b', 'feature/login');
    writeFileSync(join(dir, 'app.js'), 'console.log(2);\n');
    writeFileSync(join(dir, 'new file.txt'), 'hello\n');
    git(dir, 'mv', 'README.md', 'GUIDE.md');
    const before = readdirSync(join(dir, '.git')).sort();
    const status = await new ReadOnlyGit().status(dir);
    expect(status.branch).toBe('feature/login');
    expect(status.files).toEqual(
      expect.arrayContaining([
        { code: ' M', path: 'app.js' },
        { code: '??', path: 'new file.txt' },
        { code: 'R ', path: 'GUIDE.md', from: 'README.md' },
      ]),
    );
    expect(await new ReadOnlyGit().branch(dir)).toBe('feature/login');
    expect(readdirSync(join(dir, '.git')).sort()).toEqual(before);
  });

  it('gives the diff of uncommitted changes, of one file when asked', async () => {
    const dir = repository();
    writeFileSync(join(dir, 'app.js'), 'console.log(2);\n');
    writeFileSync(join(dir, 'README.md'), '# Demo\n\nMore.\n');
    const all = await new ReadOnlyGit().diff(dir);
    expect(all).toContain('-console.log(1);\n+console.log(2);');
    expect(all).toContain('+More.');
    const one = await new ReadOnlyGit().diff(dir, 'app.js');
    expect(one).toContain('+console.log(2);');
    expect(one).not.toContain('More.');
  });

  it('keeps paths and branch names that look like options as data', async () => {
    const dir = repository();
    const hostile = ['--output=pwned.txt', '-c', '--upload-pack=touch pwned2'];
    for (const name of hostile) writeFileSync(join(dir, name), 'x\n');
    git(dir, 'add', '--', ...hostile);
    git(dir, 'commit', '-q', '-m', 'Files with odd names');
    for (const name of hostile) writeFileSync(join(dir, name), 'changed\n');
    const gitTool = new ReadOnlyGit();
    for (const name of hostile) expect(await gitTool.diff(dir, name)).toContain(`+++ b/${name}`);
    expect((await gitTool.status(dir)).files.map((f) => f.path).sort()).toEqual([...hostile].sort());
    // A branch whose name looks like an option (git itself refuses to create one; a ref file can still say so).
    mkdirSync(join(dir, '.git/refs/heads'), { recursive: true });
    writeFileSync(join(dir, '.git/refs/heads/-c'), git(dir, 'rev-parse', 'HEAD'));
    git(dir, 'symbolic-ref', 'HEAD', 'refs/heads/-c');
    expect(await gitTool.branch(dir)).toBe('-c');
    expect((await gitTool.log(dir, 5))[0]!.subject).toBe('Files with odd names');
    expect(existsSync(join(dir, 'pwned.txt'))).toBe(false);
    expect(existsSync(join(dir, 'pwned2'))).toBe(false);
  });

  it('does not run a program a hostile repository configures', async () => {
    const dir = repository();
    const marker = join(dir, 'ran');
    git(dir, 'config', 'core.fsmonitor', `touch ${marker}`);
    git(dir, 'config', 'diff.external', `touch ${marker}`);
    git(dir, 'config', 'log.showSignature', 'true');
    git(dir, 'config', 'gpg.program', `touch ${marker}`);
    writeFileSync(join(dir, 'app.js'), 'changed\n');
    const gitTool = new ReadOnlyGit();
    await gitTool.status(dir);
    await gitTool.diff(dir);
    await gitTool.log(dir, 5);
    expect(existsSync(marker)).toBe(false);
  });

  it('says plainly when the folder is not a repository, is gone, or git is missing', async () => {
    const plain = mkdtempSync(join(tmpdir(), 'sb-plain-'));
    await expect(new ReadOnlyGit().log(plain, 5)).rejects.toThrow(`${plain} is not a git repository`);
    await expect(new ReadOnlyGit().status(join(plain, 'deleted'))).rejects.toThrow(`The project folder ${join(plain, 'deleted')} does not exist on this computer`);
    await expect(new ReadOnlyGit({ binary: join(plain, 'no-git-here') }).log(plain, 5)).rejects.toThrow('git is not installed on this computer');
  });

  it('answers an empty repository with no commits, and caps what git prints', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sb-empty-'));
    git(dir, 'init', '-q', '-b', 'main');
    expect(await new ReadOnlyGit().log(dir, 5)).toEqual([]);
    expect(await new ReadOnlyGit().branch(dir)).toBe('main');
    writeFileSync(join(dir, 'big.txt'), 'x'.repeat(1000) + '\n');
    git(dir, 'add', 'big.txt');
    await expect(new ReadOnlyGit({ limits: { maxOutputBytes: 100 } }).diff(dir)).resolves.toBe('');
    const repo = repository();
    writeFileSync(join(repo, 'app.js'), 'y'.repeat(5000) + '\n');
    await expect(new ReadOnlyGit({ limits: { maxOutputBytes: 100 } }).diff(repo)).rejects.toThrow("git's answer is larger than 100 bytes");
  });
});
