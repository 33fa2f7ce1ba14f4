import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../testing/hub.ts';
import { SessionStore } from '../../main/agents/store.ts';
import { openDatabase, type Db } from '../../main/db/database.ts';
import { MIGRATIONS } from '../../main/db/migrations.ts';
import type { Logger } from '../../main/log/logger.ts';
import { nodeHttpsFetch, type HttpFetch } from '../../main/marketplace/http.ts';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { eventually } from '../../main/plugins/testing/harness.ts';
import { UsageShare } from '../../main/usage-share/share.ts';

const SECRET = 'the secret plans for the launch';
const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A finished session with a project, a model, tokens and a conversation whose words must never leave the desktop. */
function finishedSession(store: SessionStore, id: string, projectPath: string): void {
  const project = store.listProjects().find((p) => p.name === 'shop') ?? store.addProject(projectPath, 'shop');
  store.upsertSession({ id, provider: 'claude', cwd: projectPath, model: 'claude-sonnet-4-5', title: `Draft ${SECRET}`, timestamp: '2026-12-01T09:00:00.000Z' }, 'run', 'running', '2026-12-01T09:00:00.000Z');
  store.insertMessages([
    { id: `${id}-u`, sessionId: id, provider: 'claude', timestamp: '2026-12-01T09:00:01.000Z', type: 'text', role: 'user', content: SECRET, raw: JSON.stringify({ content: SECRET }), prompt: true },
    {
      id: `${id}-a`, sessionId: id, provider: 'claude', timestamp: '2026-12-01T09:00:30.000Z', type: 'text', role: 'assistant', content: `Here are ${SECRET}`,
      raw: JSON.stringify({ content: SECRET }), usage: { input_tokens: 1200, output_tokens: 300, cache_read_input_tokens: 4000 }, usageModel: 'claude-sonnet-4-5',
    },
  ]);
  store.complete(id, { status: 'success', endedAt: '2026-12-01T09:01:00.000Z' });
  expect(store.getSession(id)?.projectId).toBe(project.id);
}

/** The desktop's opt-in team usage (main/usage-share) against a real Hub over HTTPS with a test CA. */
describe('team usage sent to a real Hub', () => {
  let hub: TestHub;
  let dir: string;
  let db: Db;
  let store: SessionStore;
  let http: HttpFetch;
  let bodies: string[];
  let setting: { enabled: boolean; hubUrl: string };
  let token: string | null;

  beforeEach(async () => {
    hub = await startTestHub({ tls: testCertificates() });
    dir = mkdtempSync(join(tmpdir(), 'usage-share-'));
    db = openDatabase(join(dir, 'switchboard.db'), MIGRATIONS);
    store = new SessionStore(db);
    const real = nodeHttpsFetch({ extraCa: [testCertificates().ca] });
    bodies = [];
    http = (url, init) => {
      if (init.body) bodies.push(new TextDecoder().decode(init.body));
      return real(url, init);
    };
    setting = { enabled: false, hubUrl: hub.url };
    token = (await hub.person('alice')).token;
  });

  afterEach(async () => {
    db.close();
    await hub.close();
  });

  const share = () => new UsageShare({ db, store, http, log: quiet, setting: () => setting, token: () => token });
  const hubTotals = async () => (await hub.api<{ key: string; sessions: number }[]>(hub.adminToken, 'GET', '/api/admin/usage?by=person')).body;

  it('sends nothing while the user has not opted in', async () => {
    finishedSession(store, 's1', join(dir, 'shop'));
    expect(await share().sendNow()).toBe(0);
    expect(bodies).toEqual([]);
    expect(await hubTotals()).toEqual([]);
  });

  it('opted in, sends a finished session once, with figures and names only', async () => {
    finishedSession(store, 's1', join(dir, 'shop'));
    store.upsertSession({ id: 'still-running', provider: 'claude', timestamp: '2026-12-01T10:00:00.000Z' }, 'run', 'running', '2026-12-01T10:00:00.000Z');
    setting.enabled = true;
    expect(await share().sendNow()).toBe(1);
    expect(bodies).toHaveLength(1);
    expect(bodies[0]).not.toContain('secret plans');
    expect(JSON.parse(bodies[0]!)).toEqual({
      sessions: [{
        sessionId: 's1', agent: 'claude', project: 'shop', model: 'claude-sonnet-4-5', startedAt: '2026-12-01T09:00:00.000Z', durationMs: 60_000,
        inputTokens: expect.any(Number), outputTokens: 300, cacheReadTokens: 4000, cacheWriteTokens: 0, costUsd: expect.any(Number), status: 'completed',
      }],
    });
    expect(await hubTotals()).toEqual([{ key: 'alice', sessions: 1, inputTokens: expect.any(Number), outputTokens: 300, costUsd: expect.any(Number), durationMs: 60_000 }]);
  });

  it('after a restart, sends only sessions that finished since', async () => {
    setting.enabled = true;
    finishedSession(store, 's1', join(dir, 'shop'));
    expect(await share().sendNow()).toBe(1);
    db.close();
    db = openDatabase(join(dir, 'switchboard.db'), MIGRATIONS);
    store = new SessionStore(db);
    expect(await share().sendNow()).toBe(0);
    finishedSession(store, 's2', join(dir, 'shop'));
    expect(await share().sendNow()).toBe(1);
    expect(bodies.map((b) => (JSON.parse(b) as { sessions: { sessionId: string }[] }).sessions.map((s) => s.sessionId))).toEqual([['s1'], ['s2']]);
    expect((await hubTotals())[0]?.sessions).toBe(2);
  });

  it('with a wrong token, says so on the token field and keeps the session to send later', async () => {
    setting.enabled = true;
    finishedSession(store, 's1', join(dir, 'shop'));
    token = 'sbh_not-a-token';
    const err = await share().sendNow().catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'invalid_argument', fields: { token: expect.stringContaining('The Hub did not accept the token') } });
    token = null;
    await expect(share().sendNow()).rejects.toMatchObject({ fields: { token: 'Enter your personal access token for the Hub first.' } });
    token = (await hub.person('bob')).token;
    expect(await share().sendNow()).toBe(1);
  });

  it('when the Hub cannot be reached, says where it tried and sends nothing twice once it is back', async () => {
    setting.enabled = true;
    finishedSession(store, 's1', join(dir, 'shop'));
    const url = hub.url;
    setting.hubUrl = 'https://127.0.0.1:1';
    await expect(share().sendNow()).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('Could not reach the Hub at https://127.0.0.1:1') });
    setting.hubUrl = url;
    expect(await share().sendNow()).toBe(1);
    expect(await share().sendNow()).toBe(0);
  });

  it('after a session ends with the Hub down, keeps trying on its own until the Hub has it', async () => {
    setting.enabled = true;
    finishedSession(store, 's1', join(dir, 'shop'));
    const url = hub.url;
    setting.hubUrl = 'https://127.0.0.1:1';
    const warnings: string[] = [];
    const sharer = new UsageShare({ db, store, http, setting: () => setting, token: () => token, retryMs: 20, log: { ...quiet, warn: (m) => warnings.push(m) } });
    sharer.schedule();
    await eventually(() => warnings.length >= 2, 'two failed attempts');
    expect(warnings[0]).toContain('Could not reach the Hub at https://127.0.0.1:1');
    setting.hubUrl = url;
    await eventually(() => sharer.pending().length === 0, 'the session sent');
    sharer.close();
    expect((await hubTotals())[0]?.sessions).toBe(1);
  });
});
