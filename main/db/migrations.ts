import { auditMigrations } from '../audit/audit.ts';
import { pluginRegistryMigrations } from '../plugins/registry.ts';
import { notificationMigrations } from '../notifications/notifications.ts';
import { secretsMigrations } from '../secrets/secrets.ts';
import { settingsMigrations } from '../settings/settings.ts';
import { taskMigrations } from '../tasks/tasks.ts';
import { marketplaceMigrations } from '../marketplace/store.ts';
import { agentMigrations } from '../agents/store.ts';
import { searchMigrations } from '../search/search.ts';
import { metricsMigrations } from '../metrics/metrics.ts';
import type { Migration } from './database.ts';

/**
 * The app's schema history. `user_version` counts how many of these have
 * run, so the order is permanent: new capabilities append, nothing moves.
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
];
