import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { CatalogV1, CatalogV2, catalogFormatOf, type CatalogV1Item, type CatalogV2Item } from '../../app/catalog.ts';
import { CATALOG_V2_PERMISSIONS } from '../../app/permissions.ts';
import { HubError } from '../errors.ts';
import { httpsGetBuffer, type FetchOptions } from './fetch.ts';

/** A Switchboard plugin as the Hub caches it: a format-2 entry whose archive the Hub keeps by its SHA-256. */
export interface SwitchboardPlugin {
  entry: Omit<CatalogV2Item, 'download_url'>;
}

const ajv = new Ajv({ allErrors: false, strict: false });
const validators = { 1: ajv.compile(CatalogV1), 2: ajv.compile(CatalogV2) } as const;
const V2_PERMISSIONS = new Set<string>(CATALOG_V2_PERMISSIONS);
export const MAX_CATALOG_BYTES = 32 * 1024 * 1024;
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;
const ID = /^[a-zA-Z0-9][a-zA-Z0-9._-]{0,127}$/;

const refuse = (reason: string) => new HubError(422, reason);

interface Normal {
  entry: SwitchboardPlugin['entry'];
  downloadUrl: string;
}

function fromV1(e: CatalogV1Item): Normal {
  return {
    entry: {
      id: e.id,
      name: e.name,
      version: e.version,
      author: e.author,
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.license !== undefined ? { license: e.license } : {}),
      ...(e.homepage !== undefined ? { homepage: e.homepage } : {}),
      ...(e.changelogUrl !== undefined ? { changelog_url: e.changelogUrl } : {}),
      checksum_sha256: e.checksum.toLowerCase(),
      size_bytes: e.size,
      permissions: e.permissions as CatalogV2Item['permissions'],
      tags: [...(e.tags ?? []), ...(e.tier === 'paid' ? ['paid'] : [])],
      ...(e.minVersion !== undefined ? { min_agor_version: e.minVersion } : {}),
    },
    downloadUrl: e.downloadUrl,
  };
}

function fromV2(e: CatalogV2Item): Normal {
  const { download_url: downloadUrl, ...entry } = e;
  return { entry: { ...entry, checksum_sha256: e.checksum_sha256.toLowerCase() }, downloadUrl };
}

/**
 * Fetches a Switchboard catalog (format 1 or 2), checks it against the
 * schema, and downloads every archive it lists into the Hub's own archive
 * store, checking size and SHA-256. Anything wrong refuses the whole sync,
 * so the last good copy stays what people see.
 */
export async function syncCatalog(
  url: string,
  archivesDir: string,
  options: Omit<FetchOptions, 'maxBytes'>,
): Promise<{ plugins: SwitchboardPlugin[]; skipped: { name: string; reason: string }[]; revision: string }> {
  const bytes = await httpsGetBuffer(url, { ...options, maxBytes: MAX_CATALOG_BYTES });
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw refuse(`The catalog is not valid JSON (${(err as Error).message}).`);
  }
  const format = catalogFormatOf(doc);
  const check = validators[format];
  if (!check(doc)) {
    const e = check.errors?.[0];
    throw refuse(`The catalog is not a valid format-${format} catalog: ${e?.instancePath || 'the top level'} ${e?.message ?? ''}`.trim());
  }
  const raw = (doc as { plugins: unknown[] }).plugins;
  const normal = raw.map((p) => (format === 1 ? fromV1(p as CatalogV1Item) : fromV2(p as CatalogV2Item)));
  const seen = new Set<string>();
  const plugins: SwitchboardPlugin[] = [];
  const skipped: { name: string; reason: string }[] = [];
  mkdirSync(archivesDir, { recursive: true });
  const origin = new URL(url).origin;
  for (const { entry, downloadUrl } of normal) {
    if (!ID.test(entry.id)) throw refuse(`The plugin id "${entry.id.slice(0, 80)}" is not valid.`);
    if (seen.has(entry.id)) throw refuse(`The plugin id "${entry.id}" is listed more than once.`);
    seen.add(entry.id);
    const extra = entry.permissions.filter((p) => !V2_PERMISSIONS.has(p));
    if (extra.length) {
      skipped.push({ name: entry.id, reason: `it asks for ${extra.join(', ')}, which format-2 catalogs cannot grant` });
      continue;
    }
    if (!downloadUrl) {
      skipped.push({ name: entry.id, reason: 'it is listed without an archive' });
      continue;
    }
    const archive = join(archivesDir, entry.checksum_sha256);
    if (!existsSync(archive)) {
      const from = new URL(downloadUrl, url);
      const body = await httpsGetBuffer(from.href, { ...options, token: from.origin === origin ? options.token : null, maxBytes: Math.min(entry.size_bytes, MAX_ARCHIVE_BYTES) });
      const sum = createHash('sha256').update(body).digest('hex');
      if (body.length !== entry.size_bytes || sum !== entry.checksum_sha256) {
        throw refuse(`The archive of "${entry.id}" does not match the size and SHA-256 its catalog declares.`);
      }
      writeFileSync(`${archive}.part`, body);
      renameSync(`${archive}.part`, archive);
    }
    plugins.push({ entry });
  }
  return { plugins, skipped, revision: createHash('sha256').update(bytes).digest('hex').slice(0, 16) };
}
