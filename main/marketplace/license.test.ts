import { generateKeyPairSync } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BUILTIN_SOURCE_ID, DEFAULT_BUILTIN_CATALOG_DIR } from './builtin.ts';
import { signLicense, type ProLicense } from './license.ts';
import { licenseSecretName } from './service.ts';
import { publicKeyBase64 } from './signing.ts';
import { marketplaceFixture, treeDigest, type MarketplaceFixture } from './testing/fixture.ts';

const PRO = 'cost-alerts';
const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const testKey = publicKeyBase64(publicKey);
const NOW = new Date('2026-12-01T12:00:00Z');
const sign = (fields: Partial<ProLicense> = {}) => signLicense({ licensee: 'Example Team', plugins: [PRO], expires: '2027-12-01T00:00:00Z', ...fields }, privateKey);

let m: MarketplaceFixture | undefined;
afterEach(() => {
  // The keyring outlives each fixture's database: leave no licence behind for the next test.
  if (m?.db.open) m.secrets.delete(licenseSecretName(BUILTIN_SOURCE_ID, PRO));
  m?.close();
});

function fixture(now = NOW): MarketplaceFixture {
  return marketplaceFixture({ builtinDir: DEFAULT_BUILTIN_CATALOG_DIR, appVersion: '0.1.0', licensePublicKey: testKey, now: () => now });
}

async function entryPermissions(f: MarketplaceFixture) {
  const view = await f.service.fetchCatalog();
  return view.entries.find((e) => e.id === PRO && e.sourceId === BUILTIN_SOURCE_ID)!.permissions;
}

describe('Pro licences of the built-in catalog, checked offline', () => {
  it('a valid licence is kept in the keyring, unlocks the install and shows who it is for and until when', async () => {
    m = fixture();
    const permissions = await entryPermissions(m);
    await expect(m.service.install(PRO, BUILTIN_SOURCE_ID, permissions)).rejects.toThrow('Cost Alerts is a Pro plugin and no licence for it is saved. Enter your licence key in its Marketplace details.');
    const token = sign();
    expect(await m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, `  ${token}\n`)).toBe(true);
    expect(m.secrets.get(licenseSecretName(BUILTIN_SOURCE_ID, PRO))).toBe(token);
    expect((await m.service.fetchCatalog()).licensed).toEqual([`${BUILTIN_SOURCE_ID}/${PRO}`]);
    await m.service.install(PRO, BUILTIN_SOURCE_ID, permissions);
    expect(m.registry.get(PRO)).toMatchObject({ enabled: true, sourceId: BUILTIN_SOURCE_ID });
    expect(m.service.licenseStatus(PRO)).toEqual({ licensee: 'Example Team', expires: '2027-12-01T00:00:00Z', valid: true, message: null });
    expect(m.service.licenseStatus('not-installed')).toBeNull();
  });

  it('an expired licence is refused with its date and stores nothing', async () => {
    m = fixture();
    const before = treeDigest(m.dataDir);
    await expect(m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, sign({ expires: '2026-11-30T00:00:00Z' }))).rejects.toThrow(
      'The licence for Example Team expired on 2026-11-30. Renew it to use Cost Alerts; its settings and data are kept.',
    );
    expect(m.secrets.get(licenseSecretName(BUILTIN_SOURCE_ID, PRO))).toBeNull();
    expect(treeDigest(m.dataDir)).toBe(before);
    await expect(m.service.install(PRO, BUILTIN_SOURCE_ID, await entryPermissions(m))).rejects.toThrow(/no licence for it is saved/);
  });

  it('a licence for other plugins is refused, naming what it covers; "*" covers every Pro plugin', async () => {
    m = fixture();
    await expect(m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, sign({ plugins: ['policy-engine', 'audit-export'] }))).rejects.toThrow(
      'This licence for Example Team covers policy-engine, audit-export, not Cost Alerts.',
    );
    expect(m.secrets.get(licenseSecretName(BUILTIN_SOURCE_ID, PRO))).toBeNull();
    expect(await m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, sign({ plugins: '*' }))).toBe(true);
    expect((await m.service.fetchCatalog()).licensed).toContain(`${BUILTIN_SOURCE_ID}/${PRO}`);
  });

  it('a tampered token is refused: another licensee, a later expiry or a key of its own', async () => {
    m = fixture();
    const [prefix, , signature] = sign().split('.');
    const forged = Buffer.from(JSON.stringify({ licensee: 'Example Team', plugins: '*', expires: '2099-01-01T00:00:00Z' })).toString('base64url');
    const message = 'This licence key was not issued for Switchboard or has been altered: its signature does not match. Paste the whole key exactly as you received it.';
    await expect(m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, `${prefix}.${forged}.${signature}`)).rejects.toThrow(message);
    const stranger = generateKeyPairSync('ed25519').privateKey;
    await expect(m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, signLicense({ licensee: 'Me', plugins: '*', expires: '2099-01-01T00:00:00Z' }, stranger))).rejects.toThrow(message);
    await expect(m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, 'PRO-1234-5678')).rejects.toThrow(/not a Switchboard Pro licence key/);
    expect(m.secrets.get(licenseSecretName(BUILTIN_SOURCE_ID, PRO))).toBeNull();
  });

  it('is checked again at each start: once expired, the plugin is disabled with a clear message and keeps its data', async () => {
    m = fixture();
    await m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, sign({ expires: '2026-12-31T00:00:00Z' }));
    await m.service.install(PRO, BUILTIN_SOURCE_ID, await entryPermissions(m));
    m.db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?)').run(`plugin:${PRO}:alerts`, '[1]');

    // Restarted in January: the same files, database and keyring, a later clock.
    const later = marketplaceFixture({ builtinDir: DEFAULT_BUILTIN_CATALOG_DIR, appVersion: '0.1.0', licensePublicKey: testKey, now: () => new Date('2027-01-02T00:00:00Z'), dataDir: m.dataDir });
    m.db.close();
    m = later;
    expect(m.registry.get(PRO)).toMatchObject({ enabled: false });
    const expired = 'The licence for Example Team expired on 2026-12-31. Renew it to use Cost Alerts; its settings and data are kept.';
    const shown = m.emitted.filter((e) => e.name === 'notifications.added').map((e) => e.payload as { title: string; message: string });
    expect(shown).toEqual([expect.objectContaining({ title: 'Cost Alerts is disabled', message: expired })]);
    expect(m.audit.list({ eventType: 'plugin_license_invalid' })).toEqual([expect.objectContaining({ subject: PRO, detail: expect.objectContaining({ reason: 'expired' }) })]);
    expect(m.service.licenseStatus(PRO)).toEqual({ licensee: 'Example Team', expires: '2026-12-31T00:00:00Z', valid: false, message: expired });
    expect(() => m!.service.requireLicense(PRO)).toThrow(expired);
    expect(existsSync(join(m.dataDir, 'plugins', PRO, 'plugin.json'))).toBe(true);
    expect(m.db.prepare('SELECT value FROM plugin_kv WHERE key = ?').pluck().get(`plugin:${PRO}:alerts`)).toBe('[1]');

    // A renewed licence turns it back on.
    await m.service.setLicenseKey(BUILTIN_SOURCE_ID, PRO, sign({ expires: '2028-01-01T00:00:00Z' }));
    expect(m.registry.get(PRO)).toMatchObject({ enabled: true });
    expect(m.control.calls.filter((c) => c.startsWith('start'))).toContain(`start ${PRO}`);
  });
});
