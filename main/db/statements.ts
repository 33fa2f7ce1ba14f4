import type { Statement } from 'better-sqlite3';
import type { Db } from './database.ts';

/**
 * A statement for each SQL text, prepared on its first use and reused after:
 * preparing costs far more than running, and a bulk import runs the same few
 * statements hundreds of thousands of times.
 */
export function preparedOnce(db: Db): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) {
      statement = db.prepare(sql);
      statements.set(sql, statement);
    }
    return statement;
  };
}
