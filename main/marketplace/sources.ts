import { randomBytes, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError, fieldError } from '../../app/contract/envelope.ts';
import { tooLongWords } from '../../app/contract/fields.ts';
import { SOURCE_NAME_EMPTY, SOURCE_NAME_MAX } from '../../app/contract/marketplace.ts';
import type { AuditLog } from '../audit/audit.ts';
import type { Logger } from '../log/logger.ts';
import type { SecretsManager } from '../secrets/secrets.ts';
import { BUILTIN_CATALOG_PUBLIC_KEY, BUILTIN_SOURCE_ID, BUILTIN_SOURCE_NAME } from './builtin.ts';
import { MAX_CATALOG_BYTES, parseCatalog, type MarketplaceEntry, type ParsedCatalog, type SkippedEntry } from './catalog.ts';
import { httpsGet, httpsOnly } from './download.ts';
import type { HttpFetch } from './http.ts';
import { parsePublicKey, publicKeyBase64, verifyDetached } from './signing.ts';
import type { MarketplaceStore, SourceRow } from './store.ts';

export interface SourceInfo {
  id: string;
  name: string;
  url: string;
  builtin: boolean;
  /** Base64 of the raw ed25519 key, or null for an unverified source. */
  publicKey: string | null;
  hasToken: boolean;
}

export interface SourceStatus extends SourceInfo {
  /** The shown copy's signature was checked. */
  verified: boolean;
  /** When the shown copy was last confirmed by the server; null if never. */
  lastUpdated: string | null;
  /** This source's own problem; the other sources are unaffected. */
  error: string | null;
  /** True when an older copy is shown because the newest fetch failed. */
  stale: boolean;
  entryCount: number;
  skipped: SkippedEntry[];
}

export interface SourceInput {
  name: string;
  url: string;
  token?: string | null;
  publicKey?: string | null;
}

export interface LoadedSource {
  status: SourceStatus;
  entries: MarketplaceEntry[];
}

export interface CatalogSourcesDeps {
  store: MarketplaceStore;
  secrets: SecretsManager;
  audit: AuditLog;
  log: Logger;
  fetch: HttpFetch;
  appVersion: string;
  builtinDir: string | null;
  refreshMinutes: () => number;
  now: () => Date;
  /** Per request (headers and body). */
  timeoutMs: number;
}

export const tokenSecretName = (sourceId: string) => `marketplace:source:${sourceId}:token`;

/**
 * The catalogs the user reads from: the signed built-in one, and any number
 * of HTTPS sources with an optional bearer token (kept in the keyring) and
 * an optional ed25519 key. Each source is fetched, cached and judged on its
 * own, so one failing source only ever shows its own error.
 */
export class CatalogSources {
  readonly #d: CatalogSourcesDeps;

  constructor(deps: CatalogSourcesDeps) {
    this.#d = deps;
  }

  list(): SourceInfo[] {
    const remote = this.#d.store.sources().map((s) => this.#info(s));
    return this.#d.builtinDir ? [this.#builtinInfo(), ...remote] : remote;
  }

  add(input: SourceInput): SourceInfo {
    const clean = this.#validate(input);
    const id = `src-${randomBytes(5).toString('hex')}`;
    const token = input.token?.trim();
    if (token) this.#d.secrets.store(tokenSecretName(id), token, 'app');
    try {
      this.#d.store.addSource({ id, name: clean.name, url: clean.url, publicKey: clean.publicKey, hasToken: Boolean(token) });
    } catch (err) {
      if (token) this.#d.secrets.delete(tokenSecretName(id), 'app');
      throw err;
    }
    this.#d.audit.append('source_added', 'user', id, { name: clean.name, url: clean.url, signed: clean.publicKey !== null, token: Boolean(token) });
    return this.#info(this.#d.store.source(id)!);
  }

  /** `token`: a string replaces it, null removes it, undefined keeps it. Same for `publicKey`. */
  edit(id: string, input: Partial<SourceInput>): SourceInfo {
    const before = this.#remote(id);
    const merged: SourceInput = {
      name: input.name ?? before.name,
      url: input.url ?? before.url,
      publicKey: input.publicKey === undefined ? before.publicKey : input.publicKey,
    };
    const clean = this.#validate(merged);
    // Credentials were given for one server: a new origin must not receive them.
    const movedOrigin = new URL(clean.url).origin !== new URL(before.url).origin;
    const newToken = input.token?.trim() || null;
    let hasToken = before.hasToken;
    if (newToken) {
      this.#d.secrets.store(tokenSecretName(id), newToken, 'app');
      hasToken = true;
    } else if ((input.token !== undefined || movedOrigin) && before.hasToken) {
      hasToken = false;
    }
    const resetCache = clean.url !== before.url || clean.publicKey !== before.publicKey;
    this.#d.store.editSource(id, { name: clean.name, url: clean.url, publicKey: clean.publicKey, hasToken }, resetCache);
    // The row no longer points at the old credentials, so a failure from here on cannot leak them.
    if (before.hasToken && !hasToken) this.#d.secrets.delete(tokenSecretName(id), 'app');
    const droppedLicenses = movedOrigin ? this.#deleteLicenseKeys(id) : 0;
    const changed = [
      ...(clean.name !== before.name ? ['name'] : []),
      ...(clean.url !== before.url ? ['url'] : []),
      ...(clean.publicKey !== before.publicKey ? ['publicKey'] : []),
      ...(input.token !== undefined || hasToken !== before.hasToken ? ['token'] : []),
    ];
    this.#d.audit.append('source_updated', 'user', id, {
      changed,
      url: clean.url,
      signed: clean.publicKey !== null,
      token: hasToken,
      ...(movedOrigin ? { credentialsDropped: { token: before.hasToken && !newToken, licenseKeys: droppedLicenses } } : {}),
    });
    return this.#info(this.#d.store.source(id)!);
  }

  remove(id: string): void {
    const before = this.#remote(id);
    this.#d.store.removeSource(id);
    if (before.hasToken) this.#d.secrets.delete(tokenSecretName(id), 'app');
    // License keys bought through this source are useless without it (a re-added source gets a new id).
    this.#deleteLicenseKeys(id);
    this.#d.audit.append('source_removed', 'user', id, { name: before.name, url: before.url });
  }

  #deleteLicenseKeys(id: string): number {
    let count = 0;
    for (const secret of this.#d.secrets.list()) {
      if (secret.name.startsWith(`marketplace:license:${id}:`)) {
        this.#d.secrets.delete(secret.name, 'app');
        count++;
      }
    }
    return count;
  }

  name(id: string): string | null {
    if (id === BUILTIN_SOURCE_ID && this.#d.builtinDir) return BUILTIN_SOURCE_NAME;
    return this.#d.store.source(id)?.name ?? null;
  }

  /** Bearer token for requests to this source's own origin. */
  token(id: string): string | null {
    const row = this.#d.store.source(id);
    return row?.hasToken ? this.#d.secrets.get(tokenSecretName(id)) : null;
  }

  url(id: string): string | null {
    return this.#d.store.source(id)?.url ?? null;
  }

  /** The built-in catalog, read and verified now (it ships with the app, so nothing is fetched); null when the app has none. */
  builtin(): LoadedSource | null {
    return this.#d.builtinDir ? this.#loadBuiltin(this.#d.builtinDir) : null;
  }

  async load(refresh: boolean): Promise<LoadedSource[]> {
    const tasks: Promise<LoadedSource>[] = [];
    if (this.#d.builtinDir) tasks.push(Promise.resolve(this.#loadBuiltin(this.#d.builtinDir)));
    for (const row of this.#d.store.sources()) tasks.push(this.#loadRemote(row, refresh));
    return Promise.all(tasks);
  }

  #validate(input: SourceInput): { name: string; url: string; publicKey: string | null } {
    const name = input.name.trim();
    if (!name) throw fieldError('name', SOURCE_NAME_EMPTY);
    if (name.length > SOURCE_NAME_MAX) throw fieldError('name', tooLongWords(SOURCE_NAME_MAX));
    let url: URL;
    try {
      url = httpsOnly(input.url.trim(), 'The catalog address');
    } catch (err) {
      throw fieldError('url', (err as Error).message);
    }
    if (url.username || url.password) throw fieldError('url', 'Put credentials in the token field, not in the address.');
    let publicKey: string | null = null;
    try {
      publicKey = input.publicKey?.trim() ? publicKeyBase64(parsePublicKey(input.publicKey)) : null;
    } catch (err) {
      throw fieldError('publicKey', (err as Error).message);
    }
    return { name, url: url.href, publicKey };
  }

  #remote(id: string): SourceRow {
    if (id === BUILTIN_SOURCE_ID) throw new AppError('conflict', 'The built-in catalog is part of Switchboard and cannot be changed or removed.');
    const row = this.#d.store.source(id);
    if (!row) throw new AppError('not_found', 'That catalog source no longer exists.');
    return row;
  }

  #info(row: SourceRow): SourceInfo {
    return { id: row.id, name: row.name, url: row.url, builtin: false, publicKey: row.publicKey, hasToken: row.hasToken };
  }

  #builtinInfo(): SourceInfo {
    return { id: BUILTIN_SOURCE_ID, name: BUILTIN_SOURCE_NAME, url: 'built-in', builtin: true, publicKey: BUILTIN_CATALOG_PUBLIC_KEY, hasToken: false };
  }

  /**
   * The built-in catalog ships inside the app, so it is always "fresh"; its
   * signature is still checked so a tampered install folder shows up.
   * Expiry is not enforced for it: it guards against a server replaying an
   * old catalog, which cannot happen to files that came with the app.
   */
  #loadBuiltin(folder: string): LoadedSource {
    const status: SourceStatus = { ...this.#builtinInfo(), verified: false, lastUpdated: null, error: null, stale: false, entryCount: 0, skipped: [] };
    try {
      const body = readFileSync(join(folder, 'catalog.json'));
      const signature = readFileSync(join(folder, 'catalog.json.sig'));
      if (!verifyDetached(body, signature, parsePublicKey(BUILTIN_CATALOG_PUBLIC_KEY))) {
        throw new AppError('refused', 'The built-in catalog does not match its signature; reinstall Switchboard.');
      }
      const parsed = parseCatalog(body, { sourceId: BUILTIN_SOURCE_ID, sourceName: BUILTIN_SOURCE_NAME, verified: true, folder }, this.#d.appVersion);
      return { status: { ...status, verified: true, lastUpdated: parsed.updatedAt, entryCount: parsed.entries.length, skipped: parsed.skipped }, entries: parsed.entries };
    } catch (err) {
      this.#d.log.warn(`marketplace: built-in catalog unusable: ${(err as Error).message}`);
      return { status: { ...status, error: errorText(err) }, entries: [] };
    }
  }

  async #loadRemote(row: SourceRow, refresh: boolean): Promise<LoadedSource> {
    const ttl = this.#d.refreshMinutes() * 60_000;
    const fresh = row.body !== null && row.checkedAt !== null && this.#d.now().getTime() - Date.parse(row.checkedAt) < ttl;
    let fetchError: string | null = null;
    if (refresh || !fresh) {
      try {
        await this.#fetchRemote(row);
      } catch (err) {
        fetchError = errorText(err);
        this.#d.store.markFailed(row.id, fetchError);
        this.#d.log.warn(`marketplace: source ${row.id} (${logSafeUrl(row.url)}): ${fetchError}`);
      }
    } else if (row.lastError) {
      fetchError = row.lastError;
    }
    const current = this.#d.store.source(row.id)!;
    const base: SourceStatus = { ...this.#info(current), verified: false, lastUpdated: current.fetchedAt, error: fetchError, stale: false, entryCount: 0, skipped: [] };
    if (!current.body) {
      return { status: { ...base, error: fetchError ?? 'This catalog has not been fetched yet.' }, entries: [] };
    }
    try {
      const key = current.publicKey ? parsePublicKey(current.publicKey) : null;
      const parsed = this.#judge(current, current.body, current.signature, key, { cached: true });
      // A signed copy is only good until its own expiry, however it is kept: a server that answers
      // 304 forever, or stops answering, must not freeze the user on an old catalog.
      const expired = key ? expiredOn(current.body, this.#d.now()) : null;
      if (expired) {
        const error = expiredMessage(expired);
        return {
          status: { ...base, verified: true, stale: true, error, entryCount: parsed.entries.length, skipped: parsed.skipped },
          entries: parsed.entries.map((e) => ({ ...e, unavailableReason: error })),
        };
      }
      return {
        status: { ...base, verified: key !== null, stale: fetchError !== null, entryCount: parsed.entries.length, skipped: parsed.skipped },
        entries: parsed.entries,
      };
    } catch (err) {
      return { status: { ...base, error: errorText(err) }, entries: [] };
    }
  }

  /** One conditional GET; a new copy replaces the cache only once it passes every check. */
  async #fetchRemote(row: SourceRow): Promise<void> {
    const signal = AbortSignal.timeout(this.#d.timeoutMs);
    const token = row.hasToken ? this.#d.secrets.get(tokenSecretName(row.id)) : null;
    const authorization = token ? `Bearer ${token}` : undefined;
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (row.etag && row.body) headers['If-None-Match'] = row.etag;
    const res = await this.#guard(signal, () => httpsGet(this.#d.fetch, row.url, { headers, authorization, signal, what: 'The catalog' }));
    const at = this.#d.now().toISOString();
    if (res.status === 304 && row.body) {
      // "Not modified" must not make an expired signed copy look freshly confirmed (a freeze attack).
      const expired = row.publicKey ? expiredOn(row.body, this.#d.now()) : null;
      if (expired) throw new AppError('refused', expiredMessage(expired));
      this.#d.store.markNotModified(row.id, at);
      return;
    }
    if (res.status === 401 || res.status === 403) {
      await res.body?.cancel();
      throw new AppError('permission_denied', `The catalog server refused access (HTTP ${res.status}). Check the source's token.`);
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new AppError('network', `The catalog server answered HTTP ${res.status}.`);
    }
    const body = await this.#guard(signal, () => readCapped(res, MAX_CATALOG_BYTES));
    let signature: Buffer | null = null;
    const key = row.publicKey ? parsePublicKey(row.publicKey) : null;
    if (key) {
      const sigUrl = new URL(row.url);
      sigUrl.pathname += '.sig';
      const sigRes = await this.#guard(signal, () =>
        httpsGet(this.#d.fetch, sigUrl.href, { headers: { Accept: '*/*' }, authorization, signal, what: 'The catalog signature' }),
      );
      if (!sigRes.ok) {
        await sigRes.body?.cancel();
        throw new AppError('refused', `This source requires a signed catalog, but its signature (${sigUrl.pathname.split('/').pop()}) could not be fetched (HTTP ${sigRes.status}).`);
      }
      signature = await this.#guard(signal, () => readCapped(sigRes, 4096));
    }
    const parsed = this.#judge(row, body, signature, key, { cached: false });
    this.#d.store.saveFetched(row.id, { body, signature, etag: res.headers.get('etag'), sequence: parsed.sequence }, at);
  }

  /**
   * Signature, expiry and version checks, then parsing. A fresh copy must
   * not be expired and must not be older than what this source has shown
   * before; the cached copy already passed those checks when it arrived.
   */
  #judge(row: SourceRow, body: Buffer, signature: Buffer | null, key: KeyObject | null, { cached }: { cached: boolean }): ParsedCatalog {
    if (key && (!signature || !verifyDetached(body, signature, key))) {
      throw new AppError('refused', cached ? 'The saved copy of this catalog no longer matches its signature.' : 'The catalog signature does not match the source\'s public key; the catalog was refused.');
    }
    const parsed = parseCatalog(body, { sourceId: row.id, sourceName: row.name, verified: key !== null, url: row.url }, this.#d.appVersion);
    if (key && !cached) {
      if (!parsed.expires || Number.isNaN(Date.parse(parsed.expires))) throw new AppError('refused', 'The signed catalog has no valid "expires" time; it was refused.');
      if (Date.parse(parsed.expires) <= this.#d.now().getTime()) {
        throw new AppError('refused', `The signed catalog expired on ${parsed.expires}; it was refused and the last good copy is kept.`);
      }
      if (parsed.sequence === null) throw new AppError('refused', 'The signed catalog carries no version number ("catalog_version"); it was refused.');
      if (row.highestVersion !== null && parsed.sequence < row.highestVersion) {
        throw new AppError(
          'refused',
          `The catalog went back from version ${row.highestVersion} to ${parsed.sequence} (a rollback); it was refused and the last good copy is kept.`,
        );
      }
    }
    return parsed;
  }

  async #guard<T>(signal: AbortSignal, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      if (signal.aborted) throw new AppError('network', `The catalog server did not answer within ${Math.round(this.#d.timeoutMs / 1000)} s.`);
      throw err;
    }
  }
}

async function readCapped(res: Response, cap: number): Promise<Buffer> {
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel();
      throw new AppError('refused', `The response is larger than ${Math.round(cap / 1024)} KB; it was refused.`);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

/** Origin and path only: a query string may carry a key, and logs are shared in bug reports. */
function logSafeUrl(url: string): string {
  const u = new URL(url);
  return `${u.origin}${u.pathname}`;
}

/** The `expires` time of a saved signed copy once it has passed, else null. */
function expiredOn(body: Buffer, now: Date): string | null {
  try {
    const expires = (JSON.parse(body.toString('utf8')) as { expires?: unknown }).expires;
    if (typeof expires !== 'string') return null;
    const at = Date.parse(expires);
    return Number.isNaN(at) || at > now.getTime() ? null : expires;
  } catch {
    return null;
  }
}

function expiredMessage(expires: string): string {
  return `This catalog expired on ${expires} and the source has not published a newer one; its plugins cannot be installed or updated until it does.`;
}

export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
