import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { startTestHub, type TestHub } from '../testing/hub.ts';
import { gitIn, link, newRepo, privateGitServer, write, writeMarketplace } from '../testing/repos.ts';
import { msUntilNext } from './schedule.ts';
import type { SourceInfo, SourcePlugin } from './sources.ts';

let hubs: TestHub[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  const closing = hubs;
  hubs = [];
  await Promise.all(closing.map((h) => h.close()));
  for (const c of cleanups.splice(0)) await c();
});
const start = async (config: Parameters<typeof startTestHub>[0] = {}) => {
  const h = await startTestHub(config);
  hubs.push(h);
  return h;
};

async function addGit(h: TestHub, name: string, url: string, token?: string): Promise<SourceInfo> {
  const res = await h.api<SourceInfo>(h.adminToken, 'POST', '/api/admin/sources', { name, kind: 'git', url, ...(token ? { token } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}
const syncOne = async (h: TestHub, id: string) => (await h.api<SourceInfo>(h.adminToken, 'POST', `/api/admin/sources/${id}/sync`)).body;
const plugins = async (h: TestHub) => (await h.api<SourcePlugin[]>(h.adminToken, 'GET', '/api/admin/plugins')).body;

describe('Hub sources: Claude Code marketplaces in git', () => {
  it('clones a marketplace repository, caches its plugins, and follows new commits by fetch and hard reset', async () => {
    const h = await start();
    const repo = newRepo();
    const first = writeMarketplace(repo, [{ name: 'code-review' }, { name: 'deploy', manifest: { name: 'deploy-helper', version: '2.0.0' } }]);
    const source = await addGit(h, 'Team Tools', `file://${repo}`);
    expect(source.slug).toBe('team-tools');
    const synced = await syncOne(h, source.id);
    expect(synced).toMatchObject({ lastError: null, revision: first, pluginCount: 2 });
    const listed = await plugins(h);
    expect(listed.map((p) => p.ref)).toEqual(['team-tools/code-review', 'team-tools/deploy']);
    expect(listed[1]!.data).toMatchObject({ pluginName: 'deploy-helper', version: '2.0.0' });
    const checkout = join(h.dataDir, 'marketplaces', 'team-tools');
    expect(readFileSync(join(checkout, 'plugins/code-review/commands/code-review.md'), 'utf8')).toMatch(/code-review/);

    const second = writeMarketplace(repo, [{ name: 'code-review' }, { name: 'lint-fix' }]);
    const again = await syncOne(h, source.id);
    expect(again).toMatchObject({ lastError: null, revision: second, pluginCount: 2 });
    expect((await plugins(h)).map((p) => p.ref)).toEqual(['team-tools/code-review', 'team-tools/lint-fix']);
    expect(gitIn(checkout, 'rev-parse', 'HEAD')).toBe(second);
    expect(readdirSync(join(checkout, 'plugins')).sort()).toEqual(['code-review', 'lint-fix']);
  });

  it('syncs a private repository with a token kept in a 0600 file, and never shows the token', async () => {
    const h = await start();
    const repo = newRepo();
    writeMarketplace(repo, [{ name: 'secret-sauce' }]);
    const token = 'ghp_privateRepoToken1234567890abcdef';
    const server = await privateGitServer(repo, token);
    cleanups.push(server.close);

    const without = await addGit(h, 'No Token', server.url);
    const refused = await syncOne(h, without.id);
    expect(refused.lastError).toMatch(/git clone failed/);
    expect(refused.pluginCount).toBe(0);

    const source = await addGit(h, 'Private', server.url, token);
    expect(source.hasToken).toBe(true);
    expect(await syncOne(h, source.id)).toMatchObject({ lastError: null, pluginCount: 1 });
    expect(server.requests.some((r) => r.authorized)).toBe(true);

    const secrets = join(h.dataDir, 'secrets');
    const files = readdirSync(secrets);
    expect(files).toHaveLength(1);
    expect(statSync(join(secrets, files[0]!)).mode & 0o777).toBe(0o600);
    expect(statSync(secrets).mode & 0o777).toBe(0o700);
    const dump = JSON.stringify([await h.hub.db.all('SELECT * FROM sources'), await h.hub.db.all('SELECT * FROM audit')]);
    expect(dump).toContain(files[0]);
    expect(dump).not.toContain(token);
    expect(readFileSync(join(h.dataDir, 'marketplaces', 'private', '.git', 'config'), 'utf8')).not.toContain(token);

    // The token is rejected upstream now: the error must still not carry it.
    await server.close();
    const broken = await syncOne(h, source.id);
    expect(broken.lastError).toMatch(/git fetch failed/);
    expect(broken.pluginCount).toBe(1);
    expect(JSON.stringify(await h.api(h.adminToken, 'GET', '/api/admin/sources'))).not.toContain(token);
    expect(h.lines.join('\n')).not.toContain(token);
  });

  it('refuses each kind of hostile content with a reason and keeps the last good content', async () => {
    const h = await start({ repoLimits: { maxFileBytes: 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024, maxFiles: 1000 } });
    const repo = newRepo();
    const good = writeMarketplace(repo, [{ name: 'good-one' }]);
    const source = await addGit(h, 'Hostile', `file://${repo}`);
    expect(await syncOne(h, source.id)).toMatchObject({ lastError: null, revision: good });
    const checkout = join(h.dataDir, 'marketplaces', 'hostile');

    const cases: [string, () => void, RegExp][] = [
      ['a huge file', () => writeMarketplace(repo, [{ name: 'good-one', files: { 'blob.bin': Buffer.alloc(1024 * 1024 + 1) } }]), /blob\.bin" is 1\.0 MB; files can be at most 1\.0 MB/],
      ['a symlink leaving the repository', () => writeMarketplace(repo, [{ name: 'good-one' }], { extra: (d) => link(d, 'plugins/good-one/passwd', '../../../../etc/passwd') }), /symbolic link to "\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd", outside the repository/],
      ['an absolute symlink', () => writeMarketplace(repo, [{ name: 'good-one' }], { extra: (d) => link(d, 'docs/key', '/root/.ssh/id_rsa') }), /outside the repository/],
      ['a symlink out of its plugin', () => writeMarketplace(repo, [{ name: 'good-one' }], { extra: (d) => link(d, 'plugins/good-one/up', '../../README') }), /outside its plugin's folder/],
      ['".." in a plugin source', () => writeMarketplace(repo, [{ name: 'escape', source: './plugins/../../outside' }]), /has "\.\." in its source/],
      ['an invalid plugin name', () => writeMarketplace(repo, [{ name: 'Bad Name' }]), /"Bad Name" is not kebab-case/],
      ['a duplicate plugin name', () => writeMarketplace(repo, [{ name: 'twice' }, { name: 'twice', dir: 'plugins/twice-2' }]), /"twice" is listed more than once/],
      ['two plugin.json with one name', () => writeMarketplace(repo, [{ name: 'a-one', manifest: { name: 'same' } }, { name: 'b-two', manifest: { name: 'same' } }]), /call themselves "same"/],
      ['a missing plugin folder', () => writeMarketplace(repo, [{ name: 'ghost', source: './plugins/nowhere' }], { extra: (d) => write(d, 'x', 'x') }), /not a folder in the repository/],
      ['a broken marketplace.json', () => writeMarketplace(repo, [], { extra: (d) => write(d, '.claude-plugin/marketplace.json', '{ nope') }), /marketplace\.json is not valid JSON/],
    ];
    for (const [what, commit, reason] of cases) {
      commit();
      const after = await syncOne(h, source.id);
      expect(after.lastError, what).toMatch(reason);
      expect(after.revision, what).toBe(good);
      expect((await plugins(h)).map((p) => p.ref), what).toEqual(['hostile/good-one']);
      expect(gitIn(checkout, 'rev-parse', 'HEAD'), what).toBe(good);
    }
    const fixed = writeMarketplace(repo, [{ name: 'good-one' }, { name: 'good-two' }]);
    expect(await syncOne(h, source.id)).toMatchObject({ lastError: null, revision: fixed, pluginCount: 2 });
  });

  it('lists plugins that live in other repositories as skipped, with the reason', async () => {
    const h = await start();
    const repo = newRepo();
    writeMarketplace(repo, [{ name: 'local-one' }, { name: 'remote-one', source: { source: 'github', repo: 'someone/else' } }]);
    const source = await addGit(h, 'Mixed', `file://${repo}`);
    const synced = await syncOne(h, source.id);
    expect(synced.pluginCount).toBe(1);
    expect(synced.skipped).toEqual([{ name: 'remote-one', reason: expect.stringMatching(/another repository \(github\)/) }]);
  });

  it('refuses a bad source with a specific message and adds nothing', async () => {
    const h = await start();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: '', kind: 'git', url: 'file:///tmp/x' }, /Give the source a name/],
      [{ name: 'x', kind: 'svn', url: 'file:///tmp/x' }, /kind must be "catalog"/],
      [{ name: 'x', kind: 'git', url: 'ext::sh -c touch% /tmp/pwned' }, /must use https:\/\/, http:\/\/, ssh:\/\/ or file:\/\//],
      [{ name: 'x', kind: 'git', url: 'https://user:sbh_secretsecretsecret@example.invalid/repo.git' }, /Put credentials in the token field/],
      [{ name: 'x', kind: 'catalog', url: 'http://example.invalid/catalog.json' }, /must use https:\/\//],
      [{ name: 'x', kind: 'git', url: 'not a url' }, /is not a URL/],
    ];
    for (const [input, message] of cases) {
      const res = await h.api<{ error: string }>(h.adminToken, 'POST', '/api/admin/sources', input);
      expect(res.status).toBe(400);
      expect(res.body.error).toMatch(message);
      expect(res.body.error).not.toContain('sbh_secretsecretsecret');
    }
    await addGit(h, 'Once', 'file:///tmp/once');
    const dup = await h.api<{ error: string }>(h.adminToken, 'POST', '/api/admin/sources', { name: 'Once', kind: 'git', url: 'file:///tmp/other' });
    expect(dup.body.error).toMatch(/short name "once" already exists/);
    expect((await h.api<unknown[]>(h.adminToken, 'GET', '/api/admin/sources')).body).toHaveLength(1);
  });

  it('runs "Sync all" from the daily schedule through its own endpoint, and a failing source keeps its error', async () => {
    const h = await start({ syncAt: '03:00' });
    const repo = newRepo();
    writeMarketplace(repo, [{ name: 'nightly' }]);
    await addGit(h, 'Nightly', `file://${repo}`);
    await addGit(h, 'Gone', `file://${repo}-missing`);
    expect(await h.hub.schedule!.fire()).toBe(200);
    const list = (await h.api<SourceInfo[]>(h.adminToken, 'GET', '/api/admin/sources')).body;
    expect(list.find((s) => s.slug === 'nightly')).toMatchObject({ pluginCount: 1, lastError: null });
    expect(list.find((s) => s.slug === 'gone')!.lastError).toMatch(/git clone failed/);
    const audit = (await h.api<{ actor: string; action: string }[]>(h.adminToken, 'GET', '/api/admin/audit')).body;
    expect(audit.filter((a) => a.action === 'source_synced').map((a) => a.actor)).toEqual(['scheduler']);
    // Without the schedule's secret, the endpoint wants an admin.
    expect((await fetch(`${h.url}/api/admin/sources/sync`, { method: 'POST', headers: { 'X-Hub-Scheduler': 'guess' } })).status).toBe(401);
  });

  it('reaches its own endpoint over TLS by pinning its own certificate', async () => {
    const h = await start({ syncAt: '03:00', tls: testCertificates() });
    const repo = newRepo();
    writeMarketplace(repo, [{ name: 'nightly' }]);
    await addGit(h, 'Nightly', `file://${repo}`);
    expect(await h.hub.schedule!.fire()).toBe(200);
    const audit = (await h.api<{ actor: string; action: string }[]>(h.adminToken, 'GET', '/api/admin/audit')).body;
    expect(audit.find((a) => a.action === 'source_synced')?.actor).toBe('scheduler');
  });

  it('computes the next daily run in local time', () => {
    const now = new Date(2026, 11, 1, 2, 30, 0);
    expect(msUntilNext('03:00', now)).toBe(30 * 60_000);
    expect(msUntilNext('02:30', now)).toBe(24 * 3600_000);
    expect(msUntilNext('01:00', now)).toBe(22.5 * 3600_000);
  });
});
