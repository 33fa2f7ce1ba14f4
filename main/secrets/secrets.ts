import { AppError } from '../../app/contract/envelope.ts';
import type { AuditLog } from '../audit/audit.ts';
import type { Db, Migration } from '../db/database.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import { keyringHelp, type KeyringBackend } from './keyring.ts';

export interface SecretInfo {
  name: string;
  set: true;
  updatedAt: string;
}

export const secretsMigrations: Migration[] = [
  {
    id: 'secrets/create-secret-names',
    up(db) {
      // Names and times only: values never touch the database.
      db.exec('CREATE TABLE secrets (name TEXT PRIMARY KEY, updated_at TEXT NOT NULL)');
    },
  },
];

/**
 * Secrets live in the OS keyring and nowhere else. There is no fallback
 * store: without a reachable keyring every operation fails with a message
 * that says which keyring to install or unlock, and nothing is recorded.
 */
export class SecretsManager {
  readonly #db: Db;
  readonly #keyring: KeyringBackend;
  readonly #audit: AuditLog;
  readonly #events: AppEvents;
  readonly #log: Logger;

  constructor(db: Db, keyring: KeyringBackend, audit: AuditLog, events: AppEvents, log: Logger) {
    this.#db = db;
    this.#keyring = keyring;
    this.#audit = audit;
    this.#events = events;
    this.#log = log;
  }

  hasKeyring(): { available: boolean; message: string } {
    try {
      this.#keyring.probe();
      return { available: true, message: 'The system keyring is available.' };
    } catch (err) {
      this.#log.warn(`keyring unavailable: ${errorText(err)}`);
      return { available: false, message: keyringHelp() };
    }
  }

  list(): SecretInfo[] {
    return (this.#db.prepare('SELECT name, updated_at FROM secrets ORDER BY name').all() as { name: string; updated_at: string }[]).map(
      (r) => ({ name: r.name, set: true, updatedAt: r.updated_at }),
    );
  }

  store(name: string, value: string, actor: 'user' | 'app' = 'user'): SecretInfo {
    this.#withKeyring('store', name, () => this.#keyring.set(name, value));
    const updatedAt = new Date().toISOString();
    this.#db.prepare('INSERT INTO secrets (name, updated_at) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET updated_at = excluded.updated_at').run(name, updatedAt);
    this.#audit.append('secret_stored', actor, name);
    this.#events.emit('secrets.changed', this.list());
    return { name, set: true, updatedAt };
  }

  /**
   * Lists again what the keyring already holds for this app, after the
   * database that named its entries was moved aside. Values are not read.
   */
  adoptKeyringNames(): number {
    let names: string[];
    try {
      names = this.#keyring.names();
    } catch (err) {
      this.#log.warn(`could not list the keyring's entries: ${errorText(err)}`);
      return 0;
    }
    const add = this.#db.prepare('INSERT INTO secrets (name, updated_at) VALUES (?, ?) ON CONFLICT(name) DO NOTHING');
    const at = new Date().toISOString();
    const added = names.reduce((n, name) => n + add.run(name, at).changes, 0);
    if (added > 0) this.#events.emit('secrets.changed', this.list());
    return added;
  }

  /** For main only (bearer tokens, API keys for agents); never sent to a window. */
  get(name: string): string | null {
    return this.#withKeyring('read', name, () => this.#keyring.get(name));
  }

  delete(name: string, actor: 'user' | 'app' = 'user'): boolean {
    const known = this.#db.prepare('SELECT 1 FROM secrets WHERE name = ?').get(name) !== undefined;
    const removed = this.#withKeyring('delete', name, () => this.#keyring.delete(name));
    this.#db.prepare('DELETE FROM secrets WHERE name = ?').run(name);
    if (known || removed) {
      this.#audit.append('secret_deleted', actor, name);
      this.#events.emit('secrets.changed', this.list());
    }
    return known || removed;
  }

  #withKeyring<T>(what: string, name: string, op: () => T): T {
    try {
      return op();
    } catch (err) {
      // The library's text can name the entry but never holds its value.
      this.#log.warn(`keyring ${what} of "${name}" failed: ${errorText(err)}`);
      throw new AppError('keyring_unavailable', keyringHelp());
    }
  }
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
