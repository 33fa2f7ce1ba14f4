import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, renameSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { AppError } from '../../app/contract/envelope.ts';
import type { PluginSummaryValue } from '../../app/contract/plugins.ts';
import { isSafePluginId } from '../../app/manifest.ts';
import type { PluginPaths } from './paths.ts';
import type { PluginRegistry } from './registry.ts';

/** What loading an unpacked folder reaches of the plugin runtime. */
export interface UnpackedHost {
  paths: PluginPaths;
  registry: PluginRegistry;
  list(): PluginSummaryValue[];
  reload(id: string): Promise<unknown>;
  log(id: string, text: string): void;
  /** How long a burst of file changes is waited out before one reload. */
  settleMs?: number;
}

const SKIPPED = new Set(['node_modules', '.git']);

/**
 * "Load unpacked…": a plugin folder the author works on, anywhere on disk.
 * Main copies it into plugins/<id>/ (only plugins/ is ever started, and
 * symbolic links are refused there), where it is sideloaded like a dropped
 * folder: it runs once the user approves its permissions. The folder is then
 * watched; each change is copied again and, once approved, hot-reloaded
 * (a reload that fails to start puts the running version back).
 */
export class UnpackedPlugins {
  readonly #h: UnpackedHost;
  readonly #watching = new Map<string, { folder: string; watcher: FSWatcher; timer: NodeJS.Timeout | undefined }>();

  constructor(host: UnpackedHost) {
    this.#h = host;
  }

  load(folder: string): PluginSummaryValue {
    if (!isAbsolute(folder)) throw new AppError('invalid_argument', 'Choose the plugin folder by its full path.');
    const source = resolve(folder);
    const inside = relative(this.#h.paths.root, source);
    if (!inside.startsWith('..') && !isAbsolute(inside)) throw new AppError('invalid_argument', 'That folder is inside the plugins folder already; it is listed without loading it.');
    const id = manifestId(source);
    const existing = this.#h.registry.get(id);
    const mine = this.#watching.get(id);
    if ((existing && existing.sourceId !== null) || (mine && mine.folder !== source) || (!mine && !existing && existsSync(join(this.#h.paths.root, id)))) {
      throw new AppError('conflict', `A plugin with the id "${id}" is installed already; remove it first or change the id in plugin.json.`);
    }
    this.#copy(id, source);
    if (!mine) this.#watch(id, source);
    const plugin = this.#h.list().find((p) => p.id === id);
    if (!plugin) throw new AppError('internal', `${id} was copied but is not listed`);
    return plugin;
  }

  /** The folder an unpacked plugin was loaded from, if it was. */
  folderOf(id: string): string | null {
    return this.#watching.get(id)?.folder ?? null;
  }

  close(): void {
    for (const w of this.#watching.values()) {
      clearTimeout(w.timer);
      w.watcher.close();
    }
    this.#watching.clear();
  }

  /** Copies through a fresh folder and a rename, so the plugin's folder is never half-written. */
  #copy(id: string, source: string): void {
    const target = join(this.#h.paths.root, id);
    const fresh = join(this.#h.paths.staging, `unpacked-${id}-${process.pid}-${Date.now()}`);
    mkdirSync(this.#h.paths.staging, { recursive: true });
    try {
      cpSync(source, fresh, {
        recursive: true,
        filter: (path) => {
          if (SKIPPED.has(path.split(/[\\/]/).at(-1)!)) return false;
          if (lstatSync(path).isSymbolicLink()) throw new AppError('invalid_argument', `${relative(source, path)} is a symbolic link; a plugin folder holds real files only.`);
          return true;
        },
      });
      mkdirSync(this.#h.paths.root, { recursive: true });
      rmSync(target, { recursive: true, force: true });
      renameSync(fresh, target);
    } finally {
      rmSync(fresh, { recursive: true, force: true });
    }
  }

  #watch(id: string, source: string): void {
    const entry = { folder: source, timer: undefined as NodeJS.Timeout | undefined, watcher: watch(source, { recursive: true }, () => schedule()) };
    const schedule = () => {
      clearTimeout(entry.timer);
      entry.timer = setTimeout(() => void this.#changed(id, source), this.#h.settleMs ?? 200);
    };
    entry.watcher.on('error', () => this.#h.log(id, `Stopped watching ${source}: the folder is gone or unreadable`));
    this.#watching.set(id, entry);
  }

  async #changed(id: string, source: string): Promise<void> {
    try {
      if (manifestId(source) !== id) {
        this.#h.log(id, `${source} now says its id is not "${id}"; load it again to use the new id`);
        return;
      }
      this.#copy(id, source);
      if (!this.#h.registry.get(id)?.enabled) {
        this.#h.list();
        return;
      }
      this.#h.log(id, `Files changed in ${source}; reloading`);
      await this.#h.reload(id);
    } catch (err) {
      this.#h.log(id, `Not reloaded after a change in ${source}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
}

function manifestId(folder: string): string {
  let raw: { id?: unknown; name?: unknown };
  try {
    raw = JSON.parse(readFileSync(join(folder, 'plugin.json'), 'utf8')) as typeof raw;
  } catch (err) {
    throw new AppError('invalid_argument', existsSync(join(folder, 'plugin.json')) ? `plugin.json is not valid JSON: ${(err as Error).message}` : 'That folder has no plugin.json.');
  }
  const id = typeof raw.id === 'string' ? raw.id : typeof raw.name === 'string' ? raw.name : '';
  if (!isSafePluginId(id)) throw new AppError('invalid_argument', `plugin.json's id "${String(id).slice(0, 60)}" is not a valid plugin id (letters, digits, . _ - only).`);
  return id;
}
