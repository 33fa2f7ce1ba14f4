import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { serveGitHttpBackend } from '../git/http-backend.ts';

const ENV = {
  ...process.env,
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_AUTHOR_NAME: 'Test',
  GIT_AUTHOR_EMAIL: 'test@example.invalid',
  GIT_COMMITTER_NAME: 'Test',
  GIT_COMMITTER_EMAIL: 'test@example.invalid',
};

export const gitIn = (cwd: string, ...args: string[]) => execFileSync('git', args, { cwd, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim();

export interface TestPlugin {
  name: string;
  /** Folder in the repository; `plugins/<name>` by default. */
  dir?: string;
  /** The marketplace entry's `source`; `./<dir>` by default. */
  source?: string | Record<string, unknown>;
  /** plugin.json; a generated one by default. */
  manifest?: Record<string, unknown> | string;
  files?: Record<string, string | Buffer>;
}

/** Writes a Claude Code marketplace into `dir` (a git work tree) and commits it. */
export function writeMarketplace(dir: string, plugins: TestPlugin[], options: { name?: string; extra?: (dir: string) => void } = {}): string {
  for (const entry of readdirSync(dir)) if (entry !== '.git') rmSync(join(dir, entry), { recursive: true, force: true });
  const market = {
    name: options.name ?? 'test-market',
    owner: { name: 'Test Owner' },
    plugins: plugins.map((p) => ({ name: p.name, source: p.source ?? `./${p.dir ?? `plugins/${p.name}`}`, description: `The ${p.name} plugin` })),
  };
  write(dir, '.claude-plugin/marketplace.json', JSON.stringify(market, null, 2));
  for (const p of plugins) {
    if (typeof p.source === 'object' || (p.source && p.source.includes('..'))) continue;
    const folder = p.dir ?? `plugins/${p.name}`;
    const manifest = p.manifest ?? { name: p.name, version: '1.0.0', description: `The ${p.name} plugin`, author: { name: 'Test Owner' } };
    write(dir, `${folder}/.claude-plugin/plugin.json`, typeof manifest === 'string' ? manifest : JSON.stringify(manifest, null, 2));
    write(dir, `${folder}/commands/${p.name}.md`, `# ${p.name}\n\nSay hello from ${p.name}.\n`);
    for (const [path, body] of Object.entries(p.files ?? {})) write(dir, `${folder}/${path}`, body);
  }
  options.extra?.(dir);
  gitIn(dir, 'add', '-A');
  gitIn(dir, 'commit', '-q', '--allow-empty', '-m', `marketplace with ${plugins.length} plugins`);
  return gitIn(dir, 'rev-parse', 'HEAD');
}

export function write(dir: string, path: string, body: string | Buffer): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), body);
}

export function link(dir: string, path: string, target: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  symlinkSync(target, join(dir, path));
}

/** A fresh work tree with `git init`, under the test's scratch folder. */
export function newRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hub-repo-'));
  gitIn(dir, 'init', '-q', '-b', 'main');
  return dir;
}

/**
 * A git smart-HTTP server on 127.0.0.1 in front of one repository, through
 * the real `git http-backend`, that wants HTTP Basic auth with `token` as the
 * password: a private repository as a forge would host it.
 */
export async function privateGitServer(repo: string, token: string): Promise<{ url: string; requests: { authorized: boolean }[]; close(): Promise<void> }> {
  const requests: { authorized: boolean }[] = [];
  const server: Server = createServer((req, res) => {
    const header = req.headers.authorization ?? '';
    const password = header.startsWith('Basic ') ? Buffer.from(header.slice(6), 'base64').toString().split(':').slice(1).join(':') : '';
    const authorized = password === token;
    requests.push({ authorized });
    if (!authorized) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="private"' }).end();
      return;
    }
    const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/private\.git/, '');
    serveGitHttpBackend(req, res, { projectRoot: dirname(repo), pathInfo: `/${repo.split('/').pop()}/.git${path}`, remoteUser: 'test' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/private.git`,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
