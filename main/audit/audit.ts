import type { Static } from '@sinclair/typebox';
import { AUDIT_PAGE_LIMIT, type AuditEntry, type AuditFilter } from '../../app/contract/audit.ts';
import type { Db, Migration } from '../db/database.ts';
import type { AppEvents } from '../ipc/events.ts';

export type AuditRow = Static<typeof AuditEntry>;
export type AuditQuery = Static<typeof AuditFilter>;
export type AuditActor = 'app' | 'user' | `plugin:${string}` | `agent:${string}`;

export const auditMigrations: Migration[] = [
  {
    id: 'audit/create-audit-log',
    up(db) {
      db.exec(`
        CREATE TABLE audit_log (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          at TEXT NOT NULL,
          event_type TEXT NOT NULL,
          actor TEXT NOT NULL,
          subject TEXT NOT NULL DEFAULT '',
          detail TEXT NOT NULL DEFAULT '{}'
        );
        CREATE INDEX audit_log_at ON audit_log(at);
        CREATE INDEX audit_log_type ON audit_log(event_type, id);
        CREATE INDEX audit_log_actor ON audit_log(actor, id);
        -- Append-only: the log refuses edits, whoever asks.
        CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
          BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
      `);
    },
  },
];

interface RawRow {
  id: number;
  at: string;
  event_type: string;
  actor: string;
  subject: string;
  detail: string;
}

function toEntry(row: RawRow): AuditRow {
  return { id: row.id, at: row.at, eventType: row.event_type, actor: row.actor, subject: row.subject, detail: JSON.parse(row.detail) };
}

/**
 * The append-only record of what happened and who did it. The trigger above
 * refuses every UPDATE; no channel deletes, and the only DELETE is the
 * retention pruning at start-up.
 */
export class AuditLog {
  readonly #db: Db;
  readonly #events: AppEvents;
  readonly #now: () => Date;

  constructor(db: Db, events: AppEvents, now: () => Date = () => new Date()) {
    this.#db = db;
    this.#events = events;
    this.#now = now;
  }

  append(eventType: string, actor: AuditActor, subject = '', detail: Record<string, unknown> = {}): AuditRow {
    const at = this.#now().toISOString();
    const info = this.#db
      .prepare('INSERT INTO audit_log (at, event_type, actor, subject, detail) VALUES (?, ?, ?, ?, ?)')
      .run(at, eventType, actor, subject, JSON.stringify(detail));
    const entry: AuditRow = { id: Number(info.lastInsertRowid), at, eventType, actor, subject, detail };
    this.#events.emit('audit.appended', entry);
    return entry;
  }

  list(filter: AuditQuery, limit = AUDIT_PAGE_LIMIT): AuditRow[] {
    const { sql, params } = where(filter);
    const rows = this.#db
      .prepare(`SELECT * FROM audit_log ${sql} ORDER BY id DESC LIMIT ?`)
      .all(...params, limit) as RawRow[];
    return rows.map(toEntry);
  }

  /**
   * For plugins holding `audit`: rows of some types, an actor, since a time;
   * newest first, or oldest first after a row id (how a forwarder resumes
   * without sending a row twice).
   */
  query(filter: { types?: string[]; actor?: string; since?: string; afterId?: number; limit: number }): AuditRow[] {
    const clauses: string[] = [];
    const params: (string | number)[] = [];
    if (filter.types?.length) {
      clauses.push(`event_type IN (${filter.types.map(() => '?').join(', ')})`);
      params.push(...filter.types);
    }
    if (filter.actor) {
      clauses.push('actor = ?');
      params.push(filter.actor);
    }
    if (filter.since) {
      clauses.push('at >= ?');
      params.push(new Date(filter.since).toISOString());
    }
    if (filter.afterId !== undefined) {
      clauses.push('id > ?');
      params.push(filter.afterId);
    }
    const order = filter.afterId !== undefined ? 'ASC' : 'DESC';
    const sql = `SELECT * FROM audit_log ${clauses.length ? `WHERE ${clauses.join(' AND ')}` : ''} ORDER BY id ${order} LIMIT ?`;
    return (this.#db.prepare(sql).all(...params, filter.limit) as RawRow[]).map(toEntry);
  }

  /** Every matching row, newest first, as JSON Lines. */
  exportJsonl(filter: AuditQuery): { jsonl: string; count: number } {
    const { sql, params } = where(filter);
    const lines: string[] = [];
    for (const row of this.#db.prepare(`SELECT * FROM audit_log ${sql} ORDER BY id DESC`).iterate(...params) as Iterable<RawRow>) {
      lines.push(JSON.stringify(toEntry(row)));
    }
    return { jsonl: lines.length ? `${lines.join('\n')}\n` : '', count: lines.length };
  }

  eventTypes(): string[] {
    return (this.#db.prepare('SELECT DISTINCT event_type FROM audit_log ORDER BY event_type').pluck().all() as string[]);
  }

  actors(): string[] {
    return (this.#db.prepare('SELECT DISTINCT actor FROM audit_log ORDER BY actor').pluck().all() as string[]);
  }

  /** Drops rows older than the retention period; returns how many. */
  prune(retentionDays: number): number {
    const cutoff = new Date(this.#now().getTime() - retentionDays * 86_400_000).toISOString();
    return this.#db.prepare('DELETE FROM audit_log WHERE at < ?').run(cutoff).changes;
  }
}

function where(filter: AuditQuery): { sql: string; params: string[] } {
  const clauses: string[] = [];
  const params: string[] = [];
  if (filter.eventType) {
    clauses.push('event_type = ?');
    params.push(filter.eventType);
  }
  if (filter.actor) {
    clauses.push('actor = ?');
    params.push(filter.actor);
  }
  return { sql: clauses.length ? `WHERE ${clauses.join(' AND ')}` : '', params };
}
