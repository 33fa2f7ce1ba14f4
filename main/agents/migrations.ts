// The agent tables (projects, sessions, messages, transcript cursors, API calls) and every change to them, each keyed by a stable id.
import type { Migration } from '../db/database.ts';
import { isTypedPrompt } from './claude.ts';
import { titleFrom } from './types.ts';

export const agentMigrations: Migration[] = [
  {
    id: 'agents/create-projects-sessions-messages',
    up(db) {
      db.exec(`
        CREATE TABLE projects (
          id TEXT PRIMARY KEY,
          name TEXT NOT NULL,
          path TEXT NOT NULL UNIQUE,
          created_at TEXT NOT NULL
        );
        CREATE TABLE sessions (
          id TEXT PRIMARY KEY,
          project_id TEXT REFERENCES projects(id) ON DELETE SET NULL,
          provider TEXT NOT NULL,
          origin TEXT NOT NULL CHECK (origin IN ('transcript', 'run')),
          model TEXT,
          title TEXT NOT NULL DEFAULT '',
          status TEXT NOT NULL CHECK (status IN ('running', 'success', 'error', 'stopped')),
          started_at TEXT NOT NULL,
          ended_at TEXT,
          last_activity_at TEXT NOT NULL,
          cwd TEXT,
          git_branch TEXT,
          external_id TEXT,
          message_count INTEGER NOT NULL DEFAULT 0,
          tool_call_count INTEGER NOT NULL DEFAULT 0,
          turn_count INTEGER NOT NULL DEFAULT 0,
          input_tokens INTEGER NOT NULL DEFAULT 0,
          output_tokens INTEGER NOT NULL DEFAULT 0,
          cache_read_tokens INTEGER NOT NULL DEFAULT 0,
          cache_write_tokens INTEGER NOT NULL DEFAULT 0,
          peak_tokens INTEGER NOT NULL DEFAULT 0,
          reported_cost_usd REAL,
          error_category TEXT,
          error_message TEXT
        );
        CREATE INDEX sessions_project ON sessions(project_id, started_at DESC);
        CREATE INDEX sessions_status ON sessions(status);
        CREATE INDEX sessions_external ON sessions(external_id) WHERE external_id IS NOT NULL;
        CREATE TABLE messages (
          seq INTEGER PRIMARY KEY,
          id TEXT NOT NULL UNIQUE,
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          timestamp TEXT NOT NULL,
          type TEXT NOT NULL,
          role TEXT NOT NULL,
          content TEXT NOT NULL,
          tool_call TEXT,
          tool_result TEXT,
          usage TEXT,
          usage_key TEXT,
          cost_usd REAL,
          error TEXT,
          raw TEXT NOT NULL
        );
        CREATE INDEX messages_session ON messages(session_id, timestamp, seq);
        CREATE INDEX messages_usage_key ON messages(session_id, usage_key) WHERE usage_key IS NOT NULL;
        CREATE TABLE import_files (
          path TEXT PRIMARY KEY,
          provider TEXT NOT NULL,
          offset INTEGER NOT NULL DEFAULT 0,
          size INTEGER NOT NULL DEFAULT 0,
          inode INTEGER NOT NULL DEFAULT 0,
          mtime_ms REAL NOT NULL DEFAULT 0,
          line_count INTEGER NOT NULL DEFAULT 0,
          malformed_count INTEGER NOT NULL DEFAULT 0,
          unknown_count INTEGER NOT NULL DEFAULT 0,
          session_id TEXT,
          skipped INTEGER NOT NULL DEFAULT 0,
          updated_at TEXT NOT NULL
        );
        CREATE TABLE unknown_records (
          key TEXT PRIMARY KEY,
          source_path TEXT NOT NULL,
          session_id TEXT,
          record_type TEXT NOT NULL,
          raw TEXT NOT NULL
        );
        CREATE TABLE agent_source_settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      `);
    },
  },
  {
    // Repeated usage is now recognised from the previous record (see insertMessages); the index only slowed imports.
    id: 'agents/drop-usage-key-index',
    up(db) {
      db.exec('DROP INDEX messages_usage_key');
    },
  },
  {
    // A retried run starts the agent again, and the agent gives each start a session of its own:
    // every id a run's agent reported marks a transcript the run already shows.
    id: 'agents/run-agent-ids',
    up(db) {
      db.exec(`
        CREATE TABLE run_agent_ids (
          agent_id TEXT PRIMARY KEY,
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE
        );
        INSERT OR IGNORE INTO run_agent_ids (agent_id, session_id)
          SELECT external_id, id FROM sessions WHERE origin = 'run' AND external_id IS NOT NULL;
      `);
    },
  },
  {
    // One row per API call, counted once with its largest figures and priced by its own model
    // (sessions used to keep the first of a call's records, and one model for the whole session).
    // Stored sessions are counted again from the usage their messages kept, runs from their results.
    id: 'agents/usage-per-api-call',
    up(db) {
      db.exec(`
        CREATE TABLE usage_calls (
          session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
          key TEXT NOT NULL,
          model TEXT,
          timestamp TEXT NOT NULL,
          input_tokens INTEGER NOT NULL DEFAULT 0,
          output_tokens INTEGER NOT NULL DEFAULT 0,
          cache_read_tokens INTEGER NOT NULL DEFAULT 0,
          cache_write_5m_tokens INTEGER NOT NULL DEFAULT 0,
          cache_write_1h_tokens INTEGER NOT NULL DEFAULT 0,
          cost_usd REAL,
          PRIMARY KEY (session_id, key)
        ) WITHOUT ROWID;
        CREATE INDEX usage_calls_time ON usage_calls(timestamp);
        INSERT INTO usage_calls (session_id, key, model, timestamp, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens)
          SELECT m.session_id, coalesce(m.usage_key, m.id), coalesce(json_extract(m.raw, '$.message.model'), s.model), min(m.timestamp),
            max(coalesce(json_extract(m.usage, '$.input_tokens'), 0)), max(coalesce(json_extract(m.usage, '$.output_tokens'), 0)),
            max(coalesce(json_extract(m.usage, '$.cache_read_input_tokens'), 0)),
            max(coalesce(json_extract(m.usage, '$.cache_creation_input_tokens'), 0) - coalesce(json_extract(m.raw, '$.message.usage.cache_creation.ephemeral_1h_input_tokens'), 0)),
            max(coalesce(json_extract(m.raw, '$.message.usage.cache_creation.ephemeral_1h_input_tokens'), 0))
          FROM messages m JOIN sessions s ON s.id = m.session_id
          WHERE m.usage IS NOT NULL AND coalesce(json_extract(m.raw, '$.message.model'), '') <> '<synthetic>'
          GROUP BY m.session_id, coalesce(m.usage_key, m.id);
        CREATE TEMP TABLE reported_runs AS
          SELECT DISTINCT m.session_id FROM messages m JOIN sessions s ON s.id = m.session_id
          WHERE s.origin = 'run' AND m.type = 'cost' AND json_type(m.raw, '$.modelUsage') = 'object';
        DELETE FROM usage_calls WHERE session_id IN (SELECT session_id FROM reported_runs);
        INSERT OR REPLACE INTO usage_calls (session_id, key, model, timestamp, input_tokens, output_tokens, cache_read_tokens, cache_write_5m_tokens, cache_write_1h_tokens, cost_usd)
          SELECT m.session_id, m.id || ':' || u.key, u.key, m.timestamp,
            coalesce(json_extract(u.value, '$.inputTokens'), 0), coalesce(json_extract(u.value, '$.outputTokens'), 0), coalesce(json_extract(u.value, '$.cacheReadInputTokens'), 0),
            coalesce(json_extract(u.value, '$.cacheCreationInputTokens'), 0) - coalesce(json_extract(u.value, '$.cacheCreationEphemeral1hInputTokens'), 0),
            coalesce(json_extract(u.value, '$.cacheCreationEphemeral1hInputTokens'), 0), json_extract(u.value, '$.costUSD')
          FROM messages m, json_each(m.raw, '$.modelUsage') u
          WHERE m.session_id IN (SELECT session_id FROM reported_runs) AND m.type = 'cost' AND json_type(m.raw, '$.modelUsage') = 'object';
        DROP TABLE reported_runs;
        UPDATE sessions SET (input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, peak_tokens) = (
          SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(cache_read_tokens), 0),
            coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens), 0),
            coalesce(max(input_tokens + output_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens), 0)
          FROM usage_calls u WHERE u.session_id = sessions.id);
      `);
      // Turns were every user text; they are the prompts a person typed.
      db.function('sb_typed_prompt', { deterministic: true }, (content: unknown, raw: unknown) => (typedRecord(String(raw)) && isTypedPrompt(String(content)) ? 1 : 0));
      db.exec(`
        UPDATE sessions SET turn_count = (
          SELECT count(*) FROM messages m WHERE m.session_id = sessions.id AND m.role = 'user' AND m.type = 'text' AND sb_typed_prompt(m.content, m.raw));
      `);
    },
  },
  {
    // What a project's runs may do (Claude Code's --permission-mode, --allowedTools, --disallowedTools),
    // and how many tool calls a run had refused.
    id: 'agents/run-tool-permissions',
    up(db) {
      db.exec(`
        ALTER TABLE projects ADD COLUMN permissions TEXT NOT NULL DEFAULT '{}';
        ALTER TABLE sessions ADD COLUMN denied_tool_count INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
  {
    // Writing a second index for every API call cost the import more than the period queries it
    // served; they find their calls through the sessions active in the period instead.
    id: 'agents/usage-calls-without-time-index',
    up(db) {
      db.exec('DROP INDEX IF EXISTS usage_calls_time');
    },
  },
  {
    // Every new transcript file asks whether a run is waiting for its agent's id. Found through the
    // status index alone, that read every running session, and a bulk import leaves thousands
    // running until it ends: the import slowed with the square of its sessions.
    id: 'agents/sessions-origin-status-index',
    up(db) {
      db.exec('CREATE INDEX sessions_origin_status ON sessions(origin, status)');
    },
  },
  {
    // Claude Code's synthetic API-error reply was stored as the assistant's: it is the system's error.
    id: 'agents/api-errors-are-not-replies',
    up(db) {
      db.exec("UPDATE messages SET role = 'system' WHERE type = 'error' AND role = 'assistant'");
    },
  },
  {
    // A subagent's transcript was read into its parent's conversation, where its task showed as the
    // user's words after the Task result. Each subagent is now a session of its own, a child of the
    // parent, opened from the Task call that started it; its usage is still part of the parent's.
    id: 'agents/subagent-sessions',
    up(db) {
      db.exec(`
        ALTER TABLE sessions ADD COLUMN parent_session_id TEXT;
        CREATE INDEX sessions_parent ON sessions(parent_session_id);
        CREATE TABLE subagent_links (
          session_id TEXT PRIMARY KEY,
          parent_session_id TEXT NOT NULL,
          tool_use_id TEXT NOT NULL
        );
        CREATE TEMP TABLE subagent_moves AS
          SELECT m.seq, m.session_id AS parent, m.session_id || ':agent-' || json_extract(m.raw, '$.agentId') AS child, m.usage_key
          FROM messages m JOIN sessions s ON s.id = m.session_id
          WHERE s.provider = 'claude' AND instr(m.raw, '"isSidechain":true') > 0 AND json_valid(m.raw)
            AND json_extract(m.raw, '$.isSidechain') = 1 AND json_type(m.raw, '$.agentId') = 'text'
            AND json_extract(m.raw, '$.agentId') NOT LIKE 'acompact%';
        INSERT OR IGNORE INTO sessions (id, project_id, provider, origin, title, status, started_at, last_activity_at, ended_at, cwd, git_branch, parent_session_id)
          SELECT v.child, p.project_id, p.provider, 'transcript', '', p.status, min(m.timestamp), max(m.timestamp),
            CASE WHEN p.status = 'running' THEN NULL ELSE max(m.timestamp) END, p.cwd, p.git_branch, v.parent
          FROM subagent_moves v JOIN messages m ON m.seq = v.seq JOIN sessions p ON p.id = v.parent
          GROUP BY v.child;
        UPDATE usage_calls SET session_id = (SELECT DISTINCT v.child FROM subagent_moves v WHERE v.parent = usage_calls.session_id AND v.usage_key = usage_calls.key)
          WHERE EXISTS (SELECT 1 FROM subagent_moves v WHERE v.parent = usage_calls.session_id AND v.usage_key = usage_calls.key);
        UPDATE messages SET session_id = (SELECT v.child FROM subagent_moves v WHERE v.seq = messages.seq) WHERE seq IN (SELECT seq FROM subagent_moves);
        INSERT OR IGNORE INTO subagent_links (session_id, parent_session_id, tool_use_id)
          SELECT m.session_id || ':agent-' || json_extract(m.raw, '$.toolUseResult.agentId'), m.session_id, json_extract(m.tool_result, '$.tool_call_id')
          FROM messages m
          WHERE m.type = 'tool_result' AND instr(m.raw, '"agentId"') > 0 AND json_valid(m.raw) AND json_type(m.raw, '$.toolUseResult.agentId') = 'text'
            AND json_extract(m.raw, '$.toolUseResult.agentId') NOT LIKE 'acompact%';
        CREATE TEMP TABLE subagent_touched AS SELECT DISTINCT parent AS id FROM subagent_moves UNION SELECT DISTINCT child FROM subagent_moves;
        UPDATE sessions SET
          message_count = (SELECT count(*) FROM messages m WHERE m.session_id = sessions.id),
          tool_call_count = (SELECT count(*) FROM messages m WHERE m.session_id = sessions.id AND m.type = 'tool_call'),
          turn_count = CASE WHEN parent_session_id IS NULL THEN turn_count ELSE 0 END,
          model = coalesce((SELECT json_extract(m.raw, '$.message.model') FROM messages m
            WHERE m.session_id = sessions.id AND m.role = 'assistant' AND json_valid(m.raw) AND json_extract(m.raw, '$.message.model') <> '<synthetic>'
            ORDER BY m.timestamp DESC, m.seq DESC LIMIT 1), model)
          WHERE id IN (SELECT id FROM subagent_touched);
        UPDATE sessions SET (input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, peak_tokens) = (
          SELECT coalesce(sum(input_tokens), 0), coalesce(sum(output_tokens), 0), coalesce(sum(cache_read_tokens), 0),
            coalesce(sum(cache_write_5m_tokens + cache_write_1h_tokens), 0),
            coalesce(max(CASE WHEN u.session_id = sessions.id THEN input_tokens + output_tokens + cache_read_tokens + cache_write_5m_tokens + cache_write_1h_tokens END), 0)
          FROM usage_calls u WHERE u.session_id = sessions.id OR u.session_id IN (SELECT c.id FROM sessions c WHERE c.parent_session_id = sessions.id))
          WHERE id IN (SELECT id FROM subagent_touched);
      `);
      // A subagent's title is the task it was given: its first prompt.
      const firstPrompt = db.prepare("SELECT content FROM messages WHERE session_id = ? AND role = 'user' AND type = 'text' ORDER BY timestamp, seq LIMIT 1").pluck();
      const setTitle = db.prepare('UPDATE sessions SET title = ? WHERE id = ?');
      for (const id of db.prepare('SELECT DISTINCT child FROM subagent_moves').pluck().all() as string[]) {
        const prompt = firstPrompt.get(id) as string | undefined;
        if (prompt) setTitle.run(titleFrom(prompt), id);
      }
      db.exec('DROP TABLE subagent_moves; DROP TABLE subagent_touched;');
    },
  },
  {
    // Projects found in the transcripts (grouped by repository root), the paths merged into a
    // project, each working folder's repository root once resolved, and what the user renamed or hid.
    id: 'agents/discovered-projects',
    up(db) {
      db.exec(`
        ALTER TABLE projects ADD COLUMN discovered INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE projects ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE project_aliases (
          path TEXT PRIMARY KEY,
          project_id TEXT NOT NULL REFERENCES projects(id) ON DELETE CASCADE
        );
        CREATE INDEX project_aliases_project ON project_aliases(project_id);
        CREATE TABLE repo_roots (
          cwd TEXT PRIMARY KEY,
          root TEXT NOT NULL,
          resolved_at TEXT NOT NULL
        );
        ALTER TABLE sessions ADD COLUMN user_title TEXT;
        ALTER TABLE sessions ADD COLUMN hidden INTEGER NOT NULL DEFAULT 0;
      `);
    },
  },
];

/** Whether a stored user record was one a person wrote (not meta, a subagent's prompt or a summary). */
function typedRecord(raw: string): boolean {
  try {
    const r = JSON.parse(raw) as Record<string, unknown>;
    return r.isSidechain !== true && r.isMeta !== true && r.isCompactSummary !== true && r.isVisibleInTranscriptOnly !== true && typeof r.parent_tool_use_id !== 'string';
  } catch {
    return false;
  }
}
