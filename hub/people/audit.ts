import type { HubDb } from '../storage/db.ts';
import { timeId } from '../ids.ts';

export interface AuditRow {
  id: string;
  at: string;
  actor: string;
  action: string;
  target: string;
  detail: Record<string, unknown>;
}

/** What admins did, newest first. Details never hold a token, only ids and names. */
export class HubAudit {
  readonly #db: HubDb;
  readonly #now: () => Date;

  constructor(db: HubDb, now: () => Date) {
    this.#db = db;
    this.#now = now;
  }

  async record(actor: string, action: string, target: string, detail: Record<string, unknown> = {}, tx: HubDb = this.#db): Promise<void> {
    const now = this.#now();
    await tx.run('INSERT INTO audit (id, at, actor, action, target, detail) VALUES (?, ?, ?, ?, ?, ?)', [
      timeId(now),
      now.toISOString(),
      actor,
      action,
      target,
      JSON.stringify(detail),
    ]);
  }

  async list(limit = 200): Promise<AuditRow[]> {
    const rows = await this.#db.all<Omit<AuditRow, 'detail'> & { detail: string }>('SELECT * FROM audit ORDER BY id DESC LIMIT ?', [limit]);
    return rows.map((r) => ({ ...r, detail: JSON.parse(r.detail) as Record<string, unknown> }));
  }
}
