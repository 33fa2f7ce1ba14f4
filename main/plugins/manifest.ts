import { lstatSync, readdirSync, readFileSync, realpathSync, type Stats } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import semver from 'semver';
import { hostPatternProblem } from '../net/address-policy.ts';
import { normalizeManifest, PluginManifestSchema, type PluginManifest, type RawPluginManifest } from '../../app/manifest.ts';

export const MANIFEST_FILE = 'plugin.json';
const MAX_MANIFEST_BYTES = 256 * 1024;
export const MAX_SCRIPT_BYTES = 5 * 1024 * 1024;

const ajv = new Ajv({ allErrors: true, strict: false });
const validateRaw = ajv.compile<RawPluginManifest>(PluginManifestSchema);

/** A plugin folder as found on disk: a usable manifest and script, or the reasons it cannot run. */
export type DiscoveredPlugin =
  | { ok: true; id: string; folder: string; manifest: PluginManifest; scriptPath: string }
  | { ok: false; id: string; folder: string; name: string; version: string; errors: string[] };

function field(error: ErrorObject): string {
  const path = error.instancePath.replace(/^\//, '').replace(/\/(\d+)/g, '[$1]').replace(/\//g, '.');
  return path ? `"${path}"` : 'plugin.json';
}

/** ajv's messages, in words a plugin author can act on. */
export function describeSchemaErrors(errors: ErrorObject[] | null | undefined): string[] {
  const lines = new Set<string>();
  for (const e of errors ?? []) {
    if (e.keyword === 'required') lines.add(`plugin.json needs "${String(e.params.missingProperty)}"`);
    else if (e.keyword === 'enum') lines.add(`${field(e)} must be one of: ${(e.params.allowedValues as unknown[]).join(', ')}`);
    else if (e.keyword === 'pattern' && e.instancePath.endsWith('version')) lines.add(`${field(e)} must be a semantic version such as 1.0.0`);
    else if (e.keyword === 'pattern' && e.instancePath === '/id') lines.add('"id" may use only letters, digits, ".", "_" and "-", and starts with a letter or digit');
    else lines.add(`${field(e)} ${e.message ?? 'is invalid'}`);
  }
  return [...lines].slice(0, 10);
}

/** Validates a parsed plugin.json and folds its spellings; the caller has already read it. */
export function parseManifest(raw: unknown, appVersion: string): { ok: true; manifest: PluginManifest } | { ok: false; errors: string[] } {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { ok: false, errors: ['plugin.json must hold a JSON object'] };
  if (!validateRaw(raw)) return { ok: false, errors: describeSchemaErrors(validateRaw.errors) };
  const manifest = normalizeManifest(raw);
  if ('error' in manifest) return { ok: false, errors: [manifest.error] };
  const hostProblems = manifest.networkHosts.map(hostPatternProblem).filter((p): p is string => p !== null);
  if (hostProblems.length > 0) return { ok: false, errors: hostProblems.map((p) => `network.hosts: ${p}`) };
  if (manifest.networkHosts.length > 0 && !manifest.permissions.includes('network') && !manifest.optionalPermissions.includes('network')) {
    return { ok: false, errors: ['network.hosts names hosts, but "network" is in neither "permissions" nor "optionalPermissions"'] };
  }
  if (manifest.minAppVersion && semver.valid(appVersion) && semver.gt(manifest.minAppVersion, appVersion)) {
    return { ok: false, errors: [`Needs Switchboard ${manifest.minAppVersion} or newer (this is ${appVersion})`] };
  }
  return { ok: true, manifest };
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function statOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/**
 * Reads one plugin folder. Nothing here throws: every problem (a missing or
 * broken manifest, a script outside the folder, a symlink) becomes a reason
 * the plugin page shows.
 */
export function readPluginFolder(root: string, folderName: string, appVersion: string): DiscoveredPlugin {
  const folder = join(root, folderName);
  const failed = (errors: string[], name = folderName, version = '0.0.0'): DiscoveredPlugin => ({ ok: false, id: folderName, folder, name, version, errors });
  const folderStat = statOrNull(folder);
  if (!folderStat) return failed(['The plugin folder is missing']);
  if (folderStat.isSymbolicLink()) return failed(['The plugin folder is a symbolic link; plugins must be real folders inside the plugins folder']);
  if (!folderStat.isDirectory()) return failed(['Not a folder']);

  const manifestPath = join(folder, MANIFEST_FILE);
  const manifestStat = statOrNull(manifestPath);
  if (!manifestStat) return failed(['No plugin.json in the folder']);
  if (!manifestStat.isFile()) return failed(['plugin.json must be a regular file (symbolic links are refused)']);
  if (manifestStat.size > MAX_MANIFEST_BYTES) return failed([`plugin.json is larger than ${MAX_MANIFEST_BYTES / 1024} KB`]);

  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(manifestPath, 'utf8'));
  } catch (err) {
    return failed([`plugin.json is not valid JSON: ${(err as Error).message}`]);
  }
  const rawName = typeof (raw as { name?: unknown })?.name === 'string' ? ((raw as { name: string }).name) : folderName;
  const rawVersion = typeof (raw as { version?: unknown })?.version === 'string' ? ((raw as { version: string }).version) : '0.0.0';
  const parsed = parseManifest(raw, appVersion);
  if (!parsed.ok) return failed(parsed.errors, rawName, rawVersion);
  const { manifest } = parsed;
  if (manifest.id !== folderName) {
    return failed([`plugin.json says its id is "${manifest.id}" but its folder is "${folderName}"`], manifest.name, manifest.version);
  }

  const scriptPath = resolve(folder, manifest.entry);
  const script = statOrNull(scriptPath);
  if (!inside(folder, scriptPath)) return failed([`"${manifest.entry}" points outside the plugin folder`], manifest.name, manifest.version);
  if (!script) return failed([`The script "${manifest.entry}" does not exist`], manifest.name, manifest.version);
  let real: string;
  try {
    real = realpathSync(scriptPath);
  } catch {
    return failed([`The script "${manifest.entry}" cannot be read`], manifest.name, manifest.version);
  }
  if (script.isSymbolicLink() || !inside(realpathSync(folder), real)) {
    return failed([`The script "${manifest.entry}" is a symbolic link; plugins may only run files inside their folder`], manifest.name, manifest.version);
  }
  if (!script.isFile()) return failed([`The script "${manifest.entry}" is not a file`], manifest.name, manifest.version);
  if (script.size > MAX_SCRIPT_BYTES) return failed([`The script "${manifest.entry}" is larger than ${MAX_SCRIPT_BYTES / 1024 / 1024} MB`], manifest.name, manifest.version);
  return { ok: true, id: manifest.id, folder, manifest, scriptPath };
}

/** Every folder in the plugins folder, valid or not, sorted by id. A missing plugins folder is an empty list. */
export function discoverPlugins(root: string, appVersion: string): DiscoveredPlugin[] {
  let names: string[];
  try {
    names = readdirSync(root).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
  return names
    .sort((a, b) => a.localeCompare(b))
    .map((name) => {
      try {
        return readPluginFolder(root, name, appVersion);
      } catch (err) {
        // A race with an install or a file system error: list it, never stop the scan.
        return { ok: false as const, id: name, folder: join(root, name), name, version: '0.0.0', errors: [`Cannot be read: ${(err as Error).message}`] };
      }
    });
}

/** The script of a discovered plugin, read at start so a reload can keep the previous text. */
export function readPluginScript(plugin: Extract<DiscoveredPlugin, { ok: true }>): string {
  return readFileSync(plugin.scriptPath, 'utf8');
}
