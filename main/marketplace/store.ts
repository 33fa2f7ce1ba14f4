import type { Permission } from '../../app/permissions.ts';
import type { Db, Migration } from '../db/database.ts';

export const marketplaceMigrations: Migration[] = [
  {
    id: 'marketplace/create-sources-and-journal',
    up(db) {
      db.exec(`
        CREATE TABLE marketplace_sources (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          url TEXT NOT NULL,
          public_key TEXT,
          has_token INTEGER NOT NULL DEFAULT 0,
          created_at TEXT NOT NULL,
          -- The last good copy: shown offline and when a fetch fails.
          body BLOB,
          signature BLOB,
          etag TEXT,
          fetched_at TEXT,
          checked_at TEXT,
          last_error TEXT,
          -- The highest catalog version a signed source has served; lower ones are refused.
          highest_version INTEGER
        );
        -- One row per install, update, rollback or uninstall in flight: the folder
        -- renames it plans and how many it has started. Deleted in the same
        -- transaction that writes the registry, so after a crash a row means
        -- "not committed": start-up undoes its renames, newest first.
        CREATE TABLE marketplace_journal (
          plugin_id TEXT PRIMARY KEY,
          operation TEXT NOT NULL,
          staging TEXT NOT NULL,
          renames TEXT NOT NULL,
          started INTEGER NOT NULL DEFAULT 0,
          started_at TEXT NOT NULL
        );
        -- What the registry does not hold: grants of the backed-up version, and an
        -- update that waits for the user to approve new permissions.
        CREATE TABLE marketplace_installs (
          plugin_id TEXT PRIMARY KEY,
          backup_grants TEXT,
          backup_source_id TEXT,
          pending_version TEXT,
          pending_permissions TEXT
        );
      `);
    },
  },
];

export interface SourceRow {
  id: string;
  name: string;
  url: string;
  publicKey: string | null;
  hasToken: boolean;
  createdAt: string;
  body: Buffer | null;
  signature: Buffer | null;
  etag: string | null;
  fetchedAt: string | null;
  checkedAt: string | null;
  lastError: string | null;
  highestVersion: number | null;
}

interface RawSource {
  id: string;
  name: string;
  url: string;
  public_key: string | null;
  has_token: number;
  created_at: string;
  body: Buffer | null;
  signature: Buffer | null;
  etag: string | null;
  fetched_at: string | null;
  checked_at: string | null;
  last_error: string | null;
  highest_version: number | null;
}

const toSource = (r: RawSource): SourceRow => ({
  id: r.id,
  name: r.name,
  url: r.url,
  publicKey: r.public_key,
  hasToken: r.has_token === 1,
  createdAt: r.created_at,
  body: r.body,
  signature: r.signature,
  etag: r.etag,
  fetchedAt: r.fetched_at,
  checkedAt: r.checked_at,
  lastError: r.last_error,
  highestVersion: r.highest_version,
});

export interface JournalRow {
  pluginId: string;
  operation: 'install' | 'update' | 'rollback' | 'uninstall';
  staging: string;
  /** Folder moves in order, each `[from, to]`. */
  renames: [string, string][];
  /** How many of them have been started. */
  started: number;
}

export interface InstallMeta {
  backupGrants: Permission[] | null;
  backupSourceId: string | null;
  pendingVersion: string | null;
  pendingPermissions: Permission[] | null;
}

/** The marketplace's own tables. */
export class MarketplaceStore {
  readonly db: Db;

  constructor(db: Db) {
    this.db = db;
  }

  sources(): SourceRow[] {
    return (this.db.prepare('SELECT * FROM marketplace_sources ORDER BY rowid').all() as RawSource[]).map(toSource);
  }

  source(id: string): SourceRow | undefined {
    const raw = this.db.prepare('SELECT * FROM marketplace_sources WHERE id = ?').get(id) as RawSource | undefined;
    return raw && toSource(raw);
  }

  addSource(row: { id: string; name: string; url: string; publicKey: string | null; hasToken: boolean }): void {
    this.db
      .prepare('INSERT INTO marketplace_sources (id, name, url, public_key, has_token, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(row.id, row.name, row.url, row.publicKey, row.hasToken ? 1 : 0, new Date().toISOString());
  }

  /** Changing the address or the key drops the cached copy: it no longer speaks for this source. */
  editSource(id: string, patch: { name: string; url: string; publicKey: string | null; hasToken: boolean }, resetCache: boolean): void {
    this.db.prepare('UPDATE marketplace_sources SET name = ?, url = ?, public_key = ?, has_token = ? WHERE id = ?').run(
      patch.name,
      patch.url,
      patch.publicKey,
      patch.hasToken ? 1 : 0,
      id,
    );
    if (resetCache) {
      this.db
        .prepare(
          'UPDATE marketplace_sources SET body = NULL, signature = NULL, etag = NULL, fetched_at = NULL, checked_at = NULL, last_error = NULL, highest_version = NULL WHERE id = ?',
        )
        .run(id);
    }
  }

  removeSource(id: string): void {
    this.db.prepare('DELETE FROM marketplace_sources WHERE id = ?').run(id);
  }

  saveFetched(id: string, copy: { body: Buffer; signature: Buffer | null; etag: string | null; sequence: number | null }, at: string): void {
    this.db
      .prepare(
        `UPDATE marketplace_sources SET body = ?, signature = ?, etag = ?, fetched_at = ?, checked_at = ?, last_error = NULL,
           highest_version = max(coalesce(highest_version, 0), coalesce(?, 0)) WHERE id = ?`,
      )
      .run(copy.body, copy.signature, copy.etag, at, at, copy.sequence, id);
  }

  markNotModified(id: string, at: string): void {
    this.db.prepare('UPDATE marketplace_sources SET fetched_at = ?, checked_at = ?, last_error = NULL WHERE id = ?').run(at, at, id);
  }

  markFailed(id: string, error: string): void {
    this.db.prepare('UPDATE marketplace_sources SET last_error = ? WHERE id = ?').run(error, id);
  }

  journal(): JournalRow[] {
    return (
      this.db.prepare('SELECT * FROM marketplace_journal').all() as {
        plugin_id: string;
        operation: JournalRow['operation'];
        staging: string;
        renames: string;
        started: number;
      }[]
    ).map((r) => ({ pluginId: r.plugin_id, operation: r.operation, staging: r.staging, renames: JSON.parse(r.renames), started: r.started }));
  }

  openJournal(row: Omit<JournalRow, 'started'>): void {
    this.db
      .prepare('INSERT INTO marketplace_journal (plugin_id, operation, staging, renames, started, started_at) VALUES (?, ?, ?, ?, 0, ?)')
      .run(row.pluginId, row.operation, row.staging, JSON.stringify(row.renames), new Date().toISOString());
  }

  /** Written before each rename, so recovery knows which one may be half-known. */
  markStarted(pluginId: string, started: number): void {
    this.db.prepare('UPDATE marketplace_journal SET started = ? WHERE plugin_id = ?').run(started, pluginId);
  }

  closeJournal(pluginId: string): void {
    this.db.prepare('DELETE FROM marketplace_journal WHERE plugin_id = ?').run(pluginId);
  }

  meta(pluginId: string): InstallMeta {
    const r = this.db.prepare('SELECT * FROM marketplace_installs WHERE plugin_id = ?').get(pluginId) as
      | { backup_grants: string | null; backup_source_id: string | null; pending_version: string | null; pending_permissions: string | null }
      | undefined;
    return {
      backupGrants: r?.backup_grants ? (JSON.parse(r.backup_grants) as Permission[]) : null,
      backupSourceId: r?.backup_source_id ?? null,
      pendingVersion: r?.pending_version ?? null,
      pendingPermissions: r?.pending_permissions ? (JSON.parse(r.pending_permissions) as Permission[]) : null,
    };
  }

  setBackup(pluginId: string, grants: readonly Permission[] | null, sourceId: string | null): void {
    this.db
      .prepare(
        `INSERT INTO marketplace_installs (plugin_id, backup_grants, backup_source_id) VALUES (?, ?, ?)
         ON CONFLICT(plugin_id) DO UPDATE SET backup_grants = excluded.backup_grants, backup_source_id = excluded.backup_source_id`,
      )
      .run(pluginId, grants ? JSON.stringify(grants) : null, sourceId);
  }

  setPending(pluginId: string, version: string | null, permissions: readonly Permission[] | null): void {
    this.db
      .prepare(
        `INSERT INTO marketplace_installs (plugin_id, pending_version, pending_permissions) VALUES (?, ?, ?)
         ON CONFLICT(plugin_id) DO UPDATE SET pending_version = excluded.pending_version, pending_permissions = excluded.pending_permissions`,
      )
      .run(pluginId, version, permissions ? JSON.stringify(permissions) : null);
  }

  forget(pluginId: string): void {
    this.db.prepare('DELETE FROM marketplace_installs WHERE plugin_id = ?').run(pluginId);
  }
}
