import { appendFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isSafePluginId } from '../../app/manifest.ts';
import { AppError } from '../../app/contract/envelope.ts';

/**
 * Files for plugins (`agor.files.*`), written by main. A plugin never names
 * a path: it either writes where the user chose in the save dialog, or works
 * by plain file name inside its own data folder, `<data>/plugin-data/<id>/`,
 * which has a quota, is kept across updates and is removed on uninstall.
 */

export const FILE_LIMITS = {
  quotaBytes: 50 * 1024 * 1024,
  maxFiles: 1_000,
  /** One read answers at most this much (the envelope carries text). */
  maxReadBytes: 512 * 1024,
} as const;

type Limits<T> = { readonly [K in keyof T]: number };

/** A refused file request; the message is for the plugin and its user. */
export class PluginFileError extends AppError {
  constructor(message: string) {
    super('invalid_argument', message);
    this.name = 'PluginFileError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._ -]{0,127}$/;

/** A file name inside the data folder: no folders, nothing hidden, nothing that climbs out. */
export function fileNameProblem(name: string): string | null {
  if (name.includes('/') || name.includes('\\')) return `"${name.slice(0, 100)}" names a folder; plugins keep plain file names in their data folder`;
  if (name.includes('..') || !NAME.test(name) || name.endsWith(' ') || name.endsWith('.')) {
    return `"${name.slice(0, 100)}" is not a usable file name (letters, digits, spaces, dots, dashes and underscores; at most 128 characters; not starting with a dot)`;
  }
  return null;
}

export interface FileEntry {
  name: string;
  size: number;
  modifiedAt: string;
}

export class PluginDataFolders {
  readonly #root: string;
  readonly #limits: Limits<typeof FILE_LIMITS>;

  /** `root`: `<data>/plugin-data`. */
  constructor(root: string, limits: Partial<Limits<typeof FILE_LIMITS>> = {}) {
    this.#root = root;
    this.#limits = { ...FILE_LIMITS, ...limits };
  }

  folderOf(pluginId: string): string {
    if (!isSafePluginId(pluginId)) throw new PluginFileError(`Not a plugin id: ${pluginId.slice(0, 100)}`);
    return join(this.#root, pluginId);
  }

  async append(pluginId: string, name: string, text: string): Promise<{ size: number }> {
    const file = this.#file(pluginId, name);
    const bytes = Buffer.byteLength(text);
    const files = await this.list(pluginId);
    const used = files.reduce((sum, f) => sum + f.size, 0);
    if (used + bytes > this.#limits.quotaBytes) {
      throw new PluginFileError(`The plugin's data folder is full: ${used + bytes} bytes would pass its quota of ${this.#limits.quotaBytes}. Remove old files first.`);
    }
    if (!files.some((f) => f.name === name) && files.length >= this.#limits.maxFiles) {
      throw new PluginFileError(`The plugin's data folder already holds ${files.length} files, its limit`);
    }
    await mkdir(dirname(file), { recursive: true });
    await appendFile(file, text);
    return { size: (await stat(file)).size };
  }

  async read(pluginId: string, name: string): Promise<string | null> {
    const file = this.#file(pluginId, name);
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
    if (size > this.#limits.maxReadBytes) throw new PluginFileError(`${name} is ${size} bytes; a read answers at most ${this.#limits.maxReadBytes}`);
    return readFile(file, 'utf8');
  }

  async list(pluginId: string): Promise<FileEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.folderOf(pluginId));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries: FileEntry[] = [];
    for (const name of names.sort()) {
      const info = await stat(join(this.folderOf(pluginId), name));
      if (info.isFile()) entries.push({ name, size: info.size, modifiedAt: info.mtime.toISOString() });
    }
    return entries;
  }

  async remove(pluginId: string, name: string): Promise<boolean> {
    const file = this.#file(pluginId, name);
    try {
      await rm(file);
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  /** Several of its files, in the order named, as one buffer of at most `maxBytes` (what `files.saveCopy` saves). */
  async concat(pluginId: string, names: readonly string[], maxBytes: number): Promise<Buffer> {
    const sizes = new Map((await this.list(pluginId)).map((f) => [f.name, f.size]));
    let total = 0;
    for (const name of names) {
      this.#file(pluginId, name);
      const size = sizes.get(name);
      if (size === undefined) throw new PluginFileError(`There is no file "${name.slice(0, 100)}" in the plugin's data folder`);
      total += size;
    }
    if (total > maxBytes) throw new PluginFileError(`Those files hold ${total} bytes; plugins may save at most ${maxBytes} at once`);
    return Buffer.concat(await Promise.all(names.map((name) => readFile(this.#file(pluginId, name)))));
  }

  /** On uninstall: everything the plugin kept goes with it. */
  async purge(pluginId: string): Promise<void> {
    await rm(this.folderOf(pluginId), { recursive: true, force: true });
  }

  #file(pluginId: string, name: string): string {
    const problem = fileNameProblem(name);
    if (problem) throw new PluginFileError(problem);
    return join(this.folderOf(pluginId), name);
  }
}

/** Asks the user where to save; null when they cancel. Electron shows the OS dialog, the harness a stand-in. */
export type SaveDialog = (request: { pluginName: string; suggestedName: string; mimeType: string }) => Promise<string | null>;

export const SAVE_LIMITS = { maxBytes: 10 * 1024 * 1024 } as const;

/**
 * `agor.files.save`: the user picks the file, main writes it there (through
 * a temporary file beside it, so a failed write never leaves half a file)
 * and tells the plugin only its name.
 */
export async function saveThroughDialog(
  dialog: SaveDialog,
  request: { pluginName: string; suggestedName: string; content: string | Buffer; mimeType?: string },
): Promise<string | null> {
  const bytes = Buffer.byteLength(request.content);
  if (bytes > SAVE_LIMITS.maxBytes) throw new PluginFileError(`The file would be ${bytes} bytes; plugins may save at most ${SAVE_LIMITS.maxBytes}`);
  const suggested = basename(request.suggestedName.replace(/\\/g, '/')).slice(0, 200) || 'export.txt';
  const chosen = await dialog({ pluginName: request.pluginName, suggestedName: suggested, mimeType: request.mimeType ?? 'text/plain' });
  if (chosen === null) return null;
  const temporary = join(dirname(chosen), `.${basename(chosen)}.${process.pid}.partial`);
  try {
    await writeFile(temporary, request.content, { flag: 'wx' });
    await rename(temporary, chosen);
  } catch (err) {
    await rm(temporary, { force: true });
    throw new PluginFileError(`Could not save ${basename(chosen)}: ${(err as Error).message}`);
  }
  return basename(chosen);
}
