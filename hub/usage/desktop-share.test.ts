import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startHub } from '../hub.ts';
import { startTestHub, type TestHub } from '../testing/hub.ts';
import { SessionStore } from '../../main/agents/store.ts';
import { openDatabase, type Db } from '../../main/db/database.ts';
import { MIGRATIONS } from '../../main/db/migrations.ts';
import type { Logger } from '../../main/log/logger.ts';
import type { KeyringBackend } from '../../main/secrets/keyring.ts';
import { startServices, type AppServices } from '../../main/services.ts';
import { RecordingNotifier } from '../../main/test-support/core.ts';
import { nodeHttpsFetch, type HttpFetch } from '../../main/marketplace/http.ts';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { eventually } from '../../main/plugins/testing/harness.ts';
import { HUB_TOKEN_SECRET, UsageShare } from '../../main/usage-share/share.ts';

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

  it('a send asked for while another is under way goes after it, with the token as it is then', async () => {
    setting.enabled = true;
    finishedSession(store, 's1', join(dir, 'shop'));
    token = 'sbh_not-a-token';
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    const slow: HttpFetch = async (url, init) => {
      if (calls++ === 0) await held;
      return http(url, init);
    };
    const sharer = new UsageShare({ db, store, http: slow, log: quiet, setting: () => setting, token: () => token });
    const stale = sharer.sendNow();
    token = (await hub.person('bob')).token;
    const fresh = sharer.sendNow();
    release();
    await expect(stale).rejects.toMatchObject({ fields: { token: expect.stringContaining('The Hub did not accept the token') } });
    expect(await fresh).toBe(1);
    expect(await hubTotals()).toMatchObject([{ key: 'bob', sessions: 1 }]);
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

/** A keyring that lives as long as the test, so the token outlasts a restart of the services. */
function memoryKeyring(): KeyringBackend {
  const values = new Map<string, string>();
  return {
    set: (name, value) => void values.set(name, value),
    get: (name) => values.get(name) ?? null,
    delete: (name) => values.delete(name),
    probe: () => {},
    names: () => [...values.keys()],
  };
}

/** The whole desktop (main/services.ts) sharing usage, stopped and started again around a Hub outage. */
describe('team usage across a restart of the desktop', () => {
  let hub: TestHub;
  let dir: string;
  let services: AppServices | undefined;

  beforeEach(async () => {
    hub = await startTestHub({ tls: testCertificates() });
    dir = mkdtempSync(join(tmpdir(), 'usage-share-restart-'));
  });

  afterEach(async () => {
    await services?.close();
    services = undefined;
    await hub.close();
  });

  it('sends a summary left waiting while the Hub was down as soon as it starts again, exactly once', async () => {
    const real = nodeHttpsFetch({ extraCa: [testCertificates().ca] });
    let unreachable = 0;
    const accepted: string[][] = [];
    const http: HttpFetch = async (url, init) => {
      const res = await real(url, init).catch((err: unknown) => {
        unreachable++;
        throw err;
      });
      if (res.ok && init.body) accepted.push((JSON.parse(new TextDecoder().decode(init.body)) as { sessions: { sessionId: string }[] }).sessions.map((s) => s.sessionId));
      return res;
    };
    const keyring = memoryKeyring();
    const start = () =>
      startServices({ dataDir: dir, appVersion: '0.1.0-test', native: new RecordingNotifier(), agentHome: join(dir, 'home'), keyring, httpFetch: http, usageShareRetryMs: 20 });

    const alice = await hub.person('alice');
    await hub.hub.close();
    services = start();
    const core = services.core();
    core.secrets.store(HUB_TOKEN_SECRET, alice.token);
    core.settings.update({ teamUsage: { enabled: true, hubUrl: hub.url } });
    core.agents.pipeline.write((w) => {
      w.session({ id: 'before-restart', provider: 'claude', cwd: join(dir, 'shop'), model: 'claude-sonnet-4-5', title: `Draft ${SECRET}`, timestamp: '2026-12-01T09:00:00.000Z' }, 'run');
      w.messages([
        {
          id: 'before-restart:a', sessionId: 'before-restart', provider: 'claude', timestamp: '2026-12-01T09:00:30.000Z', type: 'text', role: 'assistant', content: SECRET,
          usage: { input_tokens: 1200, output_tokens: 300 }, usageModel: 'claude-sonnet-4-5', raw: '{}',
        },
      ]);
    });
    core.agents.pipeline.complete('before-restart', { status: 'success', endedAt: '2026-12-01T09:01:00.000Z' });
    await eventually(() => unreachable >= 1, 'a send that could not reach the Hub');
    expect(core.usageShare.pending().map((s) => s.sessionId)).toEqual(['before-restart']);
    await services.close();

    hub.hub = await startHub({ dataDir: hub.dataDir, databaseUrl: hub.hub.databaseUrl, port: Number(new URL(hub.url).port), tls: testCertificates(), syncAt: null, write: () => undefined });
    services = start();
    const again = services.core();
    await eventually(() => again.usageShare.pending().length === 0, 'the waiting summary sent');
    await services.close();
    services = undefined;

    expect(accepted).toEqual([['before-restart']]);
    expect((await hub.api(hub.adminToken, 'GET', '/api/admin/usage?by=person')).body).toEqual([
      { key: 'alice', sessions: 1, inputTokens: 1200, outputTokens: 300, costUsd: expect.any(Number), durationMs: 60_000 },
    ]);
  });
});
