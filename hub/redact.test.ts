import { ESLint } from 'eslint';
import { afterEach, describe, expect, it } from 'vitest';
import { Redactor } from './redact.ts';
import { startTestHub, testRequest, type TestHub } from './testing/hub.ts';
import { newRepo, privateGitServer, writeMarketplace } from './testing/repos.ts';

describe('Redactor', () => {
  it('removes remembered secrets, also percent-encoded, and secrets it was never told about', () => {
    const r = new Redactor();
    r.remember('upstream/secret+token');
    const text = [
      'fatal: unable to access https://x:upstream%2Fsecret%2Btoken@git.example.invalid/repo.git',
      'token upstream/secret+token rejected',
      'Authorization: Bearer abc.def.ghi',
      'authorization: basic eDp5',
      'used sbh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
      'https://user:pass@example.invalid/x',
    ].join('\n');
    const out = r.redact(text);
    for (const secret of ['upstream/secret+token', 'upstream%2Fsecret%2Btoken', 'abc.def.ghi', 'eDp5', 'AAAAAAAAAAAAAAAAAAAA', 'user:pass']) expect(out).not.toContain(secret);
    expect(out).toContain('https://[redacted]@example.invalid/x');
  });
});

let hub: TestHub | undefined;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await hub?.close();
  hub = undefined;
  for (const c of cleanups.splice(0)) await c();
});

describe('No token in any log line or error', () => {
  it('keeps Hub tokens and source tokens out of every log line, error answer, stored error and audit row', async () => {
    hub = await startTestHub();
    const h = hub;
    const alice = await h.person('alice');
    const sourceToken = 'glpat-SourceTokenForAPrivateRepo42';
    const repo = newRepo();
    writeMarketplace(repo, [{ name: 'private-one' }]);
    const git = await privateGitServer(repo, 'a-different-token-the-server-wants');
    cleanups.push(git.close);
    const answers: string[] = [];
    const record = async (p: Promise<{ body: unknown }>) => answers.push(JSON.stringify((await p).body));

    // A wrong, a revoked and a malformed token; the source token refused upstream.
    await record(h.api('sbh_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 'GET', '/api/me'));
    await record(h.api(alice.token, 'GET', '/api/admin/users'));
    const source = await h.api<{ id: string }>(h.adminToken, 'POST', '/api/admin/sources', { name: 'Private', kind: 'git', url: git.url, token: sourceToken });
    await record(h.api(h.adminToken, 'POST', `/api/admin/sources/${source.body.id}/sync`));
    await record(h.api(h.adminToken, 'POST', '/api/admin/sources', { name: 'Leaky', kind: 'git', url: `https://x:${sourceToken}@example.invalid/r.git` }));
    await record(h.api(h.adminToken, 'POST', '/api/admin/sources', { name: 'Leaky', kind: 'git', url: `not a url ${alice.token}` }));
    const tokens = await h.api<{ id: string; userId: string }[]>(h.adminToken, 'GET', '/api/admin/tokens');
    await h.api(h.adminToken, 'DELETE', `/api/admin/tokens/${tokens.body.find((t) => t.userId === alice.id)!.id}`);
    await record(h.api(alice.token, 'GET', '/api/me'));
    const basic = await testRequest(`${h.url}/marketplace.zip`, { headers: { Authorization: `Basic ${Buffer.from(`hub:${alice.token}`).toString('base64')}` } });
    answers.push(basic.body.toString());
    await record(h.api(h.adminToken, 'GET', '/api/admin/sources'));
    await record(h.api(h.adminToken, 'GET', '/api/admin/audit'));

    const everything = [...answers, ...h.lines, JSON.stringify(await h.hub.db.all('SELECT * FROM sources')), JSON.stringify(await h.hub.db.all('SELECT * FROM audit'))].join('\n');
    expect(answers.join('\n')).toMatch(/git clone failed/);
    for (const secret of [h.adminToken, alice.token, sourceToken, 'sbh_aaaaaaaaaaaaaaaaaaaa']) expect(everything).not.toContain(secret);
  });
});

describe('Hub import boundary', () => {
  const eslint = new ESLint({ cwd: new URL('..', import.meta.url).pathname });
  const problems = async (filePath: string, code: string) =>
    (await eslint.lintText(code, { filePath }))[0]!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);

  it('lets the Hub import app/ and Node, and nothing of the desktop app', async () => {
    expect(await problems('hub/feeds/bad.ts', "import { parseCatalog } from '../../main/marketplace/catalog.ts';")).toEqual([expect.stringMatching(/hub\/ may import only from hub, app/)]);
    expect(await problems('hub/ui/src/Bad.tsx', "import { App } from '../../../renderer/src/App.tsx';")).toEqual([expect.stringMatching(/hub\/ may import only from hub, app/)]);
    expect(await problems('hub/bad.ts', "import { app } from 'electron';")).toEqual([expect.stringMatching(/plain Node server/)]);
    expect(await problems('hub/feeds/good.ts', "import { CatalogV2 } from '../../app/catalog.ts';\nimport { join } from 'node:path';")).toEqual([]);
    expect(await problems('main/settings/bad.ts', "import { startHub } from '../../hub/hub.ts';")).toEqual([expect.stringMatching(/main\/ may import only from main, app/)]);
  });
});
