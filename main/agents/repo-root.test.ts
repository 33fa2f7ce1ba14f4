import { mkdirSync, mkdtempSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveRepoRoot, rootFromPath } from './repo-root.ts';
import { gitRepo } from './test-kit.ts';

describe('the repository root of a working folder', () => {
  const parent = realpathSync(mkdtempSync(join(tmpdir(), 'sb-roots-')));
  const { repo, worktree } = gitRepo(parent, 'shop');

  it('asks git for a folder that exists: a subfolder and a worktree belong to the repository', async () => {
    expect(await resolveRepoRoot(repo)).toBe(repo);
    expect(await resolveRepoRoot(join(repo, 'src'))).toBe(repo);
    expect(await resolveRepoRoot(`${repo}/src/`)).toBe(repo);
    expect(await resolveRepoRoot(worktree)).toBe(repo);
  });

  it('takes a folder outside any repository as its own root', async () => {
    const plain = join(parent, 'notes');
    mkdirSync(plain);
    expect(await resolveRepoRoot(plain)).toBe(plain);
  });

  it('reads a folder that is gone from its path: worktree folders name their repository', async () => {
    const gone = join(repo, '.claude', 'worktrees', 'fix-login');
    mkdirSync(gone, { recursive: true });
    rmSync(gone, { recursive: true });
    expect(await resolveRepoRoot(gone)).toBe(repo);
    expect(await resolveRepoRoot(join(gone, 'src', 'deep'))).toBe(repo);
    expect(await resolveRepoRoot('/home/someone/code/api/.worktrees/v2')).toBe('/home/someone/code/api');
    expect(await resolveRepoRoot('/home/someone/code/api/.git/worktrees/v2')).toBe('/home/someone/code/api');
    expect(await resolveRepoRoot('/home/someone/old-project/')).toBe('/home/someone/old-project');
  });

  it('does not take a folder merely named like a worktree folder for one', () => {
    expect(rootFromPath('/home/someone/.worktrees')).toBe('/home/someone/.worktrees');
    expect(rootFromPath('/home/someone/code/.claude/worktrees')).toBe('/home/someone/code/.claude/worktrees');
    expect(rootFromPath('/srv/worktrees/a')).toBe('/srv/worktrees/a');
  });
});
