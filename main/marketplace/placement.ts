import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../log/logger.ts';
import type { PluginPaths } from '../plugins/paths.ts';
import type { JournalRow, MarketplaceStore } from './store.ts';

/** Named points of an operation; tests kill the process at each to prove recovery. */
export type Step =
  | 'downloaded'
  | 'extracted'
  | 'validated'
  | 'stopped'
  | 'journal-opened'
  | `rename-started-${number}`
  | `renamed-${number}`
  | `undone-${number}`
  | 'committed'
  | 'cleaned';

export type StepHook = (step: Step, pluginId: string) => void;

/**
 * Moves plugin folders so that an install, update, rollback or uninstall is
 * all-or-nothing across a crash. Each operation is a list of renames on one
 * file system, journalled in the database before the first one; the registry
 * write that ends the operation deletes the journal row in the same
 * transaction. A journal row found at start-up therefore means "not
 * committed", and its renames are undone newest first.
 */
export class PluginPlacement {
  readonly #paths: PluginPaths;
  readonly #store: MarketplaceStore;
  readonly #log: Logger;
  readonly #afterStep: StepHook;

  constructor(paths: PluginPaths, store: MarketplaceStore, log: Logger, afterStep: StepHook = () => undefined) {
    this.#paths = paths;
    this.#store = store;
    this.#log = log;
    this.#afterStep = afterStep;
    for (const dir of [paths.root, paths.backups, paths.staging]) mkdirSync(dir, { recursive: true });
  }

  step(step: Step, pluginId: string): void {
    this.#afterStep(step, pluginId);
  }

  current(id: string): string {
    return join(this.#paths.root, id);
  }

  backup(id: string): string {
    return join(this.#paths.backups, id);
  }

  /** A fresh, empty folder for one operation's download and extraction. */
  newStaging(): string {
    const dir = join(this.#paths.staging, `${Date.now().toString(36)}-${randomBytes(6).toString('hex')}`);
    mkdirSync(dir);
    return dir;
  }

  discardStaging(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
  }

  /** Puts `newRoot` in place as plugins/<id>/, the current version becoming the backup. */
  placeNew(id: string, operation: 'install' | 'update', staging: string, newRoot: string, commit: () => void): void {
    const renames: [string, string][] = [];
    if (existsSync(this.backup(id))) renames.push([this.backup(id), join(staging, 'replaced-backup')]);
    if (existsSync(this.current(id))) renames.push([this.current(id), this.backup(id)]);
    renames.push([newRoot, this.current(id)]);
    this.#run({ pluginId: id, operation, staging, renames }, commit);
  }

  /** Swaps plugins/<id>/ and plugin-backups/<id>/. */
  swapWithBackup(id: string, staging: string, commit: () => void): void {
    const outgoing = join(staging, 'outgoing');
    this.#run(
      {
        pluginId: id,
        operation: 'rollback',
        staging,
        renames: [
          [this.current(id), outgoing],
          [this.backup(id), this.current(id)],
          [outgoing, this.backup(id)],
        ],
      },
      commit,
    );
  }

  /** Moves the plugin and its backup out of the way; they are deleted after `commit`. */
  remove(id: string, staging: string, commit: () => void): void {
    const renames: [string, string][] = [];
    if (existsSync(this.current(id))) renames.push([this.current(id), join(staging, 'removed')]);
    if (existsSync(this.backup(id))) renames.push([this.backup(id), join(staging, 'removed-backup')]);
    this.#run({ pluginId: id, operation: 'uninstall', staging, renames }, commit);
  }

  #run(plan: Omit<JournalRow, 'started'>, commit: () => void): void {
    this.#store.openJournal(plan);
    this.step('journal-opened', plan.pluginId);
    let done = 0;
    try {
      for (const [from, to] of plan.renames) {
        this.#store.markStarted(plan.pluginId, done + 1);
        this.step(`rename-started-${done + 1}`, plan.pluginId);
        renameSync(from, to);
        done += 1;
        this.step(`renamed-${done}`, plan.pluginId);
      }
      commit();
    } catch (err) {
      try {
        this.#undo({ ...plan, started: done });
        this.#store.closeJournal(plan.pluginId);
      } catch (undoErr) {
        // The journal row stays, so the next start-up tries the undo again.
        this.#log.error(`marketplace: could not undo the ${plan.operation} of ${plan.pluginId}: ${(undoErr as Error).message}`);
      }
      throw err;
    }
    this.step('committed', plan.pluginId);
    this.discardStaging(plan.staging);
    this.step('cleaned', plan.pluginId);
  }

  /**
   * Undoes the first `started` renames, newest first, lowering `started` in
   * the journal after each so that a crash during the undo resumes where it
   * stopped (re-running a finished step of a swap would move a folder
   * again). The one step that may be half-known, forward or backward, moves
   * a folder back only when it is at the rename's target and its old place
   * is free.
   */
  #undo(row: JournalRow): void {
    for (let i = row.started - 1; i >= 0; i--) {
      const [from, to] = row.renames[i]!;
      if (existsSync(to) && !existsSync(from)) {
        renameSync(to, from);
        this.step(`undone-${i + 1}`, row.pluginId);
      }
      this.#store.markStarted(row.pluginId, i);
    }
  }

  /**
   * Start-up: puts back the files of every uncommitted operation, then
   * empties the staging folder and drops backups nobody owns. A row that
   * cannot be undone is logged and kept for the next start, with its
   * staging folder and backup, and never stops the others or the app.
   */
  recover(installedIds: ReadonlySet<string>): { rolledBack: string[]; failed: { id: string; message: string }[]; cleaned: number } {
    const rolledBack: string[] = [];
    const failed: { id: string; message: string }[] = [];
    const keep = new Set<string>();
    for (const row of this.#store.journal()) {
      try {
        this.#undo(row);
        this.#store.closeJournal(row.pluginId);
        rolledBack.push(row.pluginId);
        this.#log.warn(`marketplace: ${row.operation} of ${row.pluginId} was interrupted; the previous state was restored`);
      } catch (err) {
        failed.push({ id: row.pluginId, message: (err as Error).message });
        keep.add(row.staging);
        keep.add(join(this.#paths.backups, row.pluginId));
        this.#log.error(`marketplace: the interrupted ${row.operation} of ${row.pluginId} could not be undone; it is tried again at the next start: ${(err as Error).message}`);
      }
    }
    let cleaned = 0;
    for (const name of readdirSync(this.#paths.staging)) {
      if (keep.has(join(this.#paths.staging, name))) continue;
      rmSync(join(this.#paths.staging, name), { recursive: true, force: true });
      cleaned += 1;
    }
    for (const name of readdirSync(this.#paths.backups)) {
      if (!installedIds.has(name) && !keep.has(join(this.#paths.backups, name))) {
        rmSync(join(this.#paths.backups, name), { recursive: true, force: true });
        cleaned += 1;
      }
    }
    return { rolledBack, failed, cleaned };
  }
}
