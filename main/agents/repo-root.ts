import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, dirname, sep } from 'node:path';
import { canonicalPath } from './project-store.ts';

/** Folders agents put worktrees in, under the repository they belong to. */
const WORKTREE_FOLDERS: readonly (readonly string[])[] = [
  ['.claude', 'worktrees'],
  ['.worktrees'],
  ['.git', 'worktrees'],
];

/** How long one `git` question may take before the folder counts as no repository. */
const GIT_TIMEOUT_MS = 10_000;

/**
 * For a folder that is gone (a deleted worktree, another computer's path): the repository a
 * worktree folder's path names (`<repo>/.claude/worktrees/<name>/…` → `<repo>`), else the folder itself.
 */
export function rootFromPath(cwd: string): string {
  const path = canonicalPath(cwd);
  const parts = path.split(sep);
  for (let i = parts.length - 2; i > 0; i--) {
    for (const folder of WORKTREE_FOLDERS) {
      const end = i + folder.length;
      if (end < parts.length && folder.every((name, k) => parts[i + k] === name)) return parts.slice(0, i).join(sep) || sep;
    }
  }
  return path;
}

function git(cwd: string, args: readonly string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile('git', ['-C', cwd, ...args], { timeout: GIT_TIMEOUT_MS, windowsHide: true, env: { ...process.env, GIT_OPTIONAL_LOCKS: '0' } }, (err, stdout) => {
      resolve(err ? null : stdout);
    });
  });
}

/**
 * The repository a working folder belongs to, worktrees grouped with their repository: `git`
 * answers for a folder that exists (its common git folder's parent), a folder outside any
 * repository is its own root, and a folder that is gone is read from its path.
 */
export async function resolveRepoRoot(cwd: string): Promise<string> {
  const path = canonicalPath(cwd);
  if (!existsSync(path)) return rootFromPath(path);
  const out = await git(path, ['rev-parse', '--path-format=absolute', '--git-common-dir', '--show-toplevel']);
  if (out === null) return path;
  const [common, top] = out.split('\n');
  // A repository's own `.git` (also the one its worktrees share); a submodule's or a bare
  // repository's git folder has no working tree above it, so its top level stands for it.
  if (common && basename(common) === '.git') return canonicalPath(dirname(common));
  return top ? canonicalPath(top) : path;
}

