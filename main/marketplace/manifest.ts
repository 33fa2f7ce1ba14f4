import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { AppError } from '../../app/contract/envelope.ts';
import { isPermission, type Permission } from '../../app/permissions.ts';
import { unsafePathReason } from './extract.ts';

export const MANIFEST_FILE = 'plugin.json';
const MAX_MANIFEST_BYTES = 256 * 1024;

export interface CheckedManifest {
  id: string;
  name: string;
  version: string;
  permissions: Permission[];
}

const refuse = (message: string) => new AppError('refused', `The plugin was refused: ${message}. Nothing was installed.`);

/**
 * The plugin folder inside an extracted archive: the archive root, or its
 * only top-level folder (archives made with `tar czf x.tgz my-plugin/`).
 */
export async function findPluginRoot(extracted: string): Promise<string> {
  const names = await readdir(extracted);
  if (names.includes(MANIFEST_FILE)) return extracted;
  if (names.length === 1 && (await lstat(join(extracted, names[0]!))).isDirectory()) {
    const inner = join(extracted, names[0]!);
    if ((await readdir(inner)).includes(MANIFEST_FILE)) return inner;
  }
  throw refuse(`the archive has no ${MANIFEST_FILE} at its top level`);
}

/**
 * Checks `plugin.json` against what the catalog promised: same id, same
 * version, an entry file that exists, and no permission the catalog (and so
 * the consent dialog) did not show.
 */
export async function checkManifest(root: string, expected: { id: string; version: string; permissions: readonly Permission[] }): Promise<CheckedManifest> {
  const file = join(root, MANIFEST_FILE);
  const info = await lstat(file);
  if (!info.isFile()) throw refuse(`${MANIFEST_FILE} is not a file`);
  if (info.size > MAX_MANIFEST_BYTES) throw refuse(`${MANIFEST_FILE} is larger than ${MAX_MANIFEST_BYTES / 1024} KB`);
  let doc: unknown;
  try {
    doc = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw refuse(`${MANIFEST_FILE} is not valid JSON (${(err as Error).message})`);
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) throw refuse(`${MANIFEST_FILE} is not a JSON object`);
  const m = doc as Record<string, unknown>;

  const id = typeof m.id === 'string' ? m.id : typeof m.name === 'string' ? m.name : undefined;
  if (id === undefined) throw refuse(`${MANIFEST_FILE} has neither "id" nor "name"`);
  if (id !== expected.id) throw refuse(`${MANIFEST_FILE} says its id is "${id.slice(0, 80)}", but the catalog lists "${expected.id}"`);

  if (typeof m.version !== 'string' || !semver.valid(m.version)) throw refuse(`${MANIFEST_FILE} has no valid "version"`);
  if (semver.clean(m.version) !== semver.clean(expected.version)) {
    throw refuse(`${MANIFEST_FILE} says version ${m.version.slice(0, 40)}, but the catalog lists ${expected.version}`);
  }

  const entry = typeof m.main === 'string' ? m.main : typeof m.entry === 'string' ? m.entry : undefined;
  if (entry === undefined) throw refuse(`${MANIFEST_FILE} names no entry file ("main" or "entry")`);
  const entryProblem = unsafePathReason(entry, 32);
  if (entryProblem) throw refuse(`its entry file ${entryProblem}`);
  const entryInfo = await lstat(join(root, entry)).catch(() => undefined);
  if (!entryInfo?.isFile()) throw refuse(`its entry file "${entry.slice(0, 120)}" is not in the archive`);

  const asked = m.permissions ?? [];
  if (!Array.isArray(asked)) throw refuse(`"permissions" in ${MANIFEST_FILE} is not a list`);
  const permissions: Permission[] = [];
  for (const p of asked) {
    if (!isPermission(p)) throw refuse(`${MANIFEST_FILE} asks for an unknown permission "${String(p).slice(0, 40)}"`);
    if (!expected.permissions.includes(p)) {
      throw refuse(`${MANIFEST_FILE} asks for the "${p}" permission, which the catalog did not declare (and you were not asked about)`);
    }
    if (!permissions.includes(p)) permissions.push(p);
  }
  const name = typeof m.name === 'string' && m.name.trim() ? m.name.trim().slice(0, 120) : id;
  return { id, name, version: expected.version, permissions };
}
