import Database from 'better-sqlite3';
import { applyMigrations, MIGRATIONS_TABLE, type HubDb, type HubMigration } from './db.ts';

/** better-sqlite3 takes booleans only as 0/1. */
function bind(params: readonly unknown[]): unknown[] {
  return params.map((p) => (typeof p === 'boolean' ? (p ? 1 : 0) : p));
}

/**
 * One SQLite file in WAL mode. better-sqlite3 is synchronous, so a
 * transaction that awaits would let other requests' statements slip into it;
 * a queue makes every statement wait while a transaction is open.
 */
export class SqliteHubDb implements HubDb {
  readonly kind = 'sqlite' as const;
  readonly #db: Database.Database;
  /** Prepared once per distinct SQL text: the Hub's statements are a fixed set. */
  readonly #statements = new Map<string, Database.Statement>();
  #queue: Promise<unknown> = Promise.resolve();
  #inTransaction = false;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  static async open(path: string, migrations: readonly HubMigration[], now: () => Date = () => new Date()): Promise<SqliteHubDb> {
    const db = new Database(path);
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = NORMAL');
    const hub = new SqliteHubDb(db);
    db.exec(MIGRATIONS_TABLE);
    await hub.transaction((tx) => applyMigrations(tx, migrations, now));
    return hub;
  }

  async all<T>(sql: string, params: readonly unknown[] = []): Promise<T[]> {
    await this.#idle();
    return this.#prepare(sql).all(...bind(params)) as T[];
  }

  async get<T>(sql: string, params: readonly unknown[] = []): Promise<T | undefined> {
    await this.#idle();
    return this.#prepare(sql).get(...bind(params)) as T | undefined;
  }

  async run(sql: string, params: readonly unknown[] = []): Promise<{ changes: number }> {
    await this.#idle();
    const statement = this.#prepare(sql);
    if (!statement.reader) return { changes: statement.run(...bind(params)).changes };
    statement.all(...bind(params));
    return { changes: 0 };
  }

  transaction<T>(work: (tx: HubDb) => Promise<T>): Promise<T> {
    const result = this.#queue.then(async () => {
      this.#db.exec('BEGIN IMMEDIATE');
      this.#inTransaction = true;
      try {
        const value = await work(this.#inside);
        this.#db.exec('COMMIT');
        return value;
      } catch (err) {
        this.#db.exec('ROLLBACK');
        throw err;
      } finally {
        this.#inTransaction = false;
      }
    });
    this.#queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#db.close();
  }

  #prepare(sql: string): Database.Statement {
    let statement = this.#statements.get(sql);
    if (!statement) {
      statement = this.#db.prepare(sql);
      this.#statements.set(sql, statement);
    }
    return statement;
  }

  /** Statements of the open transaction run directly; they are what the queue waits for. */
  readonly #inside: HubDb = {
    kind: 'sqlite',
    all: async <T>(sql: string, params: readonly unknown[] = []) => this.#prepare(sql).all(...bind(params)) as T[],
    get: async <T>(sql: string, params: readonly unknown[] = []) => this.#prepare(sql).get(...bind(params)) as T | undefined,
    run: async (sql: string, params: readonly unknown[] = []) => {
      const statement = this.#prepare(sql);
      if (!statement.reader) return { changes: statement.run(...bind(params)).changes };
      statement.all(...bind(params));
      return { changes: 0 };
    },
    transaction: (work) => work(this.#inside),
    close: async () => undefined,
  };

  async #idle(): Promise<void> {
    if (this.#inTransaction) await this.#queue;
  }
}
