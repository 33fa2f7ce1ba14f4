import { auditMigrations } from '../audit/audit.ts';
import { pluginRegistryMigrations } from '../plugins/registry.ts';
import { notificationMigrations } from '../notifications/notifications.ts';
import { secretsMigrations } from '../secrets/secrets.ts';
import { settingsMigrations } from '../settings/settings.ts';
import { taskMigrations } from '../tasks/tasks.ts';
import { marketplaceMigrations } from '../marketplace/store.ts';
import { agentMigrations } from '../agents/migrations.ts';
import { searchMigrations } from '../search/search.ts';
import { metricsMigrations } from '../metrics/metrics.ts';
import { usageShareMigrations } from '../usage-share/share.ts';
import type { Migration } from './database.ts';

/**
 * The app's schema history, applied in this order. Each migration is
 * recorded by its id in `schema_migrations` (see migrate() in database.ts),
 * so a migration added to any capability's list runs on every database that
 * lacks it, wherever it stands. Ids are permanent; a migration, once landed,
 * is never edited: a change to it is a new migration.
 */
export const MIGRATIONS: readonly Migration[] = [
  ...settingsMigrations,
  ...auditMigrations,
  ...notificationMigrations,
  ...secretsMigrations,
  ...pluginRegistryMigrations,
  ...taskMigrations,
  ...marketplaceMigrations,
  ...agentMigrations,
  ...searchMigrations,
  ...metricsMigrations,
  ...usageShareMigrations,
];
