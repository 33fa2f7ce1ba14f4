import pg from 'pg';
import { applyMigrations, MIGRATIONS_TABLE, type HubDb, type HubMigration } from './db.ts';

// BIGINT and NUMERIC (what SUM returns) arrive as strings by default; the Hub's figures fit in a double.
pg.types.setTypeParser(20, (v) => Number(v));
pg.types.setTypeParser(1700, (v) => Number(v));

/** `?` placeholders become `$1, $2, …`; the Hub's SQL never holds a literal question mark. */
function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** A lock id of our own, so that several Hub instances starting together migrate one at a time. */
const MIGRATION_LOCK = 0x5357_4842;

type Queryable = pg.Pool | pg.PoolClient;

function over(q: Queryable, transaction: HubDb['transaction']): HubDb {
  return {
    kind: 'postgres',
    all: async <T>(sql: string, params: readonly unknown[] = []) => (await q.query(numbered(sql), params as unknown[])).rows as T[],
    get: async <T>(sql: string, params: readonly unknown[] = []) => (await q.query(numbered(sql), params as unknown[])).rows[0] as T | undefined,
    run: async (sql: string, params: readonly unknown[] = []) => ({ changes: (await q.query(numbered(sql), params as unknown[])).rowCount ?? 0 }),
    transaction,
    close: async () => undefined,
  };
}

/** PostgreSQL through a connection pool, when DATABASE_URL is set. */
export class PostgresHubDb implements HubDb {
  readonly kind = 'postgres' as const;
  readonly #pool: pg.Pool;
  readonly #direct: HubDb;

  private constructor(pool: pg.Pool) {
    this.#pool = pool;
    this.#direct = over(pool, (work) => this.transaction(work));
  }

  static async open(url: string, migrations: readonly HubMigration[], now: () => Date = () => new Date()): Promise<PostgresHubDb> {
    const pool = new pg.Pool({ connectionString: url, max: 10 });
    // An idle connection the server drops (a restart, a failover) is replaced by the pool; the next query reports real trouble.
    pool.on('error', () => undefined);
    const hub = new PostgresHubDb(pool);
    try {
      await hub.transaction(async (tx) => {
        await tx.run('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK]);
        await tx.run(MIGRATIONS_TABLE);
        await applyMigrations(tx, migrations, now);
      });
    } catch (err) {
      await pool.end();
      throw err;
    }
    return hub;
  }

  all<T>(sql: string, params?: readonly unknown[]): Promise<T[]> {
    return this.#direct.all<T>(sql, params);
  }

  get<T>(sql: string, params?: readonly unknown[]): Promise<T | undefined> {
    return this.#direct.get<T>(sql, params);
  }

  run(sql: string, params?: readonly unknown[]): Promise<{ changes: number }> {
    return this.#direct.run(sql, params);
  }

  async transaction<T>(work: (tx: HubDb) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    const inside: HubDb = over(client, (nested) => nested(inside));
    try {
      await client.query('BEGIN');
      const value = await work(inside);
      await client.query('COMMIT');
      return value;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
  }
}
