import { AppError, fieldError } from '../../app/contract/envelope.ts';
import type { SessionInfo } from '../../app/contract/agents.ts';
import type { SessionStore } from '../agents/store.ts';
import type { Db, Migration } from '../db/database.ts';
import type { Logger } from '../log/logger.ts';
import type { HttpFetch } from '../marketplace/http.ts';

export { TEAM_HUB_TOKEN_SECRET as HUB_TOKEN_SECRET } from '../../app/contract/settings.ts';

export const usageShareMigrations: Migration[] = [
  {
    // Which finished sessions the Hub already has, so a restart sends none twice.
    id: 'usage-share/create-sent-sessions',
    up(db) {
      db.exec('CREATE TABLE usage_share_sent (session_id TEXT PRIMARY KEY, sent_at TEXT NOT NULL)');
    },
  },
];

/** One session's figures as the Hub's closed schema takes them: no titles, paths or message content. */
export interface UsageSummary {
  sessionId: string;
  agent: string;
  project: string;
  model: string;
  startedAt: string;
  durationMs: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  costUsd: number;
  status: 'completed' | 'failed' | 'cancelled';
}

const STATUS: Record<string, UsageSummary['status']> = { success: 'completed', error: 'failed', stopped: 'cancelled' };
const BATCH = 500;

export function usageSummary(s: SessionInfo): UsageSummary | null {
  const status = STATUS[s.status];
  if (!status) return null;
  const started = Date.parse(s.startedAt);
  const ended = Date.parse(s.endedAt ?? s.lastActivityAt);
  return {
    sessionId: s.id,
    agent: s.provider,
    project: s.projectName || 'No project',
    model: s.model || 'unknown',
    startedAt: s.startedAt,
    durationMs: Number.isNaN(started) || Number.isNaN(ended) ? 0 : Math.max(0, ended - started),
    inputTokens: s.inputTokens,
    outputTokens: s.outputTokens,
    cacheReadTokens: s.cacheReadTokens,
    cacheWriteTokens: s.cacheWriteTokens,
    costUsd: s.costUsd ?? 0,
    status,
  };
}

export interface UsageShareDeps {
  db: Db;
  store: SessionStore;
  /** The current opt-in and Hub address (the Settings value). */
  setting: () => { enabled: boolean; hubUrl: string };
  /** The personal access token, from the keyring. */
  token: () => string | null;
  http: HttpFetch;
  log: Logger;
  /** First retry delay after the Hub could not be reached; it doubles up to ten minutes. */
  retryMs?: number;
}

/**
 * Sends the summaries of finished sessions to the team Hub when the user has
 * opted in. What was sent is recorded, so nothing goes twice; while the Hub
 * is unreachable, it tries again later, waiting longer each time.
 */
export class UsageShare {
  readonly #d: UsageShareDeps;
  #timer: NodeJS.Timeout | undefined;
  #delay: number;
  #sending: Promise<number> | undefined;
  #closed = false;

  constructor(deps: UsageShareDeps) {
    this.#d = deps;
    this.#delay = deps.retryMs ?? 5000;
  }

  /** Summaries of finished sessions that the Hub does not have yet. */
  pending(): UsageSummary[] {
    const ids = this.#d.db
      .prepare(`SELECT s.id FROM sessions s WHERE s.status <> 'running' AND s.parent_session_id IS NULL AND NOT EXISTS (SELECT 1 FROM usage_share_sent u WHERE u.session_id = s.id) ORDER BY s.started_at, s.id`)
      .pluck()
      .all() as string[];
    return ids.flatMap((id) => {
      const s = this.#d.store.getSession(id);
      const summary = s ? usageSummary(s) : null;
      return summary ? [summary] : [];
    });
  }

  /**
   * Sends whatever is pending now; returns how many summaries the Hub took. Opted out, it sends nothing.
   * One asked for while another is under way goes after it, with the setting and token of then: the one
   * under way may have read them before they changed.
   */
  sendNow(): Promise<number> {
    const next = (this.#sending ?? Promise.resolve(0)).catch(() => 0).then(() => this.#send());
    this.#sending = next;
    const settled = () => {
      if (this.#sending === next) this.#sending = undefined;
    };
    next.then(settled, settled);
    return next;
  }

  /** Asks for a send soon (a session finished); failures are logged and retried with backoff. */
  schedule(delayMs = 0): void {
    if (this.#closed || this.#timer || !this.#d.setting().enabled) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.sendNow().then(
        () => (this.#delay = this.#d.retryMs ?? 5000),
        (err: unknown) => {
          this.#d.log.warn(`team usage: ${err instanceof Error ? err.message : String(err)}`);
          if (err instanceof AppError && err.code === 'network') {
            this.schedule(this.#delay);
            this.#delay = Math.min(this.#delay * 2, 600_000);
          }
        },
      );
    }, delayMs);
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  async #send(): Promise<number> {
    const { enabled, hubUrl } = this.#d.setting();
    // Closed, the database may be too: a send that waited for another one ends here.
    if (!enabled || this.#closed) return 0;
    const token = this.#d.token();
    if (!token) throw fieldError('token', 'Enter your personal access token for the Hub first.');
    const url = `${hubUrl.replace(/\/+$/, '')}/api/usage`;
    let sent = 0;
    for (let batch = this.pending().slice(0, BATCH); batch.length > 0; batch = this.pending().slice(0, BATCH)) {
      let res: Response;
      try {
        res = await this.#d.http(url, {
          method: 'POST',
          headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
          body: new TextEncoder().encode(JSON.stringify({ sessions: batch })),
        });
      } catch (err) {
        throw new AppError('network', `Could not reach the Hub at ${hubUrl}: ${err instanceof Error ? err.message : String(err)}`);
      }
      if (!res.ok) {
        const message = await hubRefusal(res);
        if (res.status >= 500) throw new AppError('network', message);
        throw res.status === 401 ? fieldError('token', message) : new AppError('invalid_argument', message);
      }
      const mark = this.#d.db.prepare('INSERT OR IGNORE INTO usage_share_sent (session_id, sent_at) VALUES (?, ?)');
      const at = new Date().toISOString();
      this.#d.db.transaction(() => {
        for (const s of batch) mark.run(s.sessionId, at);
      })();
      sent += batch.length;
    }
    return sent;
  }
}

async function hubRefusal(res: Response): Promise<string> {
  let reason = '';
  try {
    const body = (await res.json()) as { error?: unknown };
    if (typeof body.error === 'string') reason = body.error;
  } catch {
    // Not JSON: the status says enough.
  }
  if (res.status === 401) return `The Hub did not accept the token. Check that it is yours and not revoked${reason ? ` (${reason})` : ''}.`;
  if (res.status === 403) return `The Hub refused to take usage from this token${reason ? `: ${reason}` : ''}.`;
  return `The Hub refused the usage report (HTTP ${res.status})${reason ? `: ${reason}` : ''}.`;
}
