import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { badRequest, conflict, HubError, notFound } from '../errors.ts';
import { git } from '../git/cli.ts';
import { newId } from '../ids.ts';
import type { HubLog } from '../log.ts';
import type { HubAudit } from '../people/audit.ts';
import type { Redactor } from '../redact.ts';
import type { HubDb } from '../storage/db.ts';
import { syncCatalog } from './catalog.ts';
import { judgeClaudeMarketplace, PLUGIN_NAME, type ClaudePlugin, type RepoLimits } from './claude.ts';
import type { SecretFiles } from './secrets.ts';

export type SourceKind = 'catalog' | 'git';

export interface SourceInfo {
  id: string;
  slug: string;
  name: string;
  kind: SourceKind;
  url: string;
  hasToken: boolean;
  createdAt: string;
  lastSyncAt: string | null;
  lastOkAt: string | null;
  /** The last sync's problem; the content shown is still the last good one. */
  lastError: string | null;
  revision: string | null;
  pluginCount: number;
  skipped: { name: string; reason: string }[];
}

/** One cached plugin of a source, as grants and feeds read it. */
export interface SourcePlugin {
  sourceId: string;
  slug: string;
  /** `<source slug>/<plugin>`: what admins grant. */
  ref: string;
  name: string;
  kind: 'switchboard' | 'claude-code';
  data: Record<string, unknown>;
  contentHash: string;
}

export interface SourcesDeps {
  db: HubDb;
  audit: HubAudit;
  secrets: SecretFiles;
  redactor: Redactor;
  log: HubLog;
  dataDir: string;
  extraCa: readonly string[];
  limits: RepoLimits;
  now: () => Date;
  /** Called after anything people can see changed. */
  changed: () => Promise<void>;
}

interface SourceRow {
  id: string;
  slug: string;
  name: string;
  kind: SourceKind;
  url: string;
  token_ref: string | null;
  created_at: string;
  last_sync_at: string | null;
  last_ok_at: string | null;
  last_error: string | null;
  revision: string | null;
  skipped: string | null;
  plugin_count?: number;
}

const GIT_PROTOCOLS = new Set(['https:', 'http:', 'file:', 'ssh:']);

function slugOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
}

/** Admin-registered sources, their sync, and the plugins cached from the last good sync. */
export class Sources {
  readonly #d: SourcesDeps;
  readonly #running = new Map<string, Promise<SourceInfo>>();

  constructor(deps: SourcesDeps) {
    this.#d = deps;
  }

  marketplacesDir(): string {
    return join(this.#d.dataDir, 'marketplaces');
  }

  archivesDir(): string {
    return join(this.#d.dataDir, 'archives');
  }

  async add(actor: string, input: Record<string, unknown>): Promise<SourceInfo> {
    const name = typeof input.name === 'string' ? input.name.trim() : '';
    if (!name || name.length > 60) throw badRequest('Give the source a name of 1 to 60 characters.');
    const slug = typeof input.slug === 'string' && input.slug ? input.slug : slugOf(name);
    if (!PLUGIN_NAME.test(slug)) throw badRequest('The short name must be kebab-case: lower-case letters, digits and single hyphens.');
    const kind = input.kind;
    if (kind !== 'catalog' && kind !== 'git') throw badRequest('The kind must be "catalog" (a Switchboard catalog URL) or "git" (a Claude Code marketplace repository).');
    const url = this.#checkUrl(kind, input.url);
    const token = typeof input.token === 'string' && input.token.trim() ? input.token.trim() : null;
    if (await this.#d.db.get('SELECT id FROM sources WHERE slug = ?', [slug])) throw conflict(`A source with the short name "${slug}" already exists.`);
    const id = newId('src');
    const ref = token ? this.#d.secrets.store(token) : null;
    try {
      await this.#d.db.transaction(async (tx) => {
        await tx.run('INSERT INTO sources (id, slug, name, kind, url, token_ref, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)', [
          id,
          slug,
          name,
          kind,
          url,
          ref,
          this.#d.now().toISOString(),
        ]);
        await this.#d.audit.record(actor, 'source_added', id, { slug, kind, url, token: Boolean(token) }, tx);
      });
    } catch (err) {
      if (ref) this.#d.secrets.delete(ref);
      throw err;
    }
    return this.get(id);
  }

  async remove(actor: string, id: string): Promise<void> {
    const row = await this.#row(id);
    await this.#d.db.transaction(async (tx) => {
      await tx.run('DELETE FROM sources WHERE id = ?', [id]);
      await tx.run("DELETE FROM grants WHERE plugin_ref LIKE ? ESCAPE '!'", [`${row.slug.replace(/[!%_]/g, '!$&')}/%`]);
      await this.#d.audit.record(actor, 'source_removed', id, { slug: row.slug }, tx);
    });
    if (row.token_ref) this.#d.secrets.delete(row.token_ref);
    rmSync(join(this.marketplacesDir(), row.slug), { recursive: true, force: true });
    await this.#d.changed();
  }

  async get(id: string): Promise<SourceInfo> {
    return this.#info(await this.#row(id));
  }

  async list(): Promise<SourceInfo[]> {
    const rows = await this.#d.db.all<SourceRow>(
      'SELECT s.*, (SELECT COUNT(*) FROM source_plugins p WHERE p.source_id = s.id) AS plugin_count FROM sources s ORDER BY s.slug',
    );
    return rows.map((r) => this.#info(r));
  }

  async plugins(): Promise<SourcePlugin[]> {
    const rows = await this.#d.db.all<{ source_id: string; slug: string; name: string; kind: SourcePlugin['kind']; data: string; content_hash: string }>(
      'SELECT p.source_id, s.slug, p.name, p.kind, p.data, p.content_hash FROM source_plugins p JOIN sources s ON s.id = p.source_id ORDER BY s.slug, p.name',
    );
    return rows.map((r) => ({
      sourceId: r.source_id,
      slug: r.slug,
      ref: `${r.slug}/${r.name}`,
      name: r.name,
      kind: r.kind,
      data: JSON.parse(r.data) as Record<string, unknown>,
      contentHash: r.content_hash,
    }));
  }

  /** Syncs one source; a second call while one runs waits for the same sync. */
  sync(actor: string, id: string): Promise<SourceInfo> {
    const running = this.#running.get(id);
    if (running) return running;
    const task = this.#sync(actor, id).finally(() => this.#running.delete(id));
    this.#running.set(id, task);
    return task;
  }

  async syncAll(actor: string): Promise<SourceInfo[]> {
    const out: SourceInfo[] = [];
    for (const s of await this.list()) out.push(await this.sync(actor, s.id));
    return out;
  }

  async #sync(actor: string, id: string): Promise<SourceInfo> {
    const row = await this.#row(id);
    const at = this.#d.now().toISOString();
    const token = row.token_ref ? this.#d.secrets.read(row.token_ref) : null;
    if (row.token_ref && !token) {
      return this.#failed(row, at, actor, new HubError(500, 'The token file of this source is missing; add the source again with its token.'));
    }
    try {
      const result =
        row.kind === 'git'
          ? await this.#syncGit(row, token)
          : await syncCatalog(row.url, this.archivesDir(), { extraCa: this.#d.extraCa, token, timeoutMs: 60_000 }).then((r) => ({
              revision: r.revision,
              skipped: r.skipped,
              plugins: r.plugins.map((p) => ({ name: p.entry.id, kind: 'switchboard' as const, data: p.entry as unknown as Record<string, unknown>, hash: p.entry.checksum_sha256 })),
            }));
      await this.#d.db.transaction(async (tx) => {
        await tx.run('DELETE FROM source_plugins WHERE source_id = ?', [id]);
        for (const p of result.plugins) {
          await tx.run('INSERT INTO source_plugins (source_id, name, kind, data, content_hash) VALUES (?, ?, ?, ?, ?)', [id, p.name, p.kind, JSON.stringify(p.data), p.hash]);
        }
        await tx.run('UPDATE sources SET last_sync_at = ?, last_ok_at = ?, last_error = NULL, revision = ?, skipped = ? WHERE id = ?', [
          at,
          at,
          result.revision,
          JSON.stringify(result.skipped),
          id,
        ]);
        await this.#d.audit.record(actor, 'source_synced', id, { slug: row.slug, revision: result.revision, plugins: result.plugins.length }, tx);
      });
      await this.#d.changed();
      this.#d.log.info(`sources: ${row.slug} synced at ${result.revision} (${result.plugins.length} plugins)`);
      return this.get(id);
    } catch (err) {
      return this.#failed(row, at, actor, err);
    }
  }

  async #failed(row: SourceRow, at: string, actor: string, err: unknown): Promise<SourceInfo> {
    const message = this.#d.redactor.redact(err instanceof Error ? err.message : String(err));
    await this.#d.db.run('UPDATE sources SET last_sync_at = ?, last_error = ? WHERE id = ?', [at, message, row.id]);
    await this.#d.audit.record(actor, 'source_sync_failed', row.id, { slug: row.slug, error: message });
    this.#d.log.warn(`sources: ${row.slug} sync failed, last good content kept: ${message}`);
    return this.get(row.id);
  }

  /** Clone once, then fetch; the fetched commit is judged from git's objects before the working tree is reset to it. */
  async #syncGit(row: SourceRow, token: string | null) {
    const r = this.#d.redactor;
    const dir = join(this.marketplacesDir(), row.slug);
    mkdirSync(this.marketplacesDir(), { recursive: true });
    let commit: string;
    if (!existsSync(join(dir, '.git'))) {
      const staging = `${dir}.clone-${process.pid}`;
      rmSync(staging, { recursive: true, force: true });
      try {
        await git(r, ['clone', '--quiet', '--no-checkout', '--depth=1', '--no-tags', '--', row.url, staging], { token });
        renameSync(staging, dir);
      } finally {
        rmSync(staging, { recursive: true, force: true });
      }
      commit = (await git(r, ['rev-parse', '--verify', 'HEAD^{commit}'], { cwd: dir })).toString().trim();
    } else {
      await git(r, ['fetch', '--quiet', '--depth=1', '--no-tags', 'origin', 'HEAD'], { cwd: dir, token });
      commit = (await git(r, ['rev-parse', '--verify', 'FETCH_HEAD^{commit}'], { cwd: dir })).toString().trim();
    }
    const judged = await judgeClaudeMarketplace(r, dir, commit, this.#d.limits);
    await git(r, ['reset', '--quiet', '--hard', commit], { cwd: dir });
    await git(r, ['clean', '-qffdx'], { cwd: dir });
    return {
      revision: commit,
      skipped: judged.skipped,
      plugins: judged.plugins.map((p: ClaudePlugin) => ({
        name: p.name,
        kind: 'claude-code' as const,
        data: { ...p, marketplace: judged.marketplaceName } as unknown as Record<string, unknown>,
        hash: p.tree,
      })),
    };
  }

  #checkUrl(kind: SourceKind, value: unknown): string {
    if (typeof value !== 'string' || !value.trim()) throw badRequest('Give the source address.');
    const text = value.trim();
    let url: URL;
    try {
      url = new URL(text);
    } catch {
      throw badRequest(`"${this.#d.redactor.redact(text).slice(0, 200)}" is not a URL.`);
    }
    if (url.username || url.password) throw badRequest('Put credentials in the token field, not in the address.');
    if (kind === 'catalog' && url.protocol !== 'https:') throw badRequest(`A catalog address must use https://, not ${url.protocol}//.`);
    if (kind === 'git' && !GIT_PROTOCOLS.has(url.protocol)) throw badRequest(`A git address must use https://, http://, ssh:// or file://, not ${url.protocol}//.`);
    return url.href;
  }

  async #row(id: string): Promise<SourceRow> {
    const row = await this.#d.db.get<SourceRow>(
      'SELECT s.*, (SELECT COUNT(*) FROM source_plugins p WHERE p.source_id = s.id) AS plugin_count FROM sources s WHERE s.id = ?',
      [id],
    );
    if (!row) throw notFound('That source does not exist.');
    return row;
  }

  #info(r: SourceRow): SourceInfo {
    return {
      id: r.id,
      slug: r.slug,
      name: r.name,
      kind: r.kind,
      url: r.url,
      hasToken: r.token_ref !== null,
      createdAt: r.created_at,
      lastSyncAt: r.last_sync_at,
      lastOkAt: r.last_ok_at,
      lastError: r.last_error,
      revision: r.revision,
      pluginCount: Number(r.plugin_count ?? 0),
      skipped: r.skipped ? (JSON.parse(r.skipped) as SourceInfo['skipped']) : [],
    };
  }
}
