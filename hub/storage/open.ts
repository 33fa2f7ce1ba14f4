import { join } from 'node:path';
import type { HubDb } from './db.ts';
import { HUB_MIGRATIONS } from './migrations.ts';
import { PostgresHubDb } from './postgres.ts';
import { SqliteHubDb } from './sqlite.ts';

/** PostgreSQL when a database URL is given, otherwise one SQLite file in the data folder. */
export function openHubDb(dataDir: string, databaseUrl: string | undefined, now?: () => Date): Promise<HubDb> {
  return databaseUrl ? PostgresHubDb.open(databaseUrl, HUB_MIGRATIONS, now) : SqliteHubDb.open(join(dataDir, 'hub.db'), HUB_MIGRATIONS, now);
}
