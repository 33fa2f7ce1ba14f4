import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freshDatabase, postgresBin, startPostgres } from '../testing/postgres.ts';
import { HUB_MIGRATIONS } from './migrations.ts';
import { PostgresHubDb } from './postgres.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/**
 * PostgreSQL and SQLite pass the same suite: this starts a real server from
 * Debian's packages and runs every other Hub test file again against it
 * (HUB_TEST_POSTGRES gives each test Hub a database of its own).
 */
const why = postgresBin() ? '' : ' (skipped: PostgreSQL is not installed; apt-get install postgresql)';
describe.skipIf(!postgresBin() || process.env.HUB_TEST_POSTGRES)(`Hub on PostgreSQL${why}`, () => {
  it('migrates by id once, even when two instances start together, and the whole Hub suite passes on it', { timeout: 300_000 }, async () => {
    const server = await startPostgres();
    try {
      const db = await freshDatabase(server.url);
      const [a, b] = await Promise.all([PostgresHubDb.open(db.url, HUB_MIGRATIONS), PostgresHubDb.open(db.url, HUB_MIGRATIONS)]);
      const ids = (await a.all<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id')).map((r) => r.id);
      expect(ids).toEqual(HUB_MIGRATIONS.map((m) => m.id).sort());
      await a.close();
      await b.close();
      await db.drop();

      const report = join(mkdtempSync(join(tmpdir(), 'hub-pg-report-')), 'report.json');
      const code = await new Promise<number>((resolve) => {
        execFile(
          join(ROOT, 'node_modules', '.bin', 'vitest'),
          ['run', 'hub', '--exclude', 'hub/storage/postgres.test.ts', '--reporter=json', `--outputFile=${report}`],
          { cwd: ROOT, env: { ...process.env, HUB_TEST_POSTGRES: server.url }, maxBuffer: 64 * 1024 * 1024 },
          (err) => resolve(err ? Number((err as { code?: number }).code ?? 1) : 0),
        );
      });
      const result = JSON.parse(readFileSync(report, 'utf8')) as {
        numPassedTests: number;
        numFailedTests: number;
        testResults: { assertionResults: { fullName: string; status: string; failureMessages: string[] }[] }[];
      };
      const failed = result.testResults.flatMap((f) => f.assertionResults.filter((t) => t.status === 'failed').map((t) => `${t.fullName}: ${t.failureMessages[0]?.slice(0, 400)}`));
      expect(failed).toEqual([]);
      expect(code).toBe(0);
      expect(result.numPassedTests).toBeGreaterThan(20);
    } finally {
      server.stop();
    }
  });
});
