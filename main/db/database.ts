import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';
import { LONGEST_COUNTED_SCHEMA, recognizeCountedMigrations } from './legacy.ts';

export type Db = Database.Database;

/** One schema step, owned by the capability whose tables it creates. */
export interface Migration {
  /** `<capability>/<what>`, for messages and for reading the list. */
  id: string;
  up(db: Db): void;
}

/** The database file exists but cannot be used; the user decides what happens to it. */
export class DatabaseUnreadableError extends Error {
  readonly path: string;
  constructor(path: string, reason: string, advice = '') {
    super(`The database at ${path} cannot be read (${reason}). It has not been changed.${advice}`);
    this.name = 'DatabaseUnreadableError';
    this.path = path;
  }
}

/** A newer Switchboard migrated the file: this version leaves it exactly as it is. */
export class DatabaseNewerError extends DatabaseUnreadableError {
  constructor(path: string, detail: string) {
    super(path, `it was written by a newer Switchboard: ${detail}`, ' Open it with that version, or move it aside to start this one with a fresh database.');
    this.name = 'DatabaseNewerError';
  }
}

const UNREADABLE_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CANTOPEN', 'SQLITE_IOERR', 'SQLITE_PERM', 'SQLITE_READONLY']);

function reasonOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && (UNREADABLE_CODES.has(code) || code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CORRUPT'))) {
    return (err as Error).message;
  }
  if (code === 'EACCES' || code === 'EISDIR') return (err as Error).message;
  return undefined;
}

/** Bytes per page of a new database file (SQLite's default is 4,096). */
export const PAGE_SIZE = 16_384;

/**
 * Opens (or creates) the app database and brings it to the latest schema.
 * An unreadable file is never recreated here: the caller gets a
 * DatabaseUnreadableError and asks the user.
 */
export function openDatabase(path: string, migrations: readonly Migration[]): Db {
  let db: Db | undefined;
  try {
    db = new Database(path);
    // Read before anything is written: a damaged file, or one a newer version migrated, stays as it is.
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(String(check)), { code: 'SQLITE_CORRUPT' });
    assertNotNewer(db, migrations);
    // Takes effect only while the file is empty. 16 KB pages (default 4 KB) cut the page writes and
    // B-tree splits of a bulk import: `npm run bench -- sessions` imports about a fifth faster with them.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    // 32 MB of page cache (default 2 MB): imports update indexes on random keys, and misses dominate otherwise.
    db.pragma('cache_size = -32000');
    migrate(db, migrations);
    return db;
  } catch (err) {
    db?.close();
    const reason = reasonOf(err);
    if (reason) throw new DatabaseUnreadableError(path, reason);
    throw err;
  }
}

/**
 * Set in `user_version` once a database records its migrations by id. The
 * builds that counted migrations compare it with the length of their list,
 * so they refuse the file as written by a newer version instead of running
 * their own steps over it.
 */
export const RECORDS_MIGRATION_IDS = 1_000;

const appliedTable = (db: Db) =>
  db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get() !== undefined;

/**
 * Refuses, before anything is written, a database that a newer Switchboard
 * migrated: one that records a migration this version does not have, or
 * counts more migrations than any counting version shipped.
 */
export function assertNotNewer(db: Db, migrations: readonly Migration[]): void {
  if (appliedTable(db)) {
    const known = new Set(migrations.map((m) => m.id));
    const ids = db.prepare('SELECT id FROM schema_migrations ORDER BY rowid').pluck().all() as string[];
    const unknown = ids.filter((id) => !known.has(id));
    if (unknown.length > 0) {
      throw new DatabaseNewerError(db.name, `it has ${unknown.length === 1 ? 'a schema change' : `${unknown.length} schema changes`} this version does not know (${unknown.slice(0, 3).join(', ')}${unknown.length > 3 ? ', …' : ''})`);
    }
    return;
  }
  const counted = db.pragma('user_version', { simple: true }) as number;
  if (counted > LONGEST_COUNTED_SCHEMA) {
    throw new DatabaseNewerError(db.name, `its schema version is ${counted}, and this version knows ${LONGEST_COUNTED_SCHEMA}`);
  }
}

/**
 * Applies every migration whose id the database has not recorded, in list
 * order, each in its own transaction with its `schema_migrations` row. A
 * database from the counting era is first carried across: the migrations
 * it shows the traces of are recorded as applied, in one transaction.
 * Returns how many migrations ran.
 */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  const seen = new Set<string>();
  for (const m of migrations) {
    if (seen.has(m.id)) throw new Error(`Two migrations share the id ${m.id}`);
    seen.add(m.id);
  }
  assertNotNewer(db, migrations);
  if (!appliedTable(db)) adoptCountedSchema(db);
  const applied = new Set(db.prepare('SELECT id FROM schema_migrations').pluck().all() as string[]);
  const record = db.prepare("INSERT INTO schema_migrations (id, applied_at, how) VALUES (?, ?, 'ran')");
  let ran = 0;
  for (const step of migrations) {
    if (applied.has(step.id)) continue;
    db.transaction(() => {
      step.up(db);
      record.run(step.id, new Date().toISOString());
    })();
    ran++;
  }
  return ran;
}

function adoptCountedSchema(db: Db): void {
  const counted = db.pragma('user_version', { simple: true }) as number;
  const recognized = counted > 0 ? recognizeCountedMigrations(db) : [];
  db.transaction(() => {
    db.exec(`CREATE TABLE schema_migrations (
      id TEXT PRIMARY KEY,
      applied_at TEXT NOT NULL,
      how TEXT NOT NULL CHECK (how IN ('ran', 'recognized'))
    )`);
    const record = db.prepare("INSERT INTO schema_migrations (id, applied_at, how) VALUES (?, ?, 'recognized')");
    const now = new Date().toISOString();
    for (const id of recognized) record.run(id, now);
    db.pragma(`user_version = ${RECORDS_MIGRATION_IDS}`);
  })();
}

/** Renames the database and its WAL files aside, keeping them for the user. */
export function moveDatabaseAside(path: string, now = new Date()): string {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const target = `${path}.unreadable-${stamp}`;
  for (const suffix of ['', '-wal', '-shm']) {
    if (existsSync(path + suffix)) renameSync(path + suffix, target + suffix);
  }
  return target;
}
