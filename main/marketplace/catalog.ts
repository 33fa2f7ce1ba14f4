import { isAbsolute, relative, resolve } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import semver from 'semver';
import {
  CatalogV1,
  CatalogV2,
  catalogFormatOf,
  type CatalogEntryData,
  type CatalogV1Item,
  type CatalogV2Item,
} from '../../app/catalog.ts';
import { AppError } from '../../app/contract/envelope.ts';
import type { Permission } from '../../app/permissions.ts';
import { isSafePluginId } from '../plugins/paths.ts';
import type { ArchiveLocation } from './download.ts';

/** A catalog entry plus what only main needs to download it. */
export interface MarketplaceEntry extends CatalogEntryData {
  location: ArchiveLocation | null;
  checksum: string;
}

export interface SkippedEntry {
  id: string | null;
  reason: string;
}

export interface ParsedCatalog {
  format: 1 | 2;
  /** The version a signed source must never see go down (v1 `version`, v2 `catalog_version`). */
  sequence: number | null;
  expires: string | null;
  updatedAt: string;
  entries: MarketplaceEntry[];
  skipped: SkippedEntry[];
}

export interface CatalogOrigin {
  sourceId: string;
  sourceName: string;
  verified: boolean;
  /** Remote: the catalog URL that relative download addresses resolve against. */
  url?: string;
  /** Built-in: the folder whose files the entries point at. */
  folder?: string;
}

const ajv = new Ajv({ allErrors: false, strict: false });
/** The top level is checked with `plugins` as a bare array so that entries are judged one by one. */
function envelope(schema: typeof CatalogV1 | typeof CatalogV2): ValidateFunction {
  const { $id: _id, ...rest } = schema;
  return ajv.compile({ ...rest, properties: { ...schema.properties, plugins: { type: 'array' } } });
}
const validators = {
  1: { top: envelope(CatalogV1), entry: ajv.compile(CatalogV1.properties.plugins.items) },
  2: { top: envelope(CatalogV2), entry: ajv.compile(CatalogV2.properties.plugins.items) },
} as const;

export const MAX_CATALOG_BYTES = 32 * 1024 * 1024;

function describe(errors: ErrorObject[] | null | undefined): string {
  const e = errors?.[0];
  if (!e) return 'it does not match the catalog schema';
  const field = e.instancePath.replace(/^\//, '').replace(/\//g, '.') || (e.params as { missingProperty?: string }).missingProperty || 'entry';
  if (e.keyword === 'required') return `"${(e.params as { missingProperty: string }).missingProperty}" is missing`;
  if (e.keyword === 'pattern' && /checksum/.test(field)) return `"${field}" must be a SHA-256 of 64 hex digits`;
  if (/^permissions\.\d+$/.test(field)) return `"${field}" is not a permission this catalog format allows`;
  if (e.keyword === 'additionalProperties') return `"${(e.params as { additionalProperty: string }).additionalProperty}" is not allowed`;
  return `"${field}" ${e.message ?? 'is invalid'}`;
}

/**
 * Turns catalog bytes into entries. A document that is not JSON or whose
 * top level is wrong is refused as a whole (the caller keeps the last good
 * copy); a bad entry is skipped with a reason and the rest still show.
 */
export function parseCatalog(bytes: Buffer, origin: CatalogOrigin, appVersion: string): ParsedCatalog {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new AppError('refused', `The catalog is not valid JSON (${(err as Error).message}).`);
  }
  const format = catalogFormatOf(doc);
  const check = validators[format];
  if (!check.top(doc)) throw new AppError('refused', `The catalog is not a valid format-${format} catalog: ${describe(check.top.errors)}.`);
  const top = doc as Record<string, unknown> & { plugins: unknown[] };
  const entries: MarketplaceEntry[] = [];
  const skipped: SkippedEntry[] = [];
  const seen = new Set<string>();
  for (const raw of top.plugins) {
    const rawId = raw && typeof raw === 'object' && typeof (raw as { id?: unknown }).id === 'string' ? (raw as { id: string }).id : null;
    if (!check.entry(raw)) {
      skipped.push({ id: rawId, reason: describe(check.entry.errors) });
      continue;
    }
    const result = format === 1 ? fromV1(raw as CatalogV1Item, origin, appVersion) : fromV2(raw as CatalogV2Item, origin, appVersion);
    if (typeof result === 'string') {
      skipped.push({ id: rawId, reason: result });
    } else if (seen.has(result.id)) {
      skipped.push({ id: rawId, reason: 'it is listed more than once in this catalog; the first listing is shown' });
    } else {
      seen.add(result.id);
      entries.push(result);
    }
  }
  return {
    format,
    sequence: format === 1 ? (top.version as number) : ((top.catalog_version as number | undefined) ?? null),
    expires: (top.expires as string | undefined) ?? null,
    updatedAt: String(format === 1 ? top.updatedAt : top.updated_at),
    entries,
    skipped,
  };
}

interface Common {
  id: string;
  version: string;
  minVersion: string | undefined;
  downloadUrl: string;
  checksum: string;
  size: number;
}

/** Checks shared by both formats; returns a reason string when the entry must be skipped. */
function common(c: Common, origin: CatalogOrigin, appVersion: string): { location: ArchiveLocation | null; unavailable: string | null } | string {
  if (!isSafePluginId(c.id)) return `the id "${c.id.slice(0, 80)}" may only hold letters, digits, ".", "_" and "-"`;
  if (!semver.valid(c.version)) return `the version "${c.version}" is not a semantic version (like 1.2.3)`;
  if (c.minVersion !== undefined && !semver.valid(c.minVersion)) return `the minimum app version "${c.minVersion}" is not a semantic version`;
  let unavailable: string | null = null;
  let location: ArchiveLocation | null = null;
  if (c.downloadUrl === '') {
    unavailable = 'Listed, not downloadable yet.';
  } else {
    if (!/^[0-9a-fA-F]{64}$/.test(c.checksum)) return 'it has a download address but no SHA-256 checksum';
    if (c.size <= 0) return 'it has a download address but no size';
    const resolved = resolveLocation(c.downloadUrl, origin);
    if (typeof resolved === 'string') unavailable = resolved;
    else location = resolved;
  }
  if (!unavailable && c.minVersion && semver.valid(appVersion) && semver.lt(appVersion, c.minVersion)) {
    unavailable = `Needs Switchboard ${c.minVersion} or newer; this is ${appVersion}.`;
  }
  return { location, unavailable };
}

function resolveLocation(downloadUrl: string, origin: CatalogOrigin): ArchiveLocation | string {
  if (origin.folder !== undefined) {
    const path = resolve(origin.folder, downloadUrl);
    const inside = relative(origin.folder, path);
    if (/^[a-z][a-z0-9+.-]*:/i.test(downloadUrl) || inside.startsWith('..') || isAbsolute(inside)) {
      return 'Its archive is not inside the built-in catalog folder.';
    }
    return { kind: 'bundled', path };
  }
  let url: URL;
  try {
    url = new URL(downloadUrl, origin.url);
  } catch {
    return 'Its download address is not a valid URL.';
  }
  if (url.protocol !== 'https:') return `Its download address uses ${url.protocol}// instead of https://, so it cannot be installed safely.`;
  return { kind: 'https', url: url.href };
}

function fromV1(e: CatalogV1Item, origin: CatalogOrigin, appVersion: string): MarketplaceEntry | string {
  const c = common({ id: e.id, version: e.version, minVersion: e.minVersion, downloadUrl: e.downloadUrl, checksum: e.checksum, size: e.size }, origin, appVersion);
  if (typeof c === 'string') return c;
  return {
    id: e.id,
    sourceId: origin.sourceId,
    sourceName: origin.sourceName,
    verified: origin.verified,
    name: e.name,
    description: e.description ?? '',
    version: e.version,
    author: e.author,
    tier: e.tier,
    tags: e.tags ?? [],
    permissions: e.permissions as Permission[],
    networkHosts: [...(e.network?.hosts ?? [])],
    size: e.size,
    license: e.license ?? null,
    homepage: e.homepage ?? null,
    repository: null,
    changelogUrl: e.changelogUrl ?? null,
    readme: e.readme ?? null,
    changelog: e.changelog ?? null,
    minAppVersion: e.minVersion ?? null,
    downloads: null,
    rating: null,
    unavailableReason: c.unavailable,
    location: c.location,
    checksum: e.checksum.toLowerCase(),
  };
}

function fromV2(e: CatalogV2Item, origin: CatalogOrigin, appVersion: string): MarketplaceEntry | string {
  const c = common(
    { id: e.id, version: e.version, minVersion: e.min_agor_version, downloadUrl: e.download_url, checksum: e.checksum_sha256, size: e.size_bytes },
    origin,
    appVersion,
  );
  if (typeof c === 'string') return c;
  const tags = e.tags ?? [];
  return {
    id: e.id,
    sourceId: origin.sourceId,
    sourceName: origin.sourceName,
    verified: origin.verified,
    name: e.name,
    description: e.description ?? '',
    version: e.version,
    author: e.author,
    tier: tags.includes('paid') ? 'paid' : 'free',
    tags: tags.filter((t) => t !== 'paid' && t !== 'free'),
    permissions: e.permissions as Permission[],
    // Format 2 has no network permission, so it names no hosts.
    networkHosts: [],
    size: e.size_bytes,
    license: e.license ?? null,
    homepage: e.homepage ?? null,
    repository: e.repository ?? null,
    changelogUrl: e.changelog_url ?? null,
    readme: null,
    changelog: null,
    minAppVersion: e.min_agor_version ?? null,
    downloads: e.downloads ?? null,
    rating: e.rating ?? null,
    unavailableReason: c.unavailable,
    location: c.location,
    checksum: e.checksum_sha256.toLowerCase(),
  };
}

/** What the window gets: everything but the download details. */
export function publicEntry(entry: MarketplaceEntry): CatalogEntryData {
  const { location: _location, checksum: _checksum, ...rest } = entry;
  return rest;
}
