/**
 * The Hub's storage interface: the same SQL, written with `?` placeholders and
 * the common subset of SQLite and PostgreSQL, runs on both. Everything is
 * async because PostgreSQL is; the SQLite adapter serialises transactions so
 * that an `await` inside one cannot interleave another request's writes.
 */
export interface HubDb {
  readonly kind: 'sqlite' | 'postgres';
  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]>;
  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined>;
  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }>;
  /** Runs `work` in one transaction; it commits when `work` resolves and rolls back when it throws. */
  transaction<T>(work: (tx: HubDb) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** One schema step. The id is stable (`<area>/<what>`); applied ids are recorded in `schema_migrations`. */
export interface HubMigration {
  id: string;
  /** Statements valid in both SQLite and PostgreSQL. */
  sql: readonly string[];
}

export const MIGRATIONS_TABLE = 'CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at TEXT NOT NULL)';

/** Applies, in order, every migration whose id is not recorded yet. The caller holds the migration lock. */
export async function applyMigrations(tx: HubDb, migrations: readonly HubMigration[], now: () => Date): Promise<string[]> {
  const done = new Set((await tx.all<{ id: string }>('SELECT id FROM schema_migrations')).map((r) => r.id));
  const applied: string[] = [];
  for (const m of migrations) {
    if (done.has(m.id)) continue;
    for (const statement of m.sql) await tx.run(statement);
    await tx.run('INSERT INTO schema_migrations (id, applied_at) VALUES (?, ?)', [m.id, now().toISOString()]);
    applied.push(m.id);
  }
  return applied;
}
