import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import semver from 'semver';
import { AppError } from '../../app/contract/envelope.ts';
import type { Permission } from '../../app/permissions.ts';
import { MAX_SCRIPT_BYTES, parseManifest } from '../plugins/manifest.ts';
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
 * Checks `plugin.json` first by the very rules the plugin runtime applies
 * when it loads the folder (schema, id/name and main/entry folding, its own
 * minAppVersion), so nothing is installed that would then refuse to run;
 * then against what the catalog promised: same id, same version, an entry
 * file that exists, and no permission the catalog (and so the consent
 * dialog) did not show.
 */
export async function checkManifest(
  root: string,
  expected: { id: string; version: string; permissions: readonly Permission[]; networkHosts: readonly string[] },
  appVersion: string,
): Promise<CheckedManifest> {
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
  const parsed = parseManifest(doc, appVersion);
  if (!parsed.ok) throw refuse(`${MANIFEST_FILE} is not a valid manifest: ${parsed.errors.join('; ')}`);
  const m = parsed.manifest;

  if (m.id !== expected.id) throw refuse(`${MANIFEST_FILE} says its id is "${m.id.slice(0, 80)}", but the catalog lists "${expected.id}"`);
  if (semver.clean(m.version) !== semver.clean(expected.version)) {
    throw refuse(`${MANIFEST_FILE} says version ${m.version.slice(0, 40)}, but the catalog lists ${expected.version}`);
  }

  const entryProblem = unsafePathReason(m.entry, 32);
  if (entryProblem) throw refuse(`its entry file ${entryProblem}`);
  const entryInfo = await lstat(join(root, m.entry)).catch(() => undefined);
  if (!entryInfo?.isFile()) throw refuse(`its entry file "${m.entry.slice(0, 120)}" is not in the archive`);
  if (entryInfo.size > MAX_SCRIPT_BYTES) throw refuse(`its entry file is larger than ${MAX_SCRIPT_BYTES / 1024 / 1024} MB`);

  for (const p of m.permissions) {
    if (!expected.permissions.includes(p)) {
      throw refuse(`${MANIFEST_FILE} asks for the "${p}" permission, which the catalog did not declare (and you were not asked about)`);
    }
  }
  for (const host of m.networkHosts) {
    if (!expected.networkHosts.includes(host)) {
      throw refuse(`${MANIFEST_FILE} reaches ${host.slice(0, 120)}, a host the catalog did not declare (and you were not asked about)`);
    }
  }
  return { id: m.id, name: m.name.trim().slice(0, 120) || m.id, version: m.version, permissions: [...m.permissions] };
}
