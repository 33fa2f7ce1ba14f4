/**
 * A token bucket per personal access token: `burst` requests at once, then
 * `perMinute` spread over the minute. Kept in memory, so behind a load
 * balancer each instance applies it on its own.
 */
export class RateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>();
  readonly #perMs: number;
  readonly #burst: number;
  readonly #now: () => number;

  constructor(options: { perMinute: number; burst: number }, now: () => number = () => Date.now()) {
    this.#perMs = options.perMinute / 60_000;
    this.#burst = options.burst;
    this.#now = now;
  }

  /** Null when the request may go ahead, else the seconds until it may. */
  take(key: string): number | null {
    const now = this.#now();
    const b = this.#buckets.get(key) ?? { tokens: this.#burst, at: now };
    b.tokens = Math.min(this.#burst, b.tokens + (now - b.at) * this.#perMs);
    b.at = now;
    this.#buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return null;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / this.#perMs / 1000));
  }
}
