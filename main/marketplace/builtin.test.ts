import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, describe, expect, it } from 'vitest';
import { PluginManifestSchema } from '../../app/manifest.ts';
import { BUILTIN_CATALOG_PUBLIC_KEY, BUILTIN_SOURCE_ID, DEFAULT_BUILTIN_CATALOG_DIR } from './builtin.ts';
import { signLicense } from './license.ts';
import { licenseSecretName } from './service.ts';
import { parsePublicKey, publicKeyBase64, verifyDetached } from './signing.ts';
import { sha256 } from './testing/archives.ts';
import { marketplaceFixture, treeDigest, type MarketplaceFixture } from './testing/fixture.ts';

const catalog = readFileSync(join(DEFAULT_BUILTIN_CATALOG_DIR, 'catalog.json'));
const doc = JSON.parse(catalog.toString('utf8')) as { plugins: { id: string; tier: string; downloadUrl: string; checksum: string; size: number; permissions: string[] }[] };

let m: MarketplaceFixture | undefined;
afterEach(() => m?.close());

describe('the shipped built-in catalog', () => {
  it('is signed with the key committed in the code', () => {
    const signature = readFileSync(join(DEFAULT_BUILTIN_CATALOG_DIR, 'catalog.json.sig'));
    expect(verifyDetached(catalog, signature, parsePublicKey(BUILTIN_CATALOG_PUBLIC_KEY))).toBe(true);
    const tampered = Buffer.from(catalog.toString('utf8').replace('"free"', '"paid"'));
    expect(verifyDetached(tampered, signature, parsePublicKey(BUILTIN_CATALOG_PUBLIC_KEY))).toBe(false);
  });

  it('lists archives whose sizes and checksums match the files', () => {
    expect(doc.plugins.length).toBeGreaterThan(0);
    for (const plugin of doc.plugins) {
      const archive = readFileSync(join(DEFAULT_BUILTIN_CATALOG_DIR, plugin.downloadUrl));
      expect({ id: plugin.id, size: archive.length, checksum: sha256(archive) }).toEqual({ id: plugin.id, size: plugin.size, checksum: plugin.checksum });
    }
  });

  it('has plugins whose manifests the plugin runtime accepts', () => {
    const validate = new Ajv({ strict: false }).compile(PluginManifestSchema);
    for (const plugin of doc.plugins) {
      const manifest = JSON.parse(readFileSync(join(DEFAULT_BUILTIN_CATALOG_DIR, '..', 'catalog-src', plugin.id, 'plugin.json'), 'utf8'));
      expect(validate(manifest), `${plugin.id}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it('installs every plugin offline, verified, the Pro ones with a licence', async () => {
    const licenseKeys = generateKeyPairSync('ed25519');
    m = marketplaceFixture({ builtinDir: DEFAULT_BUILTIN_CATALOG_DIR, appVersion: '0.1.0', licensePublicKey: publicKeyBase64(licenseKeys.publicKey) });
    const view = await m.service.fetchCatalog();
    expect(view.sources).toEqual([expect.objectContaining({ id: BUILTIN_SOURCE_ID, verified: true, error: null, skipped: [] })]);
    const pro = doc.plugins.filter((p) => p.tier === 'paid');
    if (pro.length > 0) {
      await m.service.setLicenseKey(BUILTIN_SOURCE_ID, pro[0]!.id, signLicense({ licensee: 'Example Team', plugins: '*', expires: '2099-01-01T00:00:00Z' }, licenseKeys.privateKey));
    }
    for (const plugin of doc.plugins) {
      await m.service.install(plugin.id, BUILTIN_SOURCE_ID, plugin.permissions as never);
    }
    expect((await m.service.listInstalled()).map((p) => p.id).sort()).toEqual(doc.plugins.map((p) => p.id).sort());
    for (const plugin of pro) {
      m.secrets.delete(licenseSecretName(BUILTIN_SOURCE_ID, plugin.id));
      expect(m.service.licenseStatus(plugin.id)).toMatchObject({ valid: false });
    }
  });

  it('is refused as a whole when its folder was tampered with', async () => {
    const copy = mkdtempSync(join(tmpdir(), 'switchboard-builtin-'));
    cpSync(DEFAULT_BUILTIN_CATALOG_DIR, copy, { recursive: true });
    writeFileSync(join(copy, 'catalog.json'), catalog.toString('utf8').replace('"description": "', '"description": "!'));
    m = marketplaceFixture({ builtinDir: copy });
    const before = treeDigest(m.dataDir);
    const view = await m.service.fetchCatalog();
    expect(view.entries).toEqual([]);
    expect(view.sources[0]!.error).toBe('The built-in catalog does not match its signature; reinstall Switchboard.');
    expect(treeDigest(m.dataDir)).toBe(before);
    rmSync(copy, { recursive: true, force: true });
  });
});
