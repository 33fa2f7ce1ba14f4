import type { Db } from './database.ts';

/**
 * Until stable ids were recorded, `user_version` counted how many entries
 * of the concatenated migration list had run. Migrations were inserted into
 * earlier capabilities' lists three times, so a count does not say which
 * ones ran (and one upgrade between landings stopped half-way). What each
 * of those migrations left in the schema does say it, so an old database is
 * read for those traces instead. This list is history: it never grows.
 */
const COUNTED_MIGRATIONS: Record<string, (schema: SchemaTraces) => boolean> = {
  'settings/create-settings': (s) => s.table('settings'),
  'audit/create-audit-log': (s) => s.table('audit_log'),
  'notifications/create-notifications': (s) => s.table('notifications'),
  'secrets/create-secret-names': (s) => s.table('secrets'),
  'plugins/create-registry': (s) => s.table('plugins'),
  'tasks/create-tasks': (s) => s.table('tasks'),
  'marketplace/create-sources-and-journal': (s) => s.table('marketplace_sources'),
  'agents/create-projects-sessions-messages': (s) => s.table('sessions'),
  'agents/drop-usage-key-index': (s) => s.table('messages') && !s.index('messages_usage_key'),
  'agents/run-agent-ids': (s) => s.table('run_agent_ids'),
  'search/create-fts-tables': (s) => s.table('search_tasks'),
  'search/message-index-in-own-file': (s) => s.table('search_index_source'),
  'metrics/create-session-metrics-and-prices': (s) => s.table('session_metrics'),
};

/** The longest counted list that ever shipped: a larger count was written by something else. */
export const LONGEST_COUNTED_SCHEMA = Object.keys(COUNTED_MIGRATIONS).length;

interface SchemaTraces {
  table(name: string): boolean;
  index(name: string): boolean;
}

/** The ids of the counted-era migrations whose traces the database holds. */
export function recognizeCountedMigrations(db: Db): string[] {
  const rows = db.prepare("SELECT type, name FROM sqlite_master WHERE type IN ('table', 'index')").all() as { type: string; name: string }[];
  const present = new Set(rows.map((r) => `${r.type}:${r.name}`));
  const traces: SchemaTraces = {
    table: (name) => present.has(`table:${name}`),
    index: (name) => present.has(`index:${name}`),
  };
  return Object.entries(COUNTED_MIGRATIONS)
    .filter(([, left]) => left(traces))
    .map(([id]) => id);
}
