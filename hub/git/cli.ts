import { spawn } from 'node:child_process';
import { HubError } from '../errors.ts';
import type { Redactor } from '../redact.ts';

export interface GitOptions {
  cwd?: string;
  /** Sent as an HTTP Basic header by git itself (through the environment, never the command line). */
  token?: string | null;
  input?: string | Buffer;
  /** Output past this many bytes fails the command, so a hostile repository cannot fill memory. */
  maxOutput?: number;
  timeoutMs?: number;
  env?: Record<string, string>;
}

/** Transports git may use for a source: no `ext::` (runs commands) and no `fd::`. */
const ALLOWED_PROTOCOLS = 'https:http:file:ssh';

/**
 * The environment every git call of the Hub runs with: no prompts, no user
 * or system config, and a token as an `http.extraHeader` passed by
 * environment so it never appears in a process list or in the repository's
 * config.
 */
export function gitEnv(token: string | null | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    LANG: 'C',
    GIT_TERMINAL_PROMPT: '0',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_ALLOW_PROTOCOL: ALLOWED_PROTOCOLS,
    GIT_ASKPASS: 'true',
    SSH_ASKPASS: 'true',
  };
  // No automatic gc: the re-served marketplaces borrow objects from the checkouts (git alternates).
  const config: [string, string][] = [['gc.auto', '0']];
  if (token) config.push(['http.extraHeader', `Authorization: Basic ${Buffer.from(`x-access-token:${token}`).toString('base64')}`]);
  env.GIT_CONFIG_COUNT = String(config.length);
  config.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/** Runs the real git CLI; a failure becomes a HubError whose text has every secret redacted. */
export function git(redactor: Redactor, args: readonly string[], options: GitOptions = {}): Promise<Buffer> {
  if (options.token) redactor.remember(options.token);
  const max = options.maxOutput ?? 64 * 1024 * 1024;
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd: options.cwd, env: { ...gitEnv(options.token), ...options.env }, stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let size = 0;
    let failure: string | null = null;
    const timer = setTimeout(() => {
      failure = `git ${args[0]} took longer than ${Math.round((options.timeoutMs ?? 300_000) / 1000)} s and was stopped`;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 300_000);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        failure = `git ${args[0]} produced more than ${Math.round(max / 1024 / 1024)} MB`;
        child.kill('SIGKILL');
      } else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new HubError(500, redactor.redact(`git could not be started: ${e.message}`)));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      if (failure || code !== 0) {
        const stderr = Buffer.concat(err).toString('utf8').trim().split('\n').slice(-3).join(' ');
        reject(new HubError(502, redactor.redact(failure ?? `git ${args[0]} failed: ${stderr || `exit code ${code}`}`)));
      } else resolve(Buffer.concat(out));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input);
  });
}
