import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Logger } from '../log/logger.ts';
import type { IndexReport, IndexRequest, IndexWorkerData } from './index-file.ts';

/** The worker's entry when main runs from source (the harness, tests, benchmarks); Electron passes its bundled one. */
export const INDEX_WORKER_ENTRY = join(import.meta.dirname, 'index-worker.ts');

/** A worker that fails this many times in a row is not started again until the index is rebuilt. */
const MAX_FAILURES = 3;
const CLOSE_DEADLINE_MS = 2_000;
const CHUNK = 20_000;

export interface IndexerOptions {
  entry: string;
  searchPath: string;
  databasePath: string;
  log: Logger;
  /** The newest committed message seq in the app database. */
  newest: () => number;
  /** How far the index file says it got when the app opened it. */
  indexedThrough: number;
}

interface Waiter {
  target: number;
  resolve: () => void;
}

/**
 * Drives the index worker from the main thread: wakes it when messages are
 * committed, tells callers when the index has caught up, restarts it after
 * a crash (resuming from its last commit), and gives up after repeated
 * failures so a broken index never blocks a search.
 */
export class MessageIndexer {
  readonly #o: IndexerOptions;
  #worker: Worker | undefined;
  #through: number;
  #failures = 0;
  #closed = false;
  #waiters: Waiter[] = [];
  #rebuilds: { resolve: () => void; reject: (err: Error) => void }[] = [];
  #closing: (() => void) | undefined;
  /** Shared with the worker: set when the app closes, so a long catch-up stops at its next transaction. */
  readonly #closeFlag = new Int32Array(new SharedArrayBuffer(4));

  constructor(options: IndexerOptions) {
    this.#o = options;
    this.#through = options.indexedThrough;
  }

  /** False once the worker failed repeatedly: searches then answer from what was indexed before. */
  get available(): boolean {
    return this.#failures < MAX_FAILURES;
  }

  /**
   * Asks the worker to index every committed message it has not indexed
   * yet, on its own thread: after each commit, and at start for what an
   * earlier run left. Every request is posted, never held back until the
   * worker reports: during a long import the main thread does not read the
   * worker's reports, and the worker must not wait for it.
   */
  wake(): void {
    if (this.#closed || !this.available) return;
    this.#post({ type: 'catch-up' });
  }

  /** Resolves once every message committed before the call is searchable (at once if the index is unavailable). */
  settled(): Promise<void> {
    const target = this.#o.newest();
    if (this.#through >= target || !this.available || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#waiters.push({ target, resolve });
      this.wake();
      this.#refresh();
    });
  }

  /** Re-indexes every stored message; a failed index gets another chance. */
  rebuild(): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('The search index is closed.'));
    this.#failures = 0;
    return new Promise((resolve, reject) => {
      this.#rebuilds.push({ resolve, reject });
      this.#post({ type: 'rebuild' });
      this.#refresh();
    });
  }

  /** Lets the worker finish its transaction and close its connection; terminates it past a deadline. */
  async close(): Promise<void> {
    this.#closed = true;
    Atomics.store(this.#closeFlag, 0, 1);
    const worker = this.#worker;
    this.#settleAll(new Error('The app is closing.'));
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        void worker.terminate().then(() => resolve());
      }, CLOSE_DEADLINE_MS);
      this.#closing = () => {
        clearTimeout(timer);
        resolve();
      };
      worker.ref();
      worker.postMessage({ type: 'close' } satisfies IndexRequest);
    });
    this.#worker = undefined;
  }

  #post(request: IndexRequest): void {
    let worker: Worker;
    try {
      worker = this.#spawn();
    } catch (err) {
      queueMicrotask(() => this.#failed(err instanceof Error ? err : new Error(String(err))));
      return;
    }
    worker.postMessage(request);
  }

  #spawn(): Worker {
    if (this.#worker) return this.#worker;
    const data: IndexWorkerData = { searchPath: this.#o.searchPath, databasePath: this.#o.databasePath, chunk: CHUNK, closing: this.#closeFlag.buffer as SharedArrayBuffer };
    const worker = new Worker(this.#o.entry, { workerData: data });
    worker.unref();
    worker.on('message', (report: IndexReport) => this.#onReport(report));
    worker.on('error', (err) => this.#onFailure(worker, err));
    worker.on('exit', (code) => {
      if (this.#closing) this.#closing();
      else this.#onFailure(worker, new Error(`the search index worker stopped (exit code ${code})`));
    });
    this.#worker = worker;
    return worker;
  }

  #onReport(report: IndexReport): void {
    if (report.type === 'closed') {
      this.#closing?.();
      return;
    }
    this.#through = report.through;
    this.#failures = 0;
    // The worker answers requests in order: each report ends the oldest rebuild still waiting.
    if (report.type === 'rebuilt') this.#rebuilds.shift()?.resolve();
    this.#waiters = this.#waiters.filter((w) => {
      if (w.target > this.#through) return true;
      w.resolve();
      return false;
    });
    this.#refresh();
  }

  #onFailure(worker: Worker, err: Error): void {
    if (this.#worker !== worker) return;
    this.#worker = undefined;
    this.#failed(err);
  }

  #failed(err: Error): void {
    if (this.#closed) return;
    this.#failures += 1;
    this.#o.log.error(`search: the index worker failed (${this.#failures} in a row)`, err);
    for (const r of this.#rebuilds.splice(0)) r.reject(new Error(`Rebuilding the search index failed: ${err.message}`));
    if (!this.available) {
      this.#o.log.error('search: new messages are not indexed until the index is rebuilt');
      this.#settleAll();
      return;
    }
    // Always resume: what the worker had left may predate every commit this run saw (a backlog from
    // before the app started), and a catch-up with nothing to do costs one query.
    this.wake();
    this.#refresh();
  }

  #settleAll(err?: Error): void {
    for (const w of this.#waiters.splice(0)) w.resolve();
    for (const r of this.#rebuilds.splice(0)) r.reject(err ?? new Error('The search index is unavailable.'));
  }

  /** The worker keeps the process alive only while someone waits for it. */
  #refresh(): void {
    if (!this.#worker) return;
    if (this.#waiters.length || this.#rebuilds.length) this.#worker.ref();
    else this.#worker.unref();
  }
}
