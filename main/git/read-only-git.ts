import { execFile, type ExecFileException } from 'node:child_process';
import { AppError } from '../../app/contract/envelope.ts';

/**
 * Read-only git for plugins (`agor.git.*`), run by main with the real git
 * binary in a folder the user added as a project. Every argument list is
 * fixed; what a plugin supplies (a path, a count) goes after `--` or is a
 * checked number, so it never becomes an option. A repository's own config
 * cannot make these commands run a program (fsmonitor, external diff,
 * textconv, signature checks), and `status` takes no lock and writes nothing.
 */

export interface Commit {
  hash: string;
  author: string;
  email: string;
  /** ISO 8601, the author date. */
  date: string;
  subject: string;
}

export interface FileStatus {
  path: string;
  /** Two letters as `git status --porcelain` gives them: index, then work tree ('?' for untracked). */
  code: string;
  /** For a rename: where it came from. */
  from?: string;
}

export interface RepoStatus {
  branch: string | null;
  /** The upstream branch and how far ahead and behind it, when there is one. */
  upstream: { name: string; ahead: number; behind: number } | null;
  files: FileStatus[];
}

export const GIT_LIMITS = {
  timeoutMs: 10_000,
  maxOutputBytes: 2 * 1024 * 1024,
  maxLogEntries: 500,
} as const;

type Limits<T> = { readonly [K in keyof T]: number };

/** A git request that could not be answered: the message is for the plugin and its user. */
export class GitError extends AppError {
  constructor(message: string) {
    super('conflict', message);
    this.name = 'GitError';
  }
}

/** Settings that would let a repository's config run a program, turned off for every command. */
const SAFE_CONFIG = [
  '-c', 'core.fsmonitor=false',
  '-c', 'core.untrackedCache=false',
  '-c', 'log.showSignature=false',
  '-c', 'color.ui=false',
];

export interface GitOptions {
  /** The git binary; tests point it at a missing one. */
  binary?: string;
  limits?: Partial<Limits<typeof GIT_LIMITS>>;
}

export class ReadOnlyGit {
  readonly #binary: string;
  readonly #limits: Limits<typeof GIT_LIMITS>;

  constructor(options: GitOptions = {}) {
    this.#binary = options.binary ?? 'git';
    this.#limits = { ...GIT_LIMITS, ...options.limits };
  }

  async log(folder: string, limit: number): Promise<Commit[]> {
    const count = Math.max(1, Math.min(Math.trunc(limit), this.#limits.maxLogEntries));
    const out = await this.#run(folder, ['log', `--max-count=${count}`, '--no-decorate', '--format=%H%x00%an%x00%ae%x00%aI%x00%s%x1e']).catch((err: unknown) => {
      // A repository without commits has no log, not an error.
      if (err instanceof GitError && /does not have any commits yet/.test(err.message)) return '';
      throw err;
    });
    return out
      .split('\x1e')
      .map((record) => record.replace(/^\n/, ''))
      .filter(Boolean)
      .map((record) => {
        const [hash = '', author = '', email = '', date = '', subject = ''] = record.split('\x00');
        return { hash, author, email, date, subject };
      });
  }

  async branch(folder: string): Promise<string | null> {
    const out = await this.#run(folder, ['branch', '--show-current']);
    return out.trim() || null;
  }

  async status(folder: string): Promise<RepoStatus> {
    const out = await this.#run(folder, ['status', '--porcelain=v2', '--branch', '-z', '--untracked-files=normal']);
    const status: RepoStatus = { branch: null, upstream: null, files: [] };
    const fields = out.split('\x00');
    for (let i = 0; i < fields.length; i++) {
      const line = fields[i]!;
      if (line.startsWith('# branch.head ')) {
        const head = line.slice('# branch.head '.length);
        status.branch = head === '(detached)' ? null : head;
      } else if (line.startsWith('# branch.upstream ')) {
        status.upstream = { name: line.slice('# branch.upstream '.length), ahead: 0, behind: 0 };
      } else if (line.startsWith('# branch.ab ') && status.upstream) {
        const m = /^# branch\.ab \+(\d+) -(\d+)$/.exec(line);
        if (m) status.upstream = { ...status.upstream, ahead: Number(m[1]), behind: Number(m[2]) };
      } else if (line.startsWith('1 ')) {
        const parts = line.split(' ');
        status.files.push({ code: parts[1]!.replace(/\./g, ' '), path: parts.slice(8).join(' ') });
      } else if (line.startsWith('2 ')) {
        const parts = line.split(' ');
        status.files.push({ code: parts[1]!.replace(/\./g, ' '), path: parts.slice(9).join(' '), from: fields[++i]! });
      } else if (line.startsWith('u ')) {
        const parts = line.split(' ');
        status.files.push({ code: parts[1]!, path: parts.slice(10).join(' ') });
      } else if (line.startsWith('? ')) {
        status.files.push({ code: '??', path: line.slice(2) });
      }
    }
    return status;
  }

  /** The unified diff of uncommitted changes to tracked files, of one path when given. */
  async diff(folder: string, path?: string): Promise<string> {
    return this.#run(folder, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', 'HEAD', '--', ...(path === undefined ? [] : [path])]).catch((err: unknown) => {
      if (err instanceof GitError && /unknown revision or path not in the working tree|bad revision 'HEAD'/.test(err.message)) {
        return this.#run(folder, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '--', ...(path === undefined ? [] : [path])]);
      }
      throw err;
    });
  }

  #run(folder: string, args: string[]): Promise<string> {
    const limits = this.#limits;
    return new Promise((resolve, reject) => {
      execFile(
        this.#binary,
        [...SAFE_CONFIG, '-C', folder, ...args],
        {
          timeout: limits.timeoutMs,
          maxBuffer: limits.maxOutputBytes,
          encoding: 'utf8',
          windowsHide: true,
          env: gitEnvironment(),
        },
        (error, stdout, stderr) => {
          if (!error) return resolve(stdout);
          reject(explain(error, stderr, folder, limits));
        },
      );
    });
  }
}

/** The app's environment without anything that points git elsewhere or lets it prompt. */
function gitEnvironment(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('GIT_')) env[key] = value;
  return { ...env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };
}

function explain(error: ExecFileException, stderr: string, folder: string, limits: Limits<typeof GIT_LIMITS>): GitError {
  if (error.code === 'ENOENT') return new GitError('git is not installed on this computer (or not on the PATH); install git to see repository information');
  if (error.code === 'ERR_CHILD_PROCESS_STDIO_MAXBUFFER') return new GitError(`git's answer is larger than ${limits.maxOutputBytes} bytes; ask for less (a path, or fewer commits)`);
  if (error.killed || error.signal) return new GitError(`git did not finish within ${limits.timeoutMs / 1000} s in ${folder}`);
  const text = stderr.trim();
  if (/not a git repository/i.test(text)) return new GitError(`${folder} is not a git repository`);
  if (/cannot change to|No such file or directory/i.test(text)) return new GitError(`The project folder ${folder} does not exist on this computer`);
  if (/detected dubious ownership/i.test(text)) return new GitError(`git refuses ${folder}: it belongs to another user (see git's safe.directory)`);
  return new GitError(`git failed in ${folder}: ${text.split('\n').slice(-3).join(' ').slice(0, 500) || `exit code ${String(error.code)}`}`);
}
