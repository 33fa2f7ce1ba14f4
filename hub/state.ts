import { randomBytes } from 'node:crypto';
import type { HubDb } from './storage/db.ts';

/**
 * A value in the database that changes whenever anything a feed or a token
 * check depends on changes (a sync, a grant, a membership, a revoked token).
 * Each request reads it once; every in-memory cache is keyed by it, so
 * several Hub instances on one database never serve from a stale cache.
 */
export class Generation {
  readonly #db: HubDb;
  readonly #maxAgeMs: number;
  #value: Promise<string> | null = null;
  #readAt = 0;

  /**
   * `maxAgeMs`: how long one read is reused. A change made through this
   * instance is seen at once; one made through another instance behind the
   * same load balancer within this time.
   */
  constructor(db: HubDb, maxAgeMs: number) {
    this.#db = db;
    this.#maxAgeMs = maxAgeMs;
  }

  read(): Promise<string> {
    const now = performance.now();
    if (!this.#value || now - this.#readAt > this.#maxAgeMs) {
      this.#readAt = now;
      this.#value = this.#db.get<{ value: string }>("SELECT value FROM hub_state WHERE key = 'generation'").then((r) => r?.value ?? '');
      this.#value.catch(() => (this.#value = null));
    }
    return this.#value;
  }

  async bump(): Promise<void> {
    const value = randomBytes(8).toString('hex');
    await this.#db.run("INSERT INTO hub_state (key, value) VALUES ('generation', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [value]);
    this.#value = Promise.resolve(value);
    this.#readAt = performance.now();
  }
}
