// Builds main/db/fixtures/<name>.db: a database made by the migrations of an
// earlier commit, with a row added to every table (listed in <name>.rows.json:
// they stand for the user's data), for the upgrade test
// (main/db/upgrade.test.ts). Run it when a release changes the schema:
//   node scripts/make-schema-fixtures.ts
// Each commit's own main/ and app/ are extracted from git and run with this
// checkout's node_modules, so the database is exactly what that version wrote.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'main/db/fixtures');

/**
 * Every schema this repository has had while `user_version` counted migrations.
 * `then` opens the result with a later commit's code, as an upgrade did.
 */
const SCHEMAS: { name: string; commit: string; then?: string }[] = [
  { name: 'counted-05-foundation', commit: 'd42094e' },
  { name: 'counted-06-tasks', commit: 'bc2c61d' },
  { name: 'counted-09-agents', commit: '5f71e9e' },
  { name: 'counted-10-marketplace', commit: '5579779' },
  { name: 'counted-11-usage-index-dropped', commit: '99dba19' },
  { name: 'counted-12-search-file', commit: '7819faa' },
  { name: 'counted-13-run-agent-ids', commit: 'bd64e7c' },
  // A database of the first landing, opened by the second: the counted runner skipped
  // agents/run-agent-ids and then failed on a table that already existed.
  { name: 'counted-11-upgraded-by-13', commit: '99dba19', then: 'bd64e7c' },
];

/**
 * Runs in the extracted tree: migrate with that commit's code, then add a row to every table
 * (beside the rows a migration wrote, such as the default prices: the added one stands for the user's own).
 */
const SEED = `
import Database from 'better-sqlite3';
import { writeFileSync } from 'node:fs';
import { openDatabase } from './main/db/database.ts';
import { MIGRATIONS } from './main/db/migrations.ts';
const [file, mode] = process.argv.slice(2);
if (mode === 'upgrade') {
  try { openDatabase(file, MIGRATIONS).close(); } catch (err) { console.log('upgrade failed as it did then: ' + err.message); }
  process.exit(0);
}
openDatabase(file, MIGRATIONS).close();
const db = new Database(file);
const objects = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all();
const virtual = objects.filter((o) => /^CREATE VIRTUAL TABLE/i.test(o.sql)).map((o) => o.name);
const tables = objects.map((o) => o.name).filter((n) => !virtual.some((v) => n.startsWith(v + '_')));
const parents = (t) => db.prepare('SELECT "table" AS parent FROM pragma_foreign_key_list(?)').all(t).map((r) => r.parent);
const ordered = [];
const visit = (t) => { if (ordered.includes(t)) return; for (const p of parents(t)) if (p !== t) visit(p); ordered.push(t); };
tables.forEach(visit);
const added = {};
const CHECKED = { origin: 'run', status: (t) => (t === 'tasks' ? 'todo' : 'success') };
// Columns the app stores JSON in get what it wrote; other text is a JSON string, valid for json_* functions too.
const WRITTEN = {
  'messages.usage': JSON.stringify({ input_tokens: 12, output_tokens: 34, cache_read_input_tokens: 56, cache_creation_input_tokens: 78 }),
  'messages.raw': JSON.stringify({ type: 'assistant', uuid: 'u-1', message: { id: 'msg_1', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'hello' }] } }),
};
for (const t of ordered) {
  const fks = new Map(db.prepare('SELECT "from", "table", "to" FROM pragma_foreign_key_list(?)').all(t).map((f) => [f.from, JSON.stringify(f.table + '.' + (f.to ?? 'id'))]));
  const cols = virtual.includes(t)
    ? db.prepare('SELECT name, \\'TEXT\\' AS type FROM pragma_table_xinfo(?) WHERE hidden = 0').all(t)
    : db.prepare('SELECT name, type FROM pragma_table_info(?)').all(t);
  const value = (c) => {
    if (fks.has(c.name)) return fks.get(c.name);
    if (WRITTEN[t + '.' + c.name]) return WRITTEN[t + '.' + c.name];
    if (c.name in CHECKED) { const v = CHECKED[c.name]; return typeof v === 'function' ? v(t) : v; }
    if (/INT/i.test(c.type)) return 1;
    if (/REAL/i.test(c.type)) return 1.5;
    return JSON.stringify(t + '.' + c.name);
  };
  // OR IGNORE: a table that allows one row only (search_index_source) keeps the one its migration wrote.
  const { changes, lastInsertRowid } = db.prepare('INSERT OR IGNORE INTO "' + t + '" (' + cols.map((c) => '"' + c.name + '"').join(', ') + ') VALUES (' + cols.map(() => '?').join(', ') + ')').run(...cols.map(value));
  if (changes === 1) added[t] = db.prepare('SELECT * FROM "' + t + '" WHERE rowid = ?').get(lastInsertRowid);
}
db.close();
writeFileSync(file + '.rows.json', JSON.stringify(added, null, 2) + '\\n');
`;

function extract(commit: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sb-schema-${commit}-`));
  execFileSync('sh', ['-c', `git archive ${commit} main app | tar -x -C "${dir}"`], { cwd: root });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  writeFileSync(join(dir, 'package.json'), '{"type":"module"}');
  writeFileSync(join(dir, 'seed.ts'), SEED);
  return dir;
}

mkdirSync(out, { recursive: true });
for (const schema of SCHEMAS) {
  const target = join(out, `${schema.name}.db`);
  rmSync(target, { force: true });
  const made = extract(schema.commit);
  const work = join(made, 'app.db');
  execFileSync(process.execPath, [join(made, 'seed.ts'), work], { cwd: made, stdio: 'inherit' });
  if (schema.then) {
    const later = extract(schema.then);
    execFileSync(process.execPath, [join(later, 'seed.ts'), work, 'upgrade'], { cwd: later, stdio: 'inherit' });
    rmSync(later, { recursive: true, force: true });
  }
  execFileSync(process.execPath, ['-e', `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(work)}); d.pragma('journal_mode = DELETE'); d.pragma('page_size = 4096'); d.exec('VACUUM'); d.close();`], { cwd: root });
  cpSync(work, target);
  cpSync(`${work}.rows.json`, target.replace(/\.db$/, '.rows.json'));
  rmSync(made, { recursive: true, force: true });
  console.log(`${target}`);
}
