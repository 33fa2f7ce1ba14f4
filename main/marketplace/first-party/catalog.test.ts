import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalizeManifest, type RawPluginManifest } from '../../../app/manifest.ts';
import { folderArchive } from '../../../scripts/folder-archive.ts';
import { API_USES, runtimeRules } from '../../../scripts/plugin-kit.ts';
import { DEFAULT_BUILTIN_CATALOG_DIR } from '../builtin.ts';
import { sha256 } from '../testing/archives.ts';

const SOURCE = join(DEFAULT_BUILTIN_CATALOG_DIR, '..', 'catalog-src');
const listing = JSON.parse(readFileSync(join(SOURCE, 'catalog.json'), 'utf8')) as { plugins: { id: string; tags: string[] }[] };
const built = JSON.parse(readFileSync(join(DEFAULT_BUILTIN_CATALOG_DIR, 'catalog.json'), 'utf8')) as { plugins: { id: string; version: string; checksum: string; permissions: string[] }[] };
const folders = readdirSync(SOURCE).filter((name) => statSync(join(SOURCE, name)).isDirectory()).sort();

function manifestOf(id: string) {
  const raw = JSON.parse(readFileSync(join(SOURCE, id, 'plugin.json'), 'utf8')) as RawPluginManifest;
  const manifest = normalizeManifest(raw);
  if ('error' in manifest) throw new Error(`${id}: ${manifest.error}`);
  return manifest;
}

describe('the first-party plugins in resources/catalog-src', () => {
  it('are each listed in the catalog, and the signed catalog was built from exactly these folders', () => {
    expect(listing.plugins.map((p) => p.id).sort()).toEqual(folders);
    for (const id of folders) {
      const entry = built.plugins.find((p) => p.id === id);
      expect(entry, `${id} is missing from resources/catalog; run scripts/build-builtin-catalog.ts`).toBeDefined();
      const manifest = manifestOf(id);
      expect({ id, version: entry!.version, checksum: entry!.checksum }, `${id} changed since the catalog was built; run scripts/build-builtin-catalog.ts`).toEqual({
        id,
        version: manifest.version,
        checksum: sha256(folderArchive(join(SOURCE, id))),
      });
    }
  });

  it('ask for exactly the permissions their scripts use, and pass the author kit\'s runtime rules', () => {
    for (const id of folders) {
      const manifest = manifestOf(id);
      const script = readFileSync(join(SOURCE, id, manifest.entry), 'utf8');
      const used = [...new Set(API_USES.filter(([pattern]) => pattern.test(script)).map(([, permission]) => permission))].sort();
      expect({ id, permissions: [...manifest.permissions, ...manifest.optionalPermissions].sort() }).toEqual({ id, permissions: used });
      expect({ id, ...runtimeRules(manifest, script) }).toEqual({ id, errors: [], warnings: [] });
    }
  });

  it('have a description, tags, a README, a changelog entry for their version, and settings with limits', () => {
    for (const id of folders) {
      const manifest = manifestOf(id);
      expect(manifest.description.length, id).toBeGreaterThan(20);
      expect(listing.plugins.find((p) => p.id === id)!.tags.length, id).toBeGreaterThan(0);
      expect(existsSync(join(SOURCE, id, 'README.md')), `${id}/README.md`).toBe(true);
      expect(readFileSync(join(SOURCE, id, 'README.md'), 'utf8').startsWith(`# ${manifest.name}\n`), `${id}/README.md starts with its name`).toBe(true);
      const changelog = readFileSync(join(SOURCE, id, 'CHANGELOG.md'), 'utf8');
      expect(/^## (\S+)/m.exec(changelog)?.[1], `${id}: the newest CHANGELOG.md entry is its version`).toBe(manifest.version);
      expect(manifest.uiSchema.length, `${id} has settings`).toBeGreaterThan(0);
      for (const field of manifest.uiSchema) {
        if (field.type === 'number') expect([field.min, field.max].every((n) => typeof n === 'number'), `${id}.${field.key} has a range`).toBe(true);
        if (field.type === 'text' || field.type === 'textarea') expect(typeof field.max, `${id}.${field.key} has a longest length`).toBe('number');
      }
    }
  });
});
