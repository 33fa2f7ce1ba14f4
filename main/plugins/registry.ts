import type { Permission } from '../../app/permissions.ts';
import type { Db, Migration } from '../db/database.ts';

export const pluginRegistryMigrations: Migration[] = [
  {
    id: 'plugins/create-registry',
    up(db) {
      db.exec(`
        CREATE TABLE plugins (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          version TEXT NOT NULL,
          source_id TEXT,
          installed_at TEXT NOT NULL,
          updated_at TEXT NOT NULL,
          enabled INTEGER NOT NULL DEFAULT 1,
          previous_version TEXT
        );
        CREATE TABLE plugin_grants (
          plugin_id TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE,
          permission TEXT NOT NULL,
          granted_at TEXT NOT NULL,
          PRIMARY KEY (plugin_id, permission)
        );
        -- agor.storage and agor.settings values; keys are 'plugin:<id>:...'.
        CREATE TABLE plugin_kv (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    // Answers the user gave a plugin once and for all (its first agent run), removed with the plugin.
    id: 'plugins/consents',
    up(db) {
      db.exec(`
        CREATE TABLE plugin_consents (
          plugin_id TEXT NOT NULL REFERENCES plugins(id) ON DELETE CASCADE,
          kind TEXT NOT NULL,
          decided_at TEXT NOT NULL,
          PRIMARY KEY (plugin_id, kind)
        );
      `);
    },
  },
];

export interface RegistryRow {
  id: string;
  name: string;
  version: string;
  /** The catalog source it was installed from; null for a plugin placed by hand. */
  sourceId: string | null;
  installedAt: string;
  updatedAt: string;
  enabled: boolean;
  /** The version kept in plugin-backups/ for rollback, if any. */
  previousVersion: string | null;
  grants: Permission[];
}

interface Raw {
  id: string;
  name: string;
  version: string;
  source_id: string | null;
  installed_at: string;
  updated_at: string;
  enabled: number;
  previous_version: string | null;
}

export interface RegistryWrite {
  id: string;
  name: string;
  version: string;
  sourceId: string | null;
  previousVersion: string | null;
  grants: readonly Permission[];
  enabled?: boolean;
}

/**
 * Which plugins are installed, from where, and what the user granted them.
 * The grants here are the only thing main consults when a plugin asks for
 * something.
 */
export class PluginRegistry {
  readonly #db: Db;
  #revision = 0;

  constructor(db: Db) {
    this.#db = db;
  }

  /** Bumped by every write, so a reader (the plugin supervisor's grant cache) can tell its copy is stale. */
  get revision(): number {
    return this.#revision;
  }

  list(): RegistryRow[] {
    return (this.#db.prepare('SELECT * FROM plugins ORDER BY name COLLATE NOCASE').all() as Raw[]).map((r) => this.#row(r));
  }

  get(id: string): RegistryRow | undefined {
    const raw = this.#db.prepare('SELECT * FROM plugins WHERE id = ?').get(id) as Raw | undefined;
    return raw && this.#row(raw);
  }

  grants(id: string): Permission[] {
    return this.#db.prepare('SELECT permission FROM plugin_grants WHERE plugin_id = ? ORDER BY permission').pluck().all(id) as Permission[];
  }

  hasGrant(id: string, permission: Permission): boolean {
    return this.#db.prepare('SELECT 1 FROM plugin_grants WHERE plugin_id = ? AND permission = ?').get(id, permission) !== undefined;
  }

  /** Inserts or replaces a plugin's row and sets its grants to exactly `grants`, in one transaction. */
  put(write: RegistryWrite, now = new Date()): RegistryRow {
    const at = now.toISOString();
    this.#revision += 1;
    this.#db.transaction(() => {
      this.#db
        .prepare(
          `INSERT INTO plugins (id, name, version, source_id, installed_at, updated_at, enabled, previous_version)
           VALUES (@id, @name, @version, @sourceId, @at, @at, @enabled, @previousVersion)
           ON CONFLICT(id) DO UPDATE SET name = excluded.name, version = excluded.version, source_id = excluded.source_id,
             updated_at = excluded.updated_at, enabled = excluded.enabled, previous_version = excluded.previous_version`,
        )
        .run({ ...write, at, enabled: write.enabled === false ? 0 : 1 });
      this.#db.prepare('DELETE FROM plugin_grants WHERE plugin_id = ?').run(write.id);
      const grant = this.#db.prepare('INSERT INTO plugin_grants (plugin_id, permission, granted_at) VALUES (?, ?, ?)');
      for (const permission of new Set(write.grants)) grant.run(write.id, permission, at);
    })();
    return this.get(write.id)!;
  }

  /** Adds one grant; false when the plugin is not installed or already had it. */
  grant(id: string, permission: Permission, now = new Date()): boolean {
    if (!this.get(id)) return false;
    const changed = this.#db.prepare('INSERT OR IGNORE INTO plugin_grants (plugin_id, permission, granted_at) VALUES (?, ?, ?)').run(id, permission, now.toISOString()).changes > 0;
    if (changed) this.#revision += 1;
    return changed;
  }

  /** Removes one grant; false when the plugin did not have it. */
  revoke(id: string, permission: Permission): boolean {
    const changed = this.#db.prepare('DELETE FROM plugin_grants WHERE plugin_id = ? AND permission = ?').run(id, permission).changes > 0;
    if (changed) this.#revision += 1;
    return changed;
  }

  hasConsent(id: string, kind: string): boolean {
    return this.#db.prepare('SELECT 1 FROM plugin_consents WHERE plugin_id = ? AND kind = ?').get(id, kind) !== undefined;
  }

  rememberConsent(id: string, kind: string, now = new Date()): void {
    if (!this.get(id)) return;
    this.#db.prepare('INSERT OR IGNORE INTO plugin_consents (plugin_id, kind, decided_at) VALUES (?, ?, ?)').run(id, kind, now.toISOString());
  }

  setEnabled(id: string, enabled: boolean): void {
    this.#revision += 1;
    this.#db.prepare('UPDATE plugins SET enabled = ? WHERE id = ?').run(enabled ? 1 : 0, id);
  }

  /** Removes the row, its grants and everything it stored (`plugin:<id>:` keys). */
  remove(id: string): void {
    this.#revision += 1;
    this.#db.transaction(() => {
      this.#db.prepare('DELETE FROM plugins WHERE id = ?').run(id);
      this.purgeStorage(id);
    })();
  }

  purgeStorage(id: string): void {
    const prefix = `plugin:${id}:`;
    this.#db.prepare("DELETE FROM plugin_kv WHERE substr(key, 1, ?) = ?").run(prefix.length, prefix);
  }

  #row(r: Raw): RegistryRow {
    return {
      id: r.id,
      name: r.name,
      version: r.version,
      sourceId: r.source_id,
      installedAt: r.installed_at,
      updatedAt: r.updated_at,
      enabled: r.enabled === 1,
      previousVersion: r.previous_version,
      grants: this.grants(r.id),
    };
  }
}
