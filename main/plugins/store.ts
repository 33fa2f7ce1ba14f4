import { checkSettingValue, type PluginManifest } from '../../app/manifest.ts';
import { STORAGE_LIMITS } from '../../app/plugin-limits.ts';
import type { Db } from '../db/database.ts';

/**
 * A plugin's private data in `plugin_kv`: `agor.storage` under
 * `plugin:<id>:kv:` and its settings under `plugin:<id>:settings:`. The id
 * always comes from the supervisor (which process asked), never from the
 * plugin, so one plugin cannot name another's keys.
 */
export class PluginStoreError extends Error {}

function kvPrefix(id: string): string {
  return `plugin:${id}:kv:`;
}

function settingsPrefix(id: string): string {
  return `plugin:${id}:settings:`;
}

function encode(value: unknown, what: string): string {
  const json = JSON.stringify(value === undefined ? null : value);
  if (json.length > STORAGE_LIMITS.maxValueBytes) {
    throw new PluginStoreError(`${what} is too large (${json.length} characters; at most ${STORAGE_LIMITS.maxValueBytes})`);
  }
  return json;
}

export class PluginStore {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  get(id: string, key: string): unknown {
    const raw = this.#db.prepare('SELECT value FROM plugin_kv WHERE key = ?').pluck().get(kvPrefix(id) + key) as string | undefined;
    return raw === undefined ? null : JSON.parse(raw);
  }

  set(id: string, key: string, value: unknown): void {
    const json = encode(value, `The value of "${key.slice(0, 60)}"`);
    const prefix = kvPrefix(id);
    this.#db.transaction(() => {
      const totals = this.#db
        .prepare("SELECT count(*) AS n, coalesce(sum(length(value)), 0) AS bytes FROM plugin_kv WHERE substr(key, 1, ?) = ? AND key != ?")
        .get(prefix.length, prefix, prefix + key) as { n: number; bytes: number };
      if (totals.n + 1 > STORAGE_LIMITS.maxKeys) throw new PluginStoreError(`Storage is full: at most ${STORAGE_LIMITS.maxKeys} keys per plugin`);
      if (totals.bytes + json.length > STORAGE_LIMITS.maxTotalBytes) {
        throw new PluginStoreError(`Storage is full: at most ${STORAGE_LIMITS.maxTotalBytes / 1024} KB per plugin`);
      }
      this.#db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(prefix + key, json);
    })();
  }

  delete(id: string, key: string): boolean {
    return this.#db.prepare('DELETE FROM plugin_kv WHERE key = ?').run(kvPrefix(id) + key).changes > 0;
  }

  keys(id: string): string[] {
    const prefix = kvPrefix(id);
    return (this.#db.prepare('SELECT key FROM plugin_kv WHERE substr(key, 1, ?) = ? ORDER BY key').pluck().all(prefix.length, prefix) as string[]).map((k) =>
      k.slice(prefix.length),
    );
  }

  /** The stored setting, else the manifest's `config` default, else the ui_schema field's default, else null. */
  getSetting(id: string, manifest: PluginManifest | null, key: string): unknown {
    const raw = this.#db.prepare('SELECT value FROM plugin_kv WHERE key = ?').pluck().get(settingsPrefix(id) + key) as string | undefined;
    if (raw !== undefined) return JSON.parse(raw);
    if (manifest && Object.hasOwn(manifest.config, key)) return manifest.config[key];
    return manifest?.uiSchema.find((f) => f.key === key)?.default ?? null;
  }

  /** Every ui_schema key with its current value, for the settings form. */
  settings(id: string, manifest: PluginManifest | null): Record<string, unknown> {
    const values: Record<string, unknown> = {};
    for (const field of manifest?.uiSchema ?? []) values[field.key] = this.getSetting(id, manifest, field.key);
    return values;
  }

  /** Checks a value against its ui_schema field (if it has one) and stores it; a bad value changes nothing. */
  setSetting(id: string, manifest: PluginManifest | null, key: string, value: unknown): void {
    const field = manifest?.uiSchema.find((f) => f.key === key);
    if (field) {
      const problem = checkSettingValue(field, value);
      if (problem) throw new PluginStoreError(`${field.label}: ${problem}`);
    }
    const json = encode(value, `The setting "${key.slice(0, 60)}"`);
    this.#db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(settingsPrefix(id) + key, json);
  }

  /** Several settings at once, all or nothing. */
  setSettings(id: string, manifest: PluginManifest | null, values: Record<string, unknown>): void {
    this.#db.transaction(() => {
      for (const [key, value] of Object.entries(values)) this.setSetting(id, manifest, key, value);
    })();
  }
}
