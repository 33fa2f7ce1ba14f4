import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { DatabaseUnreadableError, moveDatabaseAside, openDatabase, PAGE_SIZE } from './database.ts';
import { MIGRATIONS } from './migrations.ts';

const freshDir = () => mkdtempSync(join(tmpdir(), 'sb-db-'));

describe('openDatabase', () => {
  it('creates every table and running the migrations again changes nothing', () => {
    const file = join(freshDir(), 'app.db');
    const first = openDatabase(file, MIGRATIONS);
    const schema = first.prepare("SELECT name, sql FROM sqlite_master ORDER BY name").all();
    expect(first.prepare('SELECT id FROM schema_migrations ORDER BY rowid').pluck().all()).toEqual(MIGRATIONS.map((m) => m.id));
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(first.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(first.pragma('page_size', { simple: true })).toBe(PAGE_SIZE);
    first.close();

    const second = openDatabase(file, MIGRATIONS);
    expect(second.prepare("SELECT name, sql FROM sqlite_master ORDER BY name").all()).toEqual(schema);
    expect(second.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    second.close();
  });

  it('opens a database written with the old 4 KB pages as it is', () => {
    const file = join(freshDir(), 'app.db');
    const old = new Database(file);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE kept (value TEXT); INSERT INTO kept VALUES (\'still here\')');
    old.close();
    const db = openDatabase(file, MIGRATIONS);
    expect(db.pragma('page_size', { simple: true })).toBe(4096);
    expect(db.prepare('SELECT value FROM kept').pluck().get()).toBe('still here');
    expect(db.prepare('SELECT count(*) FROM schema_migrations').pluck().get()).toBe(MIGRATIONS.length);
    db.close();
  });

  it('refuses a garbage file without changing a byte of it', () => {
    const file = join(freshDir(), 'app.db');
    const garbage = Buffer.from('this is not a database, just some words a user saved here by mistake\n'.repeat(200));
    writeFileSync(file, garbage);
    expect(() => openDatabase(file, MIGRATIONS)).toThrow(DatabaseUnreadableError);
    expect(() => openDatabase(file, MIGRATIONS)).toThrow(/cannot be read .*has not been changed/);
    expect(readFileSync(file).equals(garbage)).toBe(true);
  });

  it('refuses a database written by a newer version', () => {
    const file = join(freshDir(), 'app.db');
    openDatabase(file, MIGRATIONS).close();
    expect(() => openDatabase(file, MIGRATIONS.slice(0, 1))).toThrow(/newer Switchboard/);
  });

  it('moves an unreadable file aside, keeping its bytes', () => {
    const dir = freshDir();
    const file = join(dir, 'app.db');
    writeFileSync(file, 'garbage');
    const moved = moveDatabaseAside(file, new Date('2026-01-02T03:04:05Z'));
    expect(existsSync(file)).toBe(false);
    expect(readFileSync(moved, 'utf8')).toBe('garbage');
    expect(moved).toContain('.unreadable-2026-01-02T03-04-05');
  });
});
