import { existsSync, renameSync } from 'node:fs';
import Database from 'better-sqlite3';

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
  constructor(path: string, reason: string) {
    super(`The database at ${path} cannot be read (${reason}). It has not been changed.`);
    this.name = 'DatabaseUnreadableError';
    this.path = path;
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
    // Takes effect only while the file is empty. 16 KB pages (default 4 KB) cut the page writes and
    // B-tree splits of a bulk import: `npm run bench -- sessions` imports about a fifth faster with them.
    db.pragma(`page_size = ${PAGE_SIZE}`);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    // 32 MB of page cache (default 2 MB): imports update indexes on random keys, and misses dominate otherwise.
    db.pragma('cache_size = -32000');
    const check = db.pragma('quick_check', { simple: true });
    if (check !== 'ok') throw Object.assign(new Error(String(check)), { code: 'SQLITE_CORRUPT' });
    migrate(db, migrations);
    return db;
  } catch (err) {
    db?.close();
    const reason = reasonOf(err);
    if (reason) throw new DatabaseUnreadableError(path, reason);
    throw err;
  }
}

/** Applies the migrations past `user_version`, each in its own transaction. */
export function migrate(db: Db, migrations: readonly Migration[]): number {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > migrations.length) {
    throw new DatabaseUnreadableError(
      db.name,
      `it was written by a newer Switchboard (schema ${current}, this version knows ${migrations.length})`,
    );
  }
  for (let i = current; i < migrations.length; i++) {
    const step = migrations[i]!;
    db.transaction(() => {
      step.up(db);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
  return migrations.length - current;
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
