import { rmSync } from 'node:fs';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { catalogV1, publish, type PublishedPlugin } from '../../main/marketplace/testing/fixture.ts';
import { TestHttpsServer } from '../../main/marketplace/testing/https-server.ts';
import type { HubConfig } from '../hub.ts';
import type { SourceInfo } from '../sources/sources.ts';
import { startTestHub, type TestHub } from './hub.ts';
import { newRepo, writeMarketplace } from './repos.ts';

export interface TestWorld {
  hub: TestHub;
  upstream: TestHttpsServer;
  notes: PublishedPlugin;
  ca: string;
  repo: string;
  sources: { catalog: SourceInfo; git: SourceInfo };
  /** Sets one grant through the admin API. */
  grant(ref: string, group: string, granted?: boolean): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Hub on HTTPS (test CA) with two synced sources: a Switchboard catalog
 * ("upstream", one plugin "quick-notes") and a Claude Code marketplace
 * repository ("team-tools": code-review, deploy), plus groups dev and ops.
 */
export async function startWorld(config: Partial<HubConfig> = {}): Promise<TestWorld> {
  const certs = testCertificates();
  const upstream = await TestHttpsServer.start();
  const notes = publish(upstream, { id: 'quick-notes', version: '1.0.0', name: 'Quick Notes', permissions: ['palette'] });
  upstream.put('/catalog.json', catalogV1([notes]));
  const hub = await startTestHub({ tls: { cert: certs.cert, key: certs.key }, extraCa: [upstream.certificates.ca], ...config });
  const repo = newRepo();
  writeMarketplace(repo, [{ name: 'code-review' }, { name: 'deploy', manifest: { name: 'deploy', version: '2.1.0', description: 'Ships it' } }]);
  const add = async (body: Record<string, unknown>) => {
    const res = await hub.api<SourceInfo>(hub.adminToken, 'POST', '/api/admin/sources', body);
    const synced = await hub.api<SourceInfo>(hub.adminToken, 'POST', `/api/admin/sources/${res.body.id}/sync`);
    if (synced.body.lastError) throw new Error(synced.body.lastError);
    return synced.body;
  };
  const catalog = await add({ name: 'Upstream', kind: 'catalog', url: upstream.url('/catalog.json') });
  const git = await add({ name: 'Team Tools', kind: 'git', url: `file://${repo}` });
  for (const name of ['dev', 'ops']) await hub.api(hub.adminToken, 'POST', '/api/admin/groups', { name });
  return {
    hub,
    upstream,
    notes,
    ca: certs.ca,
    repo,
    sources: { catalog, git },
    grant: async (ref, group, granted = true) => {
      const res = await hub.api(hub.adminToken, 'POST', '/api/admin/grants', { ref, group, granted });
      if (res.status !== 200) throw new Error(JSON.stringify(res.body));
    },
    close: async () => {
      await hub.close();
      await upstream.close();
      rmSync(repo, { recursive: true, force: true });
    },
  };
}

/** A GET against the Hub that trusts the test CA, with a bearer token. */
export async function hubGet(world: TestWorld, token: string | null, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: Buffer; headers: Record<string, string | string[] | undefined> }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const h: Record<string, string> = { ...headers };
    if (token) h.Authorization = `Bearer ${token}`;
    request(`${world.hub.url}${path}`, { ca: world.ca, headers: h }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), headers: res.headers }));
    })
      .on('error', reject)
      .end();
  });
}
