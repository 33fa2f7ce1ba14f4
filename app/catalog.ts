import { Type, type Static } from '@sinclair/typebox';
import { CATALOG_V2_PERMISSIONS, PERMISSIONS } from './permissions.ts';

/**
 * The two catalog formats a source may serve, as JSON Schema (TypeBox).
 * `schemas/catalog-v1.schema.json` and `schemas/catalog-v2.schema.json` are
 * these objects written out; a test keeps them identical, so plugin authors
 * get editor help from exactly what main validates with.
 *
 * Main validates the top level first and then each plugin entry on its own,
 * so one bad entry is skipped with a reason instead of hiding the catalog.
 */

const Sha256Hex = Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the archive, 64 hex digits' });
const Url = Type.String({ maxLength: 2048 });
const Tags = Type.Array(Type.String({ minLength: 1, maxLength: 40 }), { maxItems: 30 });
/** The longest README or changelog a format-1 entry may carry: 64 KB of text. */
export const MAX_DOC_CHARS = 64 * 1024;
const Expires = Type.String({
  minLength: 1,
  description: 'ISO 8601 time after which the catalog is refused. Required when the source is signed.',
});

export const CatalogV1Entry = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    version: Type.String({ minLength: 1, maxLength: 64, description: 'Semantic version of the plugin' }),
    author: Type.String({ minLength: 1, maxLength: 120 }),
    tier: Type.Union([Type.Literal('free'), Type.Literal('paid')]),
    downloadUrl: Url,
    checksum: Sha256Hex,
    size: Type.Integer({ minimum: 1, description: 'Archive size in bytes; a longer download is refused' }),
    permissions: Type.Array(Type.Union(PERMISSIONS.map((p) => Type.Literal(p))), { uniqueItems: true }),
    network: Type.Optional(
      Type.Object(
        { hosts: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), { maxItems: 20, uniqueItems: true, description: 'The hosts its network permission reaches, as its plugin.json lists them' }) },
        { additionalProperties: false },
      ),
    ),
    minVersion: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'Lowest Switchboard version it runs on' })),
    tags: Type.Optional(Tags),
    license: Type.Optional(Type.String({ maxLength: 120 })),
    homepage: Type.Optional(Url),
    changelogUrl: Type.Optional(Url),
    readme: Type.Optional(Type.String({ maxLength: MAX_DOC_CHARS, description: 'The plugin\'s README as Markdown; shown sanitized (no raw HTML, http(s) links only)' })),
    changelog: Type.Optional(Type.String({ maxLength: MAX_DOC_CHARS, description: 'The plugin\'s changelog as Markdown, newest version first' })),
  },
  { title: 'Switchboard catalog entry (format 1)' },
);

export const CatalogV1 = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'Catalog version; a signed source refuses a lower one than it has seen' }),
    updatedAt: Type.String({ minLength: 1 }),
    expires: Type.Optional(Expires),
    plugins: Type.Array(CatalogV1Entry),
  },
  {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://switchboard.invalid/schemas/catalog-v1.schema.json', title: 'Switchboard plugin catalog, format 1' },
);

export const CatalogV2Entry = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 128 }),
    name: Type.String({ minLength: 1, maxLength: 120 }),
    version: Type.String({ minLength: 1, maxLength: 64 }),
    author: Type.String({ minLength: 1, maxLength: 120 }),
    description: Type.Optional(Type.String({ maxLength: 5000 })),
    license: Type.Optional(Type.String({ maxLength: 120 })),
    homepage: Type.Optional(Url),
    repository: Type.Optional(Url),
    changelog_url: Type.Optional(Url),
    download_url: Type.String({ maxLength: 2048, description: 'Empty: listed, not downloadable yet' }),
    checksum_sha256: Type.String({ pattern: '^([0-9a-fA-F]{64})?$' }),
    size_bytes: Type.Integer({ minimum: 0 }),
    permissions: Type.Array(Type.Union(CATALOG_V2_PERMISSIONS.map((p) => Type.Literal(p))), { uniqueItems: true }),
    tags: Type.Optional(Tags),
    min_agor_version: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    downloads: Type.Optional(Type.Integer({ minimum: 0 })),
    rating: Type.Optional(Type.Number({ minimum: 0, maximum: 5 })),
    created_at: Type.Optional(Type.String()),
    updated_at: Type.Optional(Type.String()),
  },
  { title: 'Switchboard catalog entry (format 2); the tier is a "free" or "paid" tag' },
);

export const CatalogV2 = Type.Object(
  {
    version: Type.Literal(2),
    updated_at: Type.String({ minLength: 1 }),
    catalog_version: Type.Optional(Type.Integer({ minimum: 1, description: 'Required when signed; never goes down' })),
    expires: Type.Optional(Expires),
    plugins: Type.Array(CatalogV2Entry),
  },
  {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://switchboard.invalid/schemas/catalog-v2.schema.json', title: 'Switchboard plugin catalog, format 2' },
);

export type CatalogV1Document = Static<typeof CatalogV1>;
export type CatalogV1Item = Static<typeof CatalogV1Entry>;
export type CatalogV2Item = Static<typeof CatalogV2Entry>;

/** Which format a parsed document claims to be: format 2 says `version: 2` and spells `updated_at`. */
export function catalogFormatOf(doc: unknown): 1 | 2 {
  const d = doc as Record<string, unknown> | null;
  return d && typeof d === 'object' && d.version === 2 && 'updated_at' in d && !('updatedAt' in d) ? 2 : 1;
}

export const Tier = Type.Union([Type.Literal('free'), Type.Literal('paid')]);

/** One plugin as a source lists it, whatever format the source uses. */
export const CatalogEntry = Type.Object({
  id: Type.String(),
  sourceId: Type.String(),
  sourceName: Type.String(),
  /** The source's catalog signature was checked against its public key. */
  verified: Type.Boolean(),
  name: Type.String(),
  description: Type.String(),
  version: Type.String(),
  author: Type.String(),
  tier: Tier,
  tags: Type.Array(Type.String()),
  permissions: Type.Array(Type.Union(PERMISSIONS.map((p) => Type.Literal(p)))),
  /** Where its `network` permission sends data; the consent dialog names these hosts. */
  networkHosts: Type.Array(Type.String()),
  size: Type.Integer(),
  license: Type.Union([Type.String(), Type.Null()]),
  homepage: Type.Union([Type.String(), Type.Null()]),
  repository: Type.Union([Type.String(), Type.Null()]),
  changelogUrl: Type.Union([Type.String(), Type.Null()]),
  /** README and changelog as Markdown, from format 1; null when the catalog has none (format 2 never does). */
  readme: Type.Union([Type.String(), Type.Null()]),
  changelog: Type.Union([Type.String(), Type.Null()]),
  minAppVersion: Type.Union([Type.String(), Type.Null()]),
  downloads: Type.Union([Type.Integer(), Type.Null()]),
  rating: Type.Union([Type.Number(), Type.Null()]),
  /** Why it cannot be installed here (not downloadable yet, needs a newer app, not https); null when it can. */
  unavailableReason: Type.Union([Type.String(), Type.Null()]),
});

export type CatalogEntryData = Static<typeof CatalogEntry>;
