import { execFile } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../app/contract/envelope.ts';

/**
 * Scratch copies of a project folder, for plugins that compare agent runs
 * (agor.projects.scratchCopy): main copies the folder into its own data
 * folder, commits the copy as it is as a baseline in a git repository of the
 * copy, and later reports everything a run changed there as one diff, new
 * files included. The user's folder is never written to. A plugin reaches
 * only the copies it made.
 */
export const SCRATCH_LIMITS = { maxFiles: 20_000, maxBytes: 200 * 1024 * 1024, maxDiffBytes: 256 * 1024, timeoutMs: 30_000 } as const;

/** Folders too large to copy that a run does not need to compare. */
const SKIPPED = new Set(['node_modules']);

/** Settings that would let a repository's config run a program, off for every command; no identity of the user's. */
const SAFE_CONFIG = [
  '-c', 'core.fsmonitor=false',
  '-c', 'core.hooksPath=/dev/null',
  '-c', 'commit.gpgsign=false',
  '-c', 'user.name=Switchboard',
  '-c', 'user.email=scratch@switchboard.invalid',
  '-c', 'color.ui=false',
];

export interface ScratchCopy {
  /** The folder of the copy, registered as its own project. */
  path: string;
  pluginId: string;
}

function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };
}

function git(folder: string, args: string[], maxBuffer = 4 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', [...SAFE_CONFIG, '-C', folder, ...args], { timeout: SCRATCH_LIMITS.timeoutMs, maxBuffer, encoding: 'utf8', env: gitEnvironment(), windowsHide: true }, (error, stdout, stderr) => {
      if (!error) return resolve(stdout);
      if (error.code === 'ENOENT') return reject(new AppError('conflict', 'git is not installed on this computer (or not on the PATH); scratch copies need it'));
      if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return reject(new AppError('conflict', `The run changed more than ${Math.round(maxBuffer / 1024)} KB; the diff is too large to show`));
      reject(new AppError('conflict', `git failed in the scratch copy: ${stderr.trim().split('\n').slice(-2).join(' ').slice(0, 300) || String(error.code)}`));
    });
  });
}

/** Counts what a copy would hold, refusing before anything is copied when it is too much. */
function measure(folder: string): void {
  let files = 0;
  let bytes = 0;
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      if (SKIPPED.has(name)) continue;
      const full = join(dir, name);
      const stat = lstatSync(full);
      if (stat.isDirectory()) walk(full);
      else {
        files += 1;
        bytes += stat.size;
      }
      if (files > SCRATCH_LIMITS.maxFiles || bytes > SCRATCH_LIMITS.maxBytes) {
        throw new AppError('conflict', `The project is too large for a scratch copy (more than ${SCRATCH_LIMITS.maxFiles} files or ${SCRATCH_LIMITS.maxBytes / 1024 / 1024} MB, node_modules left out)`);
      }
    }
  };
  walk(folder);
}

export class ScratchCopies {
  readonly #root: string;
  readonly #copies = new Map<string, ScratchCopy>();
  #next = 1;

  constructor(root: string) {
    this.#root = root;
  }

  /** Copies `folder` and commits the copy as its baseline; returns where it is. */
  async create(pluginId: string, folder: string): Promise<string> {
    if (!existsSync(folder)) throw new AppError('not_found', `The project folder ${folder} does not exist on this computer`);
    measure(folder);
    const target = join(this.#root, pluginId, `${Date.now().toString(36)}-${this.#next++}`);
    mkdirSync(join(this.#root, pluginId), { recursive: true });
    // Links are copied as links and never followed out of the project.
    cpSync(folder, target, { recursive: true, verbatimSymlinks: true, filter: (src) => !SKIPPED.has(src.slice(src.lastIndexOf('/') + 1)) });
    if (!existsSync(join(target, '.git'))) await git(target, ['init', '-q']);
    await git(target, ['add', '-A', '--', '.']);
    await git(target, ['commit', '-q', '--allow-empty', '--no-verify', '-m', 'Switchboard scratch baseline']);
    return target;
  }

  /** Remembers that the project `projectId` is the copy at `path`, made for `pluginId`. */
  register(projectId: string, copy: ScratchCopy): void {
    this.#copies.set(projectId, copy);
  }

  /** Everything changed in a copy since its baseline, new files included, as one unified diff. */
  async diff(pluginId: string, projectId: string): Promise<string> {
    const copy = this.#copies.get(projectId);
    if (!copy || copy.pluginId !== pluginId) throw new AppError('permission_denied', 'That project is not a scratch copy this plugin made');
    await git(copy.path, ['add', '-A', '--', '.']);
    return git(copy.path, ['diff', '--cached', '--no-color', '--no-ext-diff', '--no-textconv', 'HEAD', '--'], SCRATCH_LIMITS.maxDiffBytes);
  }
}
