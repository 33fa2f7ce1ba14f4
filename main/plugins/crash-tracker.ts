/** How many crashes a plugin may have within a window before it is disabled, and how long to wait before each restart. */
export interface CrashPolicy {
  windowMs: number;
  maxCrashesInWindow: number;
  /** Delay before restart number `n` (1-based) within the window. */
  backoffMs: (n: number) => number;
}

export type CrashVerdict = { action: 'restart'; crashes: number; delayMs: number } | { action: 'disable'; crashes: number };

/**
 * The crash window of one plugin (after VS Code's ExtensionHostCrashTracker):
 * crashes older than the window are forgotten, a crash that fills the window
 * disables the plugin, any other one restarts it after the backoff. Pure: the
 * clock is injected and it starts nothing itself.
 */
export class CrashTracker {
  readonly #policy: CrashPolicy;
  readonly #now: () => number;
  #times: number[] = [];

  constructor(policy: CrashPolicy, now: () => number) {
    this.#policy = policy;
    this.#now = now;
  }

  /** Records a crash now and says what to do about it. */
  record(): CrashVerdict {
    const now = this.#now();
    this.#times = [...this.#times.filter((t) => now - t < this.#policy.windowMs), now];
    const crashes = this.#times.length;
    if (crashes >= this.#policy.maxCrashesInWindow) return { action: 'disable', crashes };
    return { action: 'restart', crashes, delayMs: this.#policy.backoffMs(crashes) };
  }

  /** A start the user asked for, or a reload that worked, begins with a clean window. */
  reset(): void {
    this.#times = [];
  }
}
