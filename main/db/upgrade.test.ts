import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { DatabaseNewerError, openDatabase, RECORDS_MIGRATION_IDS, type Db, type Migration } from './database.ts';
import { MIGRATIONS } from './migrations.ts';

/** Databases made by each earlier schema of this repository (scripts/make-schema-fixtures.ts). */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const fixtures = readdirSync(FIXTURES).filter((f) => f.endsWith('.db')).sort();

/** Tables a migration removes on purpose, and where their content went. */
const MOVED = new Map([['search_messages', 'search/message-index-in-own-file moved the message index to its own file, rebuilt from messages']]);

/** Columns a migration derives again on purpose; every other value of an old row must come through as it was. */
const RECOMPUTED = new Map([
  ['sessions', ['input_tokens', 'output_tokens', 'cache_read_tokens', 'cache_write_tokens', 'peak_tokens', 'turn_count']], // agents/usage-per-api-call
]);

type Row = Record<string, unknown>;

const without = (row: Row, columns: readonly string[]): Row => Object.fromEntries(Object.entries(row).filter(([c]) => !columns.includes(c)));

const scratchDir = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

function userTables(db: Db): string[] {
  const objects = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string; sql: string }[];
  const virtual = objects.filter((o) => /^CREATE VIRTUAL TABLE/i.test(o.sql)).map((o) => o.name);
  return objects.map((o) => o.name).filter((n) => !virtual.some((v) => n.startsWith(`${v}_`))).sort();
}

function contents(db: Db): Map<string, Row[]> {
  return new Map(userTables(db).map((t) => [t, db.prepare(`SELECT * FROM "${t}"`).all() as Row[]]));
}

/** Table → its columns, and every index: what a fresh database and an upgraded one must agree on. */
function shape(db: Db): { tables: Record<string, string[]>; indexes: string[] } {
  const tables = Object.fromEntries(
    userTables(db).map((t) => [t, (db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(t) as string[]).sort()]),
  );
  const indexes = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[]);
  return { tables, indexes };
}

const sha256 = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex');

function freshShape(): ReturnType<typeof shape> {
  const db = openDatabase(join(scratchDir('sb-fresh-'), 'app.db'), MIGRATIONS);
  const s = shape(db);
  db.close();
  return s;
}

describe('upgrading a database from every earlier schema', () => {
  const fresh = freshShape();

  it('has a fixture for each schema the counted runner shipped', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(8);
  });

  for (const fixture of fixtures) {
    it(`${fixture}: every table and row survives, and the schema becomes today's`, () => {
      const file = join(scratchDir('sb-upgrade-'), 'switchboard.db');
      copyFileSync(join(FIXTURES, fixture), file);
      const before = new Database(file, { readonly: true });
      const oldTables = userTables(before);
      before.close();
      // The rows the fixture's maker added to every table: they stand for what the user stored.
      const userRows = JSON.parse(readFileSync(join(FIXTURES, fixture.replace(/\.db$/, '.rows.json')), 'utf8')) as Record<string, Row>;
      // search_index_source holds its one row; the fixture of a half-done upgrade lost search_messages back then.
      expect(oldTables.filter((t) => t !== 'search_index_source' && !(t in userRows))).toEqual([]);
      expect(Object.keys(userRows).filter((t) => !oldTables.includes(t) && !MOVED.has(t))).toEqual([]);

      const db = openDatabase(file, MIGRATIONS);
      const now = contents(db);
      for (const table of oldTables) {
        if (MOVED.has(table)) {
          expect(now.has(table), MOVED.get(table)).toBe(false);
          continue;
        }
        expect(now.has(table), `table ${table} is gone`).toBe(true);
        const row = userRows[table];
        if (!row) continue;
        const recomputed = RECOMPUTED.get(table) ?? [];
        const kept = now.get(table)!.map((r) => without(r, recomputed));
        expect(kept, `the row stored in ${table} is gone or changed`).toContainEqual(expect.objectContaining(without(row, recomputed)));
      }
      expect(shape(db)).toEqual(fresh);
      expect(db.prepare('SELECT id FROM schema_migrations ORDER BY id').pluck().all()).toEqual(MIGRATIONS.map((m) => m.id).sort());
      expect(db.pragma('user_version', { simple: true })).toBe(RECORDS_MIGRATION_IDS);
      db.close();

      // Opening it again runs nothing and changes nothing.
      const again = openDatabase(file, MIGRATIONS);
      expect(contents(again)).toEqual(now);
      again.close();
    });
  }
});

describe('migrations keyed by id', () => {
  it('runs a migration added to an earlier capability on a database that lacks it, and nothing else', () => {
    const file = join(scratchDir('sb-insert-'), 'app.db');
    openDatabase(file, MIGRATIONS).close();
    const ran: string[] = [];
    const inserted: Migration = {
      id: 'settings/test-inserted-later',
      up(db) {
        ran.push(this.id);
        db.exec('CREATE TABLE inserted_later (v TEXT)');
      },
    };
    const spied = MIGRATIONS.map((m) => ({ id: m.id, up: (db: Db) => { ran.push(m.id); m.up(db); } }));
    const db = openDatabase(file, [spied[0]!, inserted, ...spied.slice(1)]);
    expect(ran).toEqual(['settings/test-inserted-later']);
    expect(db.prepare("SELECT how FROM schema_migrations WHERE id = 'settings/test-inserted-later'").pluck().get()).toBe('ran');
    db.close();
  });

  it('refuses a list with two migrations of the same id before touching the file', () => {
    const file = join(scratchDir('sb-dup-'), 'app.db');
    expect(() => openDatabase(file, [MIGRATIONS[0]!, MIGRATIONS[0]!])).toThrow(`Two migrations share the id ${MIGRATIONS[0]!.id}`);
  });

  it('a failing migration leaves the database as it was before that step, and says which step failed', () => {
    const file = join(scratchDir('sb-fail-'), 'app.db');
    openDatabase(file, MIGRATIONS).close();
    const broken: Migration = { id: 'tasks/test-broken', up: (db) => { db.exec('CREATE TABLE half_done (v TEXT)'); db.exec('ALTER TABLE no_such_table ADD COLUMN x'); } };
    expect(() => openDatabase(file, [...MIGRATIONS, broken])).toThrow(/no such table: no_such_table/);
    const db = new Database(file, { readonly: true });
    expect(db.prepare("SELECT count(*) FROM sqlite_master WHERE name = 'half_done'").pluck().get()).toBe(0);
    expect(db.prepare("SELECT count(*) FROM schema_migrations WHERE id = 'tasks/test-broken'").pluck().get()).toBe(0);
    db.close();
  });
});

describe('a database written by a newer version', () => {
  const expectRefusedUnchanged = (file: string, message: RegExp) => {
    const hash = sha256(file);
    const folder = readdirSync(join(file, '..')).sort();
    let thrown: unknown;
    try {
      openDatabase(file, MIGRATIONS).close();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(DatabaseNewerError);
    expect((thrown as Error).message).toMatch(message);
    expect((thrown as Error).message).toMatch(/It has not been changed\. Open it with that version, or move it aside/);
    expect(sha256(file)).toBe(hash);
    expect(readdirSync(join(file, '..')).sort()).toEqual(folder);
  };

  it('is refused, unchanged, when it records a migration this version does not have', () => {
    const file = join(scratchDir('sb-newer-'), 'app.db');
    const db = openDatabase(file, MIGRATIONS);
    db.prepare("INSERT INTO schema_migrations (id, applied_at, how) VALUES ('hub/from-the-future', '2027-01-01T00:00:00.000Z', 'ran')").run();
    db.pragma('journal_mode = DELETE');
    db.close();
    expectRefusedUnchanged(file, /newer Switchboard: it has a schema change this version does not know \(hub\/from-the-future\)/);
  });

  it('is refused, unchanged, when it counts more migrations than any counting version had', () => {
    const file = join(scratchDir('sb-newer-count-'), 'app.db');
    const db = new Database(file);
    db.exec('CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    db.pragma('user_version = 14');
    db.close();
    expectRefusedUnchanged(file, /its schema version is 14, and this version knows 13/);
  });
});
