// Builds the signed built-in catalog in resources/catalog/ from the plugin
// folders in resources/catalog-src/.
//
//   SWITCHBOARD_CATALOG_SIGNING_KEY=/path/to/key.pem node scripts/build-builtin-catalog.ts
//
// The private key never enters the repository. To rotate it (or if it is
// lost), run with `--new-key /path/outside/the/repo.pem`: that writes a new
// key there and prints the public key to paste into
// main/marketplace/builtin.ts (BUILTIN_CATALOG_PUBLIC_KEY); then build again.
// Archives are reproducible (sorted entries, fixed times and owners), so a
// rebuild without changes yields the same bytes and checksums.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { MAX_DOC_CHARS, type CatalogV1Document } from '../app/catalog.ts';
import { BUILTIN_CATALOG_PUBLIC_KEY } from '../main/marketplace/builtin.ts';
import { publicKeyBase64, signDetached, verifyDetached, parsePublicKey } from '../main/marketplace/signing.ts';
import { folderArchive } from './folder-archive.ts';

const ROOT = resolve(import.meta.dirname, '..');
const SOURCE = join(ROOT, 'resources', 'catalog-src');
const OUT = join(ROOT, 'resources', 'catalog');

const { values } = parseArgs({ options: { 'new-key': { type: 'string' } } });

if (values['new-key']) {
  const target = resolve(values['new-key']);
  if (!relative(ROOT, target).startsWith('..')) throw new Error('Keep the private key outside the repository.');
  if (existsSync(target)) throw new Error(`${target} exists; refusing to overwrite a key.`);
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  writeFileSync(target, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  console.log(`Wrote a new signing key to ${target}.\nPaste this into BUILTIN_CATALOG_PUBLIC_KEY in main/marketplace/builtin.ts:\n  ${publicKeyBase64(publicKey)}`);
  process.exit(0);
}

const keyPath = process.env.SWITCHBOARD_CATALOG_SIGNING_KEY;
if (!keyPath) throw new Error('Set SWITCHBOARD_CATALOG_SIGNING_KEY to the path of the ed25519 private key (PEM).');
const privateKey = createPrivateKey(readFileSync(keyPath));
if (publicKeyBase64(createPublicKey(privateKey)) !== BUILTIN_CATALOG_PUBLIC_KEY) {
  throw new Error('That key does not match BUILTIN_CATALOG_PUBLIC_KEY in main/marketplace/builtin.ts; the app would refuse the catalog.');
}

interface Listing {
  id: string;
  author: string;
  tier: 'free' | 'paid';
  tags: string[];
  license: string;
  minVersion: string;
}
const listing = JSON.parse(readFileSync(join(SOURCE, 'catalog.json'), 'utf8')) as { version: number; updatedAt: string; expires: string; plugins: Listing[] };

/** The plugin's README or CHANGELOG, embedded so the detail view shows it offline; refused past the catalog's limit. */
function embedded(folder: string, file: string, field: 'readme' | 'changelog'): { readme?: string; changelog?: string } {
  const path = join(folder, file);
  if (!existsSync(path)) return {};
  const text = readFileSync(path, 'utf8');
  if (text.length > MAX_DOC_CHARS) throw new Error(`${relative(ROOT, path)} is longer than ${MAX_DOC_CHARS} characters, the most a catalog entry may carry.`);
  return { [field]: text };
}

rmSync(join(OUT, 'archives'), { recursive: true, force: true });
mkdirSync(join(OUT, 'archives'), { recursive: true });
const plugins: CatalogV1Document['plugins'] = listing.plugins.map((item) => {
  const folder = join(SOURCE, item.id);
  const manifest = JSON.parse(readFileSync(join(folder, 'plugin.json'), 'utf8')) as { name: string; version: string; description: string; permissions: string[]; network?: { hosts?: string[] } };
  const archive = folderArchive(folder);
  const file = `archives/${item.id}-${manifest.version}.tgz`;
  writeFileSync(join(OUT, file), archive);
  return {
    id: item.id,
    name: manifest.name,
    description: manifest.description,
    version: manifest.version,
    author: item.author,
    tier: item.tier,
    downloadUrl: file,
    checksum: createHash('sha256').update(archive).digest('hex'),
    size: archive.length,
    permissions: manifest.permissions as CatalogV1Document['plugins'][number]['permissions'],
    ...(manifest.network?.hosts?.length ? { network: { hosts: manifest.network.hosts } } : {}),
    minVersion: item.minVersion,
    tags: item.tags,
    license: item.license,
    ...embedded(folder, 'README.md', 'readme'),
    ...embedded(folder, 'CHANGELOG.md', 'changelog'),
  };
});

const doc: CatalogV1Document = { version: listing.version, updatedAt: listing.updatedAt, expires: listing.expires, plugins };
const body = Buffer.from(`${JSON.stringify({ $schema: '../../schemas/catalog-v1.schema.json', ...doc }, null, 2)}\n`);
const signature = signDetached(body, privateKey);
if (!verifyDetached(body, Buffer.from(signature), parsePublicKey(BUILTIN_CATALOG_PUBLIC_KEY))) throw new Error('The new signature does not verify.');
writeFileSync(join(OUT, 'catalog.json'), body);
writeFileSync(join(OUT, 'catalog.json.sig'), `${signature}\n`);
console.log(`Built ${plugins.length} plugins into ${relative(ROOT, OUT)}/ and signed catalog.json.`);
