import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { licenseSecretName } from './service.ts';
import { tokenSecretName } from './sources.ts';
import { catalogV1, marketplaceFixture, publish, type MarketplaceFixture } from './testing/fixture.ts';
import { TestHttpsServer } from './testing/https-server.ts';

/**
 * Where the source's token and license keys may go. `home` is addressed as
 * 127.0.0.1 and `elsewhere` as localhost: two real servers on two origins.
 */
let home: TestHttpsServer;
let elsewhere: TestHttpsServer;
let m: MarketplaceFixture;

beforeAll(async () => {
  home = await TestHttpsServer.start();
  elsewhere = await TestHttpsServer.start();
});
afterAll(async () => {
  await home.close();
  await elsewhere.close();
});
beforeEach(() => {
  m = marketplaceFixture({ ca: home.certificates.ca });
});
afterEach(() => m.close());

const unique = () => `/k${Math.random().toString(36).slice(2)}`;
const onLocalhost = (server: TestHttpsServer, path: string) => server.url(path).replace('//127.0.0.1:', '//localhost:');

describe('credentials stay with the server they were given for', () => {
  it('editing the address to another origin drops the token and the license keys, and the old token is never sent there', async () => {
    const path = `${unique()}/catalog.json`;
    home.put(path, catalogV1([]));
    const source = m.service.addSource({ name: 'Private', url: home.url(path), token: 'home-token' });
    await m.service.setLicenseKey(source.id, 'paid-plugin', 'home-license');
    await m.service.fetchCatalog();
    expect(home.requestsFor(path)[0]!.authorization).toBe('Bearer home-token');

    const moved = `${unique()}/catalog.json`;
    const paid = publish(elsewhere, { id: 'paid-plugin', version: '1.0.0', tier: 'paid' });
    elsewhere.put(moved, catalogV1([{ ...paid, downloadUrl: onLocalhost(elsewhere, new URL(paid.downloadUrl).pathname) }]));
    const edited = m.service.editSource(source.id, { url: onLocalhost(elsewhere, moved) });

    expect(edited.hasToken).toBe(false);
    expect(m.secrets.get(tokenSecretName(source.id))).toBeNull();
    expect(m.secrets.get(licenseSecretName(source.id, 'paid-plugin'))).toBeNull();
    const view = await m.service.fetchCatalog(true);
    expect(view.sources.find((s) => s.id === source.id)!.error).toBeNull();
    expect(elsewhere.requestsFor(moved)).toHaveLength(1);
    expect(elsewhere.requestsFor(moved)[0]!.authorization).toBeUndefined();
    await expect(m.service.install('paid-plugin', source.id)).rejects.toThrow(/requires a license/);
    expect(elsewhere.requests.filter((r) => r.authorization)).toEqual([]);
    const audit = m.audit.list({}).find((r) => r.eventType === 'source_updated')!;
    expect(audit.detail).toMatchObject({ token: false, credentialsDropped: { token: true, licenseKeys: 1 } });
  });

  it('keeps a token given in the same edit, and keeps credentials when only the path changes', async () => {
    const path = `${unique()}/catalog.json`;
    home.put(path, catalogV1([]));
    const source = m.service.addSource({ name: 'Private', url: home.url(path), token: 'home-token' });
    await m.service.setLicenseKey(source.id, 'kept', 'kept-license');
    const samePlace = `${unique()}/catalog.json`;
    home.put(samePlace, catalogV1([]));
    expect(m.service.editSource(source.id, { url: home.url(samePlace) }).hasToken).toBe(true);
    expect(m.secrets.get(licenseSecretName(source.id, 'kept'))).toBe('kept-license');

    const moved = `${unique()}/catalog.json`;
    elsewhere.put(moved, catalogV1([]));
    m.service.editSource(source.id, { url: onLocalhost(elsewhere, moved), token: 'new-token' });
    await m.service.fetchCatalog(true);
    expect(elsewhere.requestsFor(moved).map((r) => r.authorization)).toEqual(['Bearer new-token']);
    expect(elsewhere.requests.map((r) => r.authorization)).not.toContain('Bearer home-token');
  });

  it('drops Authorization when a download redirect leaves the source origin', async () => {
    const archive = publish(elsewhere, { id: 'redirected', version: '1.0.0' });
    const target = onLocalhost(elsewhere, new URL(archive.downloadUrl).pathname);
    const hop = `${unique()}/redirected.tgz`;
    home.handle(hop, (_req, res) => void res.writeHead(302, { Location: target }).end());
    const path = `${unique()}/catalog.json`;
    home.put(path, catalogV1([{ ...archive, downloadUrl: home.url(hop) }]));
    const source = m.service.addSource({ name: 'Private', url: home.url(path), token: 'home-token' });
    await m.service.fetchCatalog();
    await m.service.install('redirected', source.id);
    expect(home.requestsFor(hop).map((r) => r.authorization)).toEqual(['Bearer home-token']);
    expect(elsewhere.requestsFor(new URL(target).pathname)).toHaveLength(1);
    expect(elsewhere.requestsFor(new URL(target).pathname)[0]!.authorization).toBeUndefined();
    expect(m.registry.get('redirected')?.version).toBe('1.0.0');
  });

  it('does not send the source token to a download on another origin', async () => {
    const archive = publish(elsewhere, { id: 'hosted-elsewhere', version: '1.0.0' });
    const target = onLocalhost(elsewhere, new URL(archive.downloadUrl).pathname);
    const path = `${unique()}/catalog.json`;
    home.put(path, catalogV1([{ ...archive, downloadUrl: target }]));
    const source = m.service.addSource({ name: 'Private', url: home.url(path), token: 'home-token' });
    await m.service.fetchCatalog();
    await m.service.install('hosted-elsewhere', source.id);
    expect(home.requestsFor(path)[0]!.authorization).toBe('Bearer home-token');
    expect(elsewhere.requestsFor(new URL(target).pathname)).toHaveLength(1);
    expect(elsewhere.requestsFor(new URL(target).pathname)[0]!.authorization).toBeUndefined();
    expect(m.registry.get('hosted-elsewhere')?.version).toBe('1.0.0');
  });
});
