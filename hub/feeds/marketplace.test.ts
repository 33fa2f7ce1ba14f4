import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newRepo, writeMarketplace } from '../testing/repos.ts';
import { hubGet, startWorld, type TestWorld } from '../testing/world.ts';
import type { SourceInfo } from '../sources/sources.ts';

let world: TestWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const scratch = () => mkdtempSync(join(tmpdir(), 'hub-mkt-'));

function unzipTo(bytes: Buffer): string {
  const dir = scratch();
  writeFileSync(join(dir, 'm.zip'), bytes);
  execFileSync('unzip', ['-q', join(dir, 'm.zip'), '-d', join(dir, 'out')]);
  return join(dir, 'out');
}

/** Runs a command without blocking the Hub, which answers in this same process. */
function run(args: string[], env: Record<string, string | undefined>): Promise<{ status: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile('git', args, { env: { PATH: process.env.PATH, HOME: scratch(), GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_ASKPASS: 'false', ...env } }, (err, _out, stderr) =>
      resolve({ status: err ? Number((err as { code?: number }).code ?? 1) || 1 : 0, stderr }),
    );
  });
}

/** The real git CLI against the Hub, trusting the test CA, with nothing from the user's git config. */
const gitClone = (w: TestWorld, url: string, dest: string) => run(['clone', '--quiet', '--', url, dest], { GIT_SSL_CAINFO: writeCa(w) });

describe('Hub re-served Claude Code marketplace', () => {
  it('serves a deterministic ZIP with slug-prefixed folders, an ETag, 304, and a new ETag only when granted content changes', async () => {
    world = await startWorld();
    const alice = await world.hub.person('alice', ['dev']);
    const carol = await world.hub.person('carol', ['dev']);
    await world.grant('team-tools/deploy', 'dev');
    const first = await hubGet(world, alice.token, '/marketplace.zip');
    const second = await hubGet(world, alice.token, '/marketplace.zip');
    expect(first.status).toBe(200);
    expect(first.headers['content-type']).toBe('application/zip');
    expect(second.body.equals(first.body)).toBe(true);
    // Same view, same bytes: the content-addressed cache is shared.
    const forCarol = await hubGet(world, carol.token, '/marketplace.zip');
    expect(forCarol.body.equals(first.body)).toBe(true);
    expect(forCarol.headers.etag).toBe(first.headers.etag);
    expect((await hubGet(world, alice.token, '/marketplace.zip', { 'If-None-Match': String(first.headers.etag) })).status).toBe(304);

    const out = unzipTo(first.body);
    const manifest = JSON.parse(readFileSync(join(out, '.claude-plugin/marketplace.json'), 'utf8')) as { name: string; plugins: { name: string; source: string }[] };
    expect(manifest.name).toBe('switchboard-hub');
    expect(manifest.plugins).toEqual([expect.objectContaining({ name: 'deploy', source: './plugins/team-tools-deploy' })]);
    expect(JSON.parse(readFileSync(join(out, 'plugins/team-tools-deploy/.claude-plugin/plugin.json'), 'utf8'))).toMatchObject({ name: 'deploy' });
    expect(readdirSync(join(out, 'plugins'))).toEqual(['team-tools-deploy']);

    // A change to a plugin alice is not granted leaves her ZIP alone…
    await world.grant('team-tools/code-review', 'ops');
    writeMarketplace(world.repo, [{ name: 'code-review', files: { 'NEW.md': 'changed' } }, { name: 'deploy', manifest: { name: 'deploy', version: '2.1.0', description: 'Ships it' } }]);
    await world.hub.api(world.hub.adminToken, 'POST', `/api/admin/sources/${world.sources.git.id}/sync`);
    expect((await hubGet(world, alice.token, '/marketplace.zip', { 'If-None-Match': String(first.headers.etag) })).status).toBe(304);
    // …and a change to hers gives a new ETag.
    writeMarketplace(world.repo, [{ name: 'code-review' }, { name: 'deploy', manifest: { name: 'deploy', version: '2.2.0' } }]);
    await world.hub.api(world.hub.adminToken, 'POST', `/api/admin/sources/${world.sources.git.id}/sync`);
    const changed = await hubGet(world, alice.token, '/marketplace.zip', { 'If-None-Match': String(first.headers.etag) });
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(first.headers.etag);
  });

  it('serves git smart HTTP through git http-backend: clone with the token works, without it is refused, pushes are refused', async () => {
    world = await startWorld();
    const alice = await world.hub.person('alice', ['dev']);
    await world.grant('team-tools/code-review', 'dev');
    const base = new URL(`${world.hub.url}/marketplace.git`);

    const refused = await gitClone(world, base.href, join(scratch(), 'none'));
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toMatch(/Authentication failed|could not read Username|401/);
    const wrong = new URL(base);
    wrong.username = 'hub';
    wrong.password = 'sbh_not-a-real-token-at-all-000000000000000';
    expect((await gitClone(world, wrong.href, join(scratch(), 'wrong'))).status).not.toBe(0);

    const authed = new URL(base);
    authed.username = 'hub';
    authed.password = alice.token;
    const dest = join(scratch(), 'clone');
    const cloned = await gitClone(world, authed.href, dest);
    expect(cloned.status, cloned.stderr).toBe(0);
    expect(existsSync(join(dest, 'plugins/team-tools-code-review/commands/code-review.md'))).toBe(true);
    const listed = JSON.parse(readFileSync(join(dest, '.claude-plugin/marketplace.json'), 'utf8')) as { plugins: { name: string }[] };
    expect(listed.plugins.map((p) => p.name)).toEqual(['code-review']);

    const info = (await world.hub.api<{ commit: string }>(alice.token, 'GET', '/marketplace/info')).body;
    expect(execFileSync('git', ['-C', dest, 'rev-parse', 'HEAD']).toString().trim()).toBe(info.commit);
    const push = await run(['-C', dest, 'push', '--quiet', 'origin', 'HEAD:refs/heads/evil'], { GIT_SSL_CAINFO: writeCa(world) });
    expect(push.status).not.toBe(0);
    expect(world.hub.lines.join('\n')).not.toContain(alice.token);
  });

  it('keeps two marketplaces that ship the same plugin name apart, and prunes builds nobody uses', async () => {
    world = await startWorld({ cacheKeepMs: 0 });
    const other = newRepo();
    writeMarketplace(other, [{ name: 'deploy', manifest: { name: 'deploy', version: '9.0.0' } }], { name: 'other-market' });
    const added = await world.hub.api<SourceInfo>(world.hub.adminToken, 'POST', '/api/admin/sources', { name: 'Ops Kit', kind: 'git', url: `file://${other}` });
    await world.hub.api(world.hub.adminToken, 'POST', `/api/admin/sources/${added.body.id}/sync`);
    const alice = await world.hub.person('alice', ['dev']);
    await world.grant('team-tools/deploy', 'dev');
    const before = await hubGet(world, alice.token, '/marketplace.zip');
    const cacheDir = join(world.hub.dataDir, 'cache', 'marketplace');
    expect(readdirSync(cacheDir)).toEqual([String(before.headers.etag).replace(/"/g, '')]);

    await world.grant('ops-kit/deploy', 'dev');
    const info = (await world.hub.api<{ plugins: { name: string; folder: string }[]; setup: { git: string[]; privateCa: string[] } }>(alice.token, 'GET', '/marketplace/info')).body;
    expect(info.plugins).toEqual([
      expect.objectContaining({ name: 'deploy', folder: 'ops-kit-deploy' }),
      expect.objectContaining({ name: 'team-tools-deploy', folder: 'team-tools-deploy' }),
    ]);
    // The old build was pruned once the new one was made.
    const after = await hubGet(world, alice.token, '/marketplace.zip');
    expect(readdirSync(cacheDir)).toEqual([String(after.headers.etag).replace(/"/g, '')]);
    const out = unzipTo(after.body);
    expect(readdirSync(join(out, 'plugins')).sort()).toEqual(['ops-kit-deploy', 'team-tools-deploy']);
    expect(JSON.parse(readFileSync(join(out, 'plugins/ops-kit-deploy/.claude-plugin/plugin.json'), 'utf8')).version).toBe('9.0.0');

    expect(info.setup.git.join('\n')).toContain(`claude plugin marketplace add ${world.hub.url}/marketplace.git`);
    expect(info.setup.privateCa.join('\n')).toMatch(/git -c http\.sslCAInfo=\S+ clone .*\n.*claude plugin marketplace add ~\/\.claude\/switchboard-hub/);
    const page = await hubGet(world, null, '/marketplace/setup');
    expect(page.status).toBe(200);
    expect(page.body.toString()).toContain('Private CA fallback');
  });
});

function writeCa(w: TestWorld): string {
  const path = join(scratch(), 'ca.pem');
  writeFileSync(path, w.ca);
  return path;
}
