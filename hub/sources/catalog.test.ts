import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { pluginArchive, sha256 } from '../../main/marketplace/testing/archives.ts';
import { catalogV1, publish } from '../../main/marketplace/testing/fixture.ts';
import { TestHttpsServer } from '../../main/marketplace/testing/https-server.ts';
import { startTestHub, type TestHub } from '../testing/hub.ts';
import type { SourceInfo, SourcePlugin } from './sources.ts';

let hub: TestHub | undefined;
let server: TestHttpsServer | undefined;
afterEach(async () => {
  await hub?.close();
  await server?.close();
});

describe('Hub sources: Switchboard catalogs', () => {
  it('syncs a format-1 catalog, keeps each archive by its SHA-256, and keeps the last good copy when one is wrong', async () => {
    server = await TestHttpsServer.start();
    hub = await startTestHub({ extraCa: [server.certificates.ca] });
    const notes = publish(server, { id: 'quick-notes', version: '1.0.0', permissions: ['palette'] });
    server.put('/catalog.json', catalogV1([notes]));
    const added = await hub.api<SourceInfo>(hub.adminToken, 'POST', '/api/admin/sources', { name: 'Upstream', kind: 'catalog', url: server.url('/catalog.json'), token: 'upstream-token-123456' });
    const synced = await hub.api<SourceInfo>(hub.adminToken, 'POST', `/api/admin/sources/${added.body.id}/sync`);
    expect(synced.body).toMatchObject({ lastError: null, pluginCount: 1 });
    const archive = join(hub.dataDir, 'archives', notes.checksum);
    expect(sha256(readFileSync(archive))).toBe(notes.checksum);
    expect(server.requestsFor('/catalog.json')[0]!.authorization).toBe('Bearer upstream-token-123456');
    const plugins = (await hub.api<SourcePlugin[]>(hub.adminToken, 'GET', '/api/admin/plugins')).body;
    expect(plugins).toEqual([expect.objectContaining({ ref: 'upstream/quick-notes', kind: 'switchboard' })]);

    const tampered = pluginArchive({ id: 'quick-notes', version: '1.1.0' });
    server.put('/archives/quick-notes-1.1.0.tgz', tampered);
    server.put('/catalog.json', catalogV1([{ ...notes, version: '1.1.0', downloadUrl: server.url('/archives/quick-notes-1.1.0.tgz'), size: tampered.length, checksum: 'ab'.repeat(32) }]));
    const refused = await hub.api<SourceInfo>(hub.adminToken, 'POST', `/api/admin/sources/${added.body.id}/sync`);
    expect(refused.body.lastError).toMatch(/archive of "quick-notes" does not match the size and SHA-256/);
    const kept = (await hub.api<SourcePlugin[]>(hub.adminToken, 'GET', '/api/admin/plugins')).body;
    expect(kept[0]!.data).toMatchObject({ version: '1.0.0' });

    server.put('/catalog.json', '{"version": 1, "plugins": "no"}');
    const invalid = await hub.api<SourceInfo>(hub.adminToken, 'POST', `/api/admin/sources/${added.body.id}/sync`);
    expect(invalid.body.lastError).toMatch(/not a valid format-1 catalog/);
    expect(existsSync(archive)).toBe(true);
    expect(hub.lines.join('\n')).not.toContain('upstream-token-123456');
  });
});
