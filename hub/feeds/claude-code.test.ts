import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { startTestHub, type TestHub } from '../testing/hub.ts';
import { newRepo, writeMarketplace } from '../testing/repos.ts';
import type { SourceInfo } from '../sources/sources.ts';

const CLAUDE = join(import.meta.dirname, '..', '..', 'node_modules', '.bin', 'claude');

let hub: TestHub | undefined;
afterEach(async () => {
  await hub?.close();
  hub = undefined;
});

/** Runs a command with a throwaway HOME, without blocking the Hub that answers in this process. */
function run(cmd: string, args: string[], home: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(
      cmd,
      args,
      {
        env: { PATH: process.env.PATH, HOME: home, GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', DISABLE_TELEMETRY: '1', CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
        timeout: 120_000,
      },
      (err, stdout, stderr) => resolve({ code: err ? Number((err as { code?: number }).code) || 1 : 0, out: `${stdout}${stderr}` }),
    );
  });
}

async function hubWithPlugin(tls = false): Promise<{ hub: TestHub; token: string }> {
  const h = await startTestHub(tls ? { tls: testCertificates() } : {});
  const repo = newRepo();
  writeMarketplace(repo, [{ name: 'deploy', manifest: { name: 'deploy', version: '2.1.0', description: 'Ships it' } }, { name: 'secret-tool' }]);
  const source = await h.api<SourceInfo>(h.adminToken, 'POST', '/api/admin/sources', { name: 'Team Tools', kind: 'git', url: `file://${repo}` });
  await h.api(h.adminToken, 'POST', `/api/admin/sources/${source.body.id}/sync`);
  await h.api(h.adminToken, 'POST', '/api/admin/groups', { name: 'dev' });
  await h.api(h.adminToken, 'POST', '/api/admin/grants', { ref: 'team-tools/deploy', group: 'dev', granted: true });
  const dana = await h.person('dana', ['dev']);
  return { hub: h, token: dana.token };
}

/** The real Claude Code CLI (the project's devDependency) against the Hub's re-served marketplace. */
describe('Claude Code adds the Hub marketplace', () => {
  it('with the setup lines: a git credential for the Hub, then claude plugin marketplace add <hub>/marketplace.git, then install', { timeout: 240_000 }, async () => {
    const w = await hubWithPlugin();
    hub = w.hub;
    const home = mkdtempSync(join(tmpdir(), 'hub-claude-home-'));
    const info = (await hub.api<{ setup: { git: string[] } }>(w.token, 'GET', '/marketplace/info')).body;
    // The setup lines as a person would paste them, with their token in the variable they name.
    const script = info.setup.git.filter((l) => !l.startsWith('#')).join('\n').replace(/^claude /m, `${CLAUDE} `);
    writeFileSync(join(home, 'setup.sh'), `set -e\nexport SWITCHBOARD_HUB_TOKEN='${w.token}'\n${script}\n`);
    const added = await run('sh', [join(home, 'setup.sh')], home);
    expect(added.code, added.out).toBe(0);
    const installed = await run(CLAUDE, ['plugin', 'install', 'deploy@switchboard-hub'], home);
    expect(installed.code, installed.out).toBe(0);
    const plugins = readFileSync(join(home, '.claude', 'plugins', 'installed_plugins.json'), 'utf8');
    expect(plugins).toContain('deploy@switchboard-hub');
    // Only what dana's groups are granted exists in her marketplace.
    const other = await run(CLAUDE, ['plugin', 'install', 'secret-tool@switchboard-hub'], home);
    expect(other.code).not.toBe(0);
    expect(hub.lines.join('\n')).not.toContain(w.token);
  });

  it('with the private-CA fallback: clone with git, then add the local clone', { timeout: 240_000 }, async () => {
    const w = await hubWithPlugin(true);
    hub = w.hub;
    const home = mkdtempSync(join(tmpdir(), 'hub-claude-home-'));
    const ca = join(home, 'hub-ca.pem');
    writeFileSync(ca, testCertificates().ca);
    const url = new URL(`${hub.url}/marketplace.git`);
    url.username = 'hub';
    url.password = w.token;
    const clone = join(home, 'hub-marketplace');
    // Without the CA, git refuses the Hub's certificate; with it, the clone works.
    expect((await run('git', ['clone', '--quiet', '--', url.href, clone], home)).code).not.toBe(0);
    const cloned = await run('git', ['-c', `http.sslCAInfo=${ca}`, 'clone', '--quiet', '--', url.href, clone], home);
    expect(cloned.code, cloned.out).toBe(0);
    const added = await run(CLAUDE, ['plugin', 'marketplace', 'add', clone], home);
    expect(added.code, added.out).toBe(0);
    expect(added.out).toContain('switchboard-hub');
    const installed = await run(CLAUDE, ['plugin', 'install', 'deploy@switchboard-hub'], home);
    expect(installed.code, installed.out).toBe(0);
  });
});
