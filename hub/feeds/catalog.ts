import { createHash } from 'node:crypto';
import type { CatalogV2Item } from '../../app/catalog.ts';
import type { Caller } from '../people/people.ts';
import type { HubDb } from '../storage/db.ts';
import type { SourcePlugin } from '../sources/sources.ts';
import type { Grants } from './grants.ts';
import type { HubKey } from './signing.ts';

/** How long a signed catalog is good for, and how close to its expiry the Hub signs a fresh one. */
export const CATALOG_VALIDITY_MS = 7 * 24 * 3600_000;
const RESIGN_BEFORE_MS = 3 * 24 * 3600_000;
const SEMVER = /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

export interface SignedCatalog {
  body: Buffer;
  signature: string;
  etag: string;
  version: number;
}

/** A Claude Code plugin in a Switchboard catalog: its own kind, listed, and not installable as a Switchboard plugin. */
function claudeEntry(p: SourcePlugin, origin: string): CatalogV2Item & { kind: string } {
  const d = p.data as { pluginName: string; description: string; version: string | null; author: string | null };
  return {
    id: `claude-code.${p.slug}.${p.name}`,
    kind: 'claude-code-plugin',
    name: d.pluginName,
    version: d.version && SEMVER.test(d.version) ? d.version : '0.0.0',
    author: d.author || p.slug,
    description: `${d.description ? `${d.description} ` : ''}(A Claude Code plugin: add the Hub's marketplace to Claude Code to install it.)`.trim(),
    repository: `${origin}/marketplace.git`,
    download_url: '',
    checksum_sha256: '',
    size_bytes: 0,
    permissions: [],
    tags: ['claude-code'],
  };
}

function switchboardEntry(p: SourcePlugin, origin: string): CatalogV2Item & { kind: string } {
  const entry = p.data as unknown as Omit<CatalogV2Item, 'download_url'>;
  return { ...entry, kind: 'switchboard-plugin', download_url: `${origin}/archives/${entry.checksum_sha256}.tgz` };
}

/** The entries of one view. A Switchboard plugin id offered by two sources is listed once, from the first source by name. */
export function catalogEntries(view: readonly SourcePlugin[], origin: string): (CatalogV2Item & { kind: string })[] {
  const seen = new Set<string>();
  const out: (CatalogV2Item & { kind: string })[] = [];
  for (const p of view) {
    const entry = p.kind === 'claude-code' ? claudeEntry(p, origin) : switchboardEntry(p, origin);
    if (seen.has(entry.id)) continue;
    seen.add(entry.id);
    out.push(entry);
  }
  return out;
}

/**
 * One signed format-2 catalog per caller. Its version never goes down: each
 * caller has a row holding the hash of what they were last shown, and a new
 * hash (or an expiry coming close) takes the version one up. The body is a
 * pure function of that row and the view, so every Hub instance serves the
 * same bytes, the same signature and the same ETag.
 */
export class CatalogFeed {
  readonly #db: HubDb;
  readonly #grants: Grants;
  readonly #key: HubKey;
  readonly #now: () => Date;
  readonly #bodies = new Map<string, SignedCatalog>();
  /** Entries by generation, group set and origin; the per-caller version rows by caller, generation and content. */
  #entries = new Map<string, { plugins: string; hash: string }>();
  #rows = new Map<string, { version: number; signed_at: string; expires_at: string; resignAt: number }>();
  #generation = '';

  constructor(db: HubDb, grants: Grants, key: HubKey, now: () => Date) {
    this.#db = db;
    this.#grants = grants;
    this.#key = key;
    this.#now = now;
  }

  async for(caller: Caller, origin: string): Promise<SignedCatalog> {
    if (caller.generation !== this.#generation) {
      this.#generation = caller.generation;
      this.#entries = new Map();
      this.#rows = new Map();
    }
    const entriesKey = `${caller.groupIds.join(',')}|${origin}`;
    let listed = this.#entries.get(entriesKey);
    if (!listed) {
      const plugins = JSON.stringify(catalogEntries(await this.#grants.view(caller), origin));
      listed = { plugins, hash: createHash('sha256').update(plugins).digest('hex') };
      this.#entries.set(entriesKey, listed);
    }
    const { plugins, hash } = listed;
    // Within one generation a caller's version changes only when its expiry comes close, and that goes through the database.
    const rowKey = `${caller.userId}|${hash}`;
    let row = this.#rows.get(rowKey);
    if (!row || this.#now().getTime() > row.resignAt) {
      const fresh = await this.#row(caller.userId, hash);
      row = { ...fresh, resignAt: Date.parse(fresh.expires_at) - RESIGN_BEFORE_MS };
      if (this.#rows.size > 50_000) this.#rows.clear();
      this.#rows.set(rowKey, row);
    }
    const cacheKey = `${caller.userId}:${row.version}:${hash}`;
    const cached = this.#bodies.get(cacheKey);
    if (cached) return cached;
    const body = Buffer.from(
      `{"version":2,"updated_at":${JSON.stringify(row.signed_at)},"catalog_version":${row.version},"expires":${JSON.stringify(row.expires_at)},"plugins":${plugins}}\n`,
    );
    const signed: SignedCatalog = {
      body,
      signature: this.#key.sign(body),
      etag: `"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`,
      version: row.version,
    };
    if (this.#bodies.size > 10_000) this.#bodies.clear();
    this.#bodies.set(cacheKey, signed);
    return signed;
  }

  async #row(userId: string, hash: string): Promise<{ version: number; signed_at: string; expires_at: string }> {
    const now = this.#now();
    const read = () => this.#db.get<{ content_hash: string; version: number; signed_at: string; expires_at: string }>('SELECT * FROM catalog_views WHERE user_id = ?', [userId]);
    let row = await read();
    const stale = (r: NonNullable<typeof row>) => r.content_hash !== hash || Date.parse(r.expires_at) - now.getTime() < RESIGN_BEFORE_MS;
    if (!row || stale(row)) {
      const signedAt = now.toISOString();
      const expires = new Date(now.getTime() + CATALOG_VALIDITY_MS).toISOString();
      if (!row) {
        await this.#db.run('INSERT INTO catalog_views (user_id, content_hash, version, signed_at, expires_at) VALUES (?, ?, 1, ?, ?) ON CONFLICT (user_id) DO NOTHING', [
          userId,
          hash,
          signedAt,
          expires,
        ]);
      } else {
        // Conditional on the version read, so two instances racing take it up once, not twice.
        await this.#db.run('UPDATE catalog_views SET content_hash = ?, version = version + 1, signed_at = ?, expires_at = ? WHERE user_id = ? AND version = ?', [
          hash,
          signedAt,
          expires,
          userId,
          row.version,
        ]);
      }
      row = (await read())!;
    }
    return { version: Number(row.version), signed_at: row.signed_at, expires_at: row.expires_at };
  }
}
