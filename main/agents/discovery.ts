import type { Logger } from '../log/logger.ts';
import type { SessionStore } from './store.ts';

export interface DiscoveryDeps {
  store: SessionStore;
  /** The repository root of a working folder (see repo-root.ts). */
  resolveRoot: (cwd: string) => Promise<string>;
  /** Called after a step that made projects or attached sessions. */
  changed: () => void;
  log: Logger;
  now?: () => Date;
  /** How long `schedule` waits for more changes before it looks; a burst of scans looks once. */
  delayMs?: number;
}

/** Folders asked about at once: `git` is a process each. */
const PARALLEL = 4;

/**
 * Finds the projects in the transcripts, off the import's path: after a scan, the sessions
 * with no project have their working folders' repository roots resolved (each folder once,
 * kept in the database), a discovered project is made at each new root, and they attach to it.
 */
export class ProjectDiscovery {
  readonly #d: DiscoveryDeps;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #again = false;
  #stopped = false;

  constructor(deps: DiscoveryDeps) {
    this.#d = deps;
  }

  /** Looks soon; calls while it waits or looks fold into one more step. */
  schedule(): void {
    if (this.#stopped) return;
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.run();
    }, this.#d.delayMs ?? 250);
    this.#timer.unref?.();
  }

  /** One step now; resolves when it is stored. Tests call this instead of waiting for `schedule`. */
  run(): Promise<void> {
    this.#running ??= this.#step().finally(() => {
      this.#running = undefined;
      if (this.#again) {
        this.#again = false;
        this.schedule();
      }
    });
    return this.#running;
  }

  /** No more steps; resolves once a step under way has finished (the database can close then). */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }

  async #step(): Promise<void> {
    const { store, log } = this.#d;
    try {
      const cwds = store.unattachedCwds();
      if (!cwds.length) return;
      const roots = store.cachedRoots(cwds);
      const missing = cwds.filter((cwd) => !roots.has(cwd));
      for (let start = 0; start < missing.length && !this.#stopped; start += PARALLEL) {
        const chunk = missing.slice(start, start + PARALLEL);
        const resolved = await Promise.all(chunk.map((cwd) => this.#d.resolveRoot(cwd)));
        chunk.forEach((cwd, i) => roots.set(cwd, resolved[i]!));
      }
      if (this.#stopped) return;
      const result = store.applyRoots(roots, this.#d.now?.() ?? new Date());
      if (result.projectsAdded || result.sessionsAttached) this.#d.changed();
    } catch (err) {
      log.error('agents: finding projects in the transcripts failed', err);
    }
  }
}
