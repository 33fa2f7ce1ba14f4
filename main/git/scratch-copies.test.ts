import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ScratchCopies } from './scratch-copies.ts';

describe('scratch copies of a project folder', () => {
  let dir: string;
  let project: string;
  let copies: ScratchCopies;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'sb-scratch-'));
    project = join(dir, 'shop');
    mkdirSync(join(project, 'node_modules', 'left-pad'), { recursive: true });
    writeFileSync(join(project, 'node_modules', 'left-pad', 'index.js'), 'module.exports = 1;\n');
    writeFileSync(join(project, 'README.md'), '# Shop\n');
    copies = new ScratchCopies(join(dir, 'scratch'));
  });

  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('copies a folder that is no repository, and its diff shows what changed there, new files included', async () => {
    const path = await copies.create('bench', project);
    copies.register('p-copy', { path, pluginId: 'bench' });
    expect(existsSync(join(path, 'node_modules'))).toBe(false);
    writeFileSync(join(path, 'README.md'), '# Shop\n\nTidy.\n');
    writeFileSync(join(path, 'new.txt'), 'hello\n');
    const diff = await copies.diff('bench', 'p-copy');
    expect(diff).toContain('--- a/README.md\n+++ b/README.md');
    expect(diff).toContain('+Tidy.');
    expect(diff).toContain('+++ b/new.txt\n@@ -0,0 +1 @@\n+hello');
    expect(readFileSync(join(project, 'README.md'), 'utf8')).toBe('# Shop\n');
    expect(existsSync(join(project, '.git'))).toBe(false);
  });

  it('keeps a repository\'s own history and starts the diff from the copy as it was, uncommitted changes included', async () => {
    const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=T', '-c', 'user.email=t@example.com', '-C', project, ...args]);
    git('init', '-q');
    git('add', 'README.md');
    git('commit', '-q', '-m', 'start');
    writeFileSync(join(project, 'README.md'), '# Shop (work in progress)\n');
    const path = await copies.create('bench', project);
    copies.register('p-copy', { path, pluginId: 'bench' });
    expect(await copies.diff('bench', 'p-copy')).toBe('');
    expect(execFileSync('git', ['-C', path, 'log', '--format=%s'], { encoding: 'utf8' })).toBe('Switchboard scratch baseline\nstart\n');
    expect(execFileSync('git', ['-C', project, 'log', '--format=%s'], { encoding: 'utf8' })).toBe('start\n');
  });

  it('answers only the plugin that made the copy', async () => {
    const path = await copies.create('bench', project);
    copies.register('p-copy', { path, pluginId: 'bench' });
    await expect(copies.diff('other', 'p-copy')).rejects.toThrow('That project is not a scratch copy this plugin made');
    await expect(copies.diff('bench', 'the-real-project')).rejects.toThrow('That project is not a scratch copy this plugin made');
  });

  it('refuses a folder that does not exist, and copies nothing', async () => {
    await expect(copies.create('bench', join(dir, 'gone'))).rejects.toThrow(`The project folder ${join(dir, 'gone')} does not exist on this computer`);
    expect(existsSync(join(dir, 'scratch'))).toBe(false);
  });
});
