import type { HubMigration } from './db.ts';

/**
 * Every schema step of the Hub, oldest first. Append new steps with a new id;
 * never edit one that has shipped. The SQL is the subset SQLite and
 * PostgreSQL share: TEXT ids and ISO times, BIGINT counts, 0/1 flags.
 */
export const HUB_MIGRATIONS: readonly HubMigration[] = [
  {
    id: 'people/users-groups-tokens',
    sql: [
      'CREATE TABLE users (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)',
      'CREATE TABLE groups (id TEXT PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL)',
      `CREATE TABLE memberships (user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE, PRIMARY KEY (user_id, group_id))`,
      `CREATE TABLE tokens (id TEXT PRIMARY KEY, user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         name TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL, expires_at TEXT,
         last_used_at TEXT, revoked_at TEXT)`,
      'CREATE TABLE hub_state (key TEXT PRIMARY KEY, value TEXT NOT NULL)',
    ],
  },
  {
    id: 'audit/admin-actions',
    sql: [
      `CREATE TABLE audit (id TEXT PRIMARY KEY, at TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
         target TEXT NOT NULL, detail TEXT NOT NULL)`,
      'CREATE INDEX audit_at ON audit (at)',
    ],
  },
  {
    id: 'sources/sources-and-plugins',
    sql: [
      `CREATE TABLE sources (id TEXT PRIMARY KEY, slug TEXT NOT NULL UNIQUE, name TEXT NOT NULL, kind TEXT NOT NULL,
         url TEXT NOT NULL, token_ref TEXT, public_key TEXT, created_at TEXT NOT NULL, last_sync_at TEXT,
         last_ok_at TEXT, last_error TEXT, revision TEXT, etag TEXT)`,
      `CREATE TABLE source_plugins (source_id TEXT NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
         name TEXT NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, content_hash TEXT NOT NULL,
         PRIMARY KEY (source_id, name))`,
    ],
  },
  {
    id: 'grants/plugin-groups',
    sql: [
      `CREATE TABLE grants (plugin_ref TEXT NOT NULL, group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
         created_at TEXT NOT NULL, PRIMARY KEY (plugin_ref, group_id))`,
    ],
  },
  {
    id: 'catalog/per-user-versions',
    sql: [
      `CREATE TABLE catalog_views (user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
         content_hash TEXT NOT NULL, version BIGINT NOT NULL, signed_at TEXT NOT NULL, expires_at TEXT NOT NULL)`,
    ],
  },
  {
    id: 'usage/session-summaries',
    sql: [
      `CREATE TABLE usage_sessions (user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
         session_id TEXT NOT NULL, agent TEXT NOT NULL, project TEXT NOT NULL, model TEXT NOT NULL,
         started_at TEXT NOT NULL, day TEXT NOT NULL, duration_ms BIGINT NOT NULL, input_tokens BIGINT NOT NULL,
         output_tokens BIGINT NOT NULL, cache_read_tokens BIGINT NOT NULL, cache_write_tokens BIGINT NOT NULL,
         cost_usd DOUBLE PRECISION NOT NULL, status TEXT NOT NULL, received_at TEXT NOT NULL,
         PRIMARY KEY (user_id, session_id))`,
      'CREATE INDEX usage_day ON usage_sessions (day)',
    ],
  },
  {
    id: 'sources/skipped-entries',
    sql: ['ALTER TABLE sources ADD COLUMN skipped TEXT'],
  },
  {
    id: 'people/group-permissions',
    sql: [
      `CREATE TABLE group_permissions (group_id TEXT NOT NULL REFERENCES groups(id) ON DELETE CASCADE,
         permission TEXT NOT NULL, created_at TEXT NOT NULL, PRIMARY KEY (group_id, permission))`,
    ],
  },
];
