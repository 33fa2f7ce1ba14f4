// The plugin author kit behind `npm run plugin -- <command>` (scripts/plugin.ts):
// scaffold, validate (manifest, runtime rules, a dry load in a real sandboxed
// plugin process), pack (.tgz, its sha256 and a catalog entry in format 1 or 2)
// and sign (an ed25519 signature of a catalog). Every function returns what
// it found or made; the CLI only prints it.
import { createHash, createPrivateKey, generateKeyPairSync, createPublicKey } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { findDirectEval } from '../app/direct-eval.ts';
import { isSafePluginId, type PluginManifest } from '../app/manifest.ts';
import { CATALOG_V2_PERMISSIONS, type Permission } from '../app/permissions.ts';
import { publicKeyBase64, signDetached } from '../main/marketplace/signing.ts';
import { readPluginFolder, readPluginScript } from '../main/plugins/manifest.ts';
import { startServices } from '../main/services.ts';
import { folderArchive } from './folder-archive.ts';

const ROOT = resolve(import.meta.dirname, '..');
const APP_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
export const TYPES_PATH = join(ROOT, 'schemas', 'agor.d.ts');

/** Creates `<parent>/<id>/` with plugin.json, index.js and a test; refuses an unsafe id or an existing folder. */
export function scaffold(id: string, parent: string): string {
  if (!isSafePluginId(id)) throw new Error(`"${id}" is not a valid plugin id: letters, digits, . _ - only, starting with a letter or digit`);
  const folder = resolve(parent, id);
  if (existsSync(folder)) throw new Error(`${folder} exists already; choose another id or remove it`);
  mkdirSync(folder, { recursive: true });
  const label = `${id}: Say hello`;
  const manifest = {
    $schema: relative(folder, join(ROOT, 'schemas', 'plugin.schema.json')),
    id,
    name: id,
    version: '0.1.0',
    description: `What ${id} does, in one sentence.`,
    main: 'index.js',
    permissions: ['palette', 'notifications'],
    activationEvents: [`onCommand:${label}`],
    contributes: { commands: [{ label }] },
  };
  writeFileSync(join(folder, 'plugin.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  writeFileSync(
    join(folder, 'index.js'),
    `// @ts-check
/// <reference path="${relative(folder, TYPES_PATH)}" />
// Runs in its own sandboxed process; \`agor\` (alias \`bt\`) is the whole API.

agor.palette.registerCommand(${JSON.stringify(label)}, async () => {
  await agor.notifications.send('${id}', 'Hello from ${id}');
  return 'said hello';
});

agor.events.on('unload', () => console.log('${id} is stopping'));
`,
  );
  // Editor help matches the sandbox: the standard built-ins and the agor API, no DOM and no Node.
  writeFileSync(join(folder, 'jsconfig.json'), `${JSON.stringify({ compilerOptions: { checkJs: true, target: 'es2022', lib: ['es2022'], types: [] }, files: ['index.js', relative(folder, TYPES_PATH)] }, null, 2)}\n`);
  writeFileSync(
    join(folder, 'plugin.test.ts'),
    `// Run from the Switchboard folder with: npm exec -- node --test ${join(folder, "plugin.test.ts")}
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { validate } from '${relative(folder, join(ROOT, 'scripts', 'plugin-kit.ts'))}';

test('loads in a real sandboxed host and its command answers', async () => {
  const report = await validate(import.meta.dirname, { run: ${JSON.stringify(label)} });
  assert.deepEqual(report.errors, []);
  assert.equal(report.commandReply, 'said hello');
});
`,
  );
  return folder;
}

export interface ValidationReport {
  id: string | null;
  errors: string[];
  warnings: string[];
  /** The commands the plugin registered when it was loaded. */
  commands: string[];
  /** What the command named in `run` returned. */
  commandReply?: unknown;
}

/** Where a script uses part of the API, and the permission that part needs. */
export const API_USES: [RegExp, Permission][] = [
  [/\b(agor\.palette\.registerCommand|bt\.registerCommand)\b/, 'palette'],
  [/\b(agor\.messages\.onMessage|bt\.onMessage)\b/, 'messages'],
  [/\b(agor|bt)\.tasks\./, 'tasks'],
  [/\b(agor\.events\.emit|bt\.emit)\b|\b(agor\.events\.on|bt\.on)\(\s*(?!['"]unload['"])/, 'events'],
  [/\b(agor\.notifications\.send|bt\.notify)\b/, 'notifications'],
  [/\b(agor\.settings\.|bt\.(get|set)Setting)\b/, 'settings'],
  [/\b(agor\.ui\.setPanel|bt\.setPanel)\b/, 'panels'],
  [/\b(agor\.hooks\.register|bt\.registerHook)\b/, 'hooks'],
  [/\bagor\.net\./, 'network'],
  [/\bagor\.files\./, 'files'],
  [/\bagor\.git\./, 'git'],
  [/\bagor\.sessions\./, 'sessions'],
  [/\bagor\.audit\./, 'audit'],
  [/\bagor\.agents\./, 'agents'],
  [/\bagor\.ui\.setStatus\b/, 'status'],
];

/** Rules the runtime enforces that a manifest schema cannot: checked on the source, before anything runs. */
export function runtimeRules(manifest: PluginManifest, source: string): { errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const evalLine = findDirectEval(source);
  if (evalLine !== null) errors.push(`${manifest.entry}:${evalLine}: a direct eval(...) is refused by the sandbox; use (0, eval)(...) or no eval`);
  const declared = new Set([...manifest.permissions, ...manifest.optionalPermissions]);
  for (const [pattern, permission] of API_USES) {
    if (pattern.test(source) && !declared.has(permission)) warnings.push(`The script uses the '${permission}' API but plugin.json does not ask for "${permission}": those calls will be refused`);
  }
  const contributed = new Set(manifest.contributedCommands.map((c) => c.label));
  for (const event of manifest.activationEvents) {
    if (event.startsWith('onCommand:') && !contributed.has(event.slice('onCommand:'.length))) {
      warnings.push(`"${event}" has no matching contributes.commands entry, so the palette cannot show it while the plugin sleeps`);
    }
  }
  for (const { label } of manifest.contributedCommands) {
    if (!source.includes(label)) warnings.push(`contributes.commands lists "${label}" but the script never mentions that label; choosing it would fail`);
  }
  return { errors, warnings };
}

/**
 * The manifest (the schema and every check main makes), the runtime rules,
 * then a dry load: the plugin starts in a real sandboxed plugin process, with
 * the permissions it asks for, and `run` names a command to run once ready.
 */
export async function validate(folder: string, options: { run?: string } = {}): Promise<ValidationReport> {
  const source = resolve(folder);
  const scratch = mkdtempSync(join(tmpdir(), 'sb-plugin-validate-'));
  const report: ValidationReport = { id: null, errors: [], warnings: [], commands: [] };
  try {
    let id = basename(source);
    try {
      const raw = JSON.parse(readFileSync(join(source, 'plugin.json'), 'utf8')) as { id?: unknown; name?: unknown };
      if (typeof raw.id === 'string') id = raw.id;
      else if (typeof raw.name === 'string') id = raw.name;
    } catch {
      // readPluginFolder says what is wrong with plugin.json.
    }
    const services = startServices({ dataDir: scratch, appVersion: APP_VERSION, native: { isSupported: () => false, show: () => undefined } });
    try {
      const core = services.core();
      if (!isSafePluginId(id)) id = basename(source);
      cpSync(source, join(core.pluginPaths.root, id), { recursive: true, filter: (path) => !/[\\/](node_modules|\.git)$/.test(path) });
      const found = readPluginFolder(core.pluginPaths.root, id, APP_VERSION);
      if (!found.ok) {
        report.errors.push(...found.errors);
        return report;
      }
      report.id = found.manifest.id;
      const rules = runtimeRules(found.manifest, readPluginScript(found));
      report.errors.push(...rules.errors);
      report.warnings.push(...rules.warnings);
      if (report.errors.length) return report;
      const { manifest } = found;
      core.plugins.put({ id, name: manifest.name, version: manifest.version, sourceId: null, previousVersion: null, grants: manifest.permissions });
      await core.supervisor.start(id);
      // One with activation events sleeps after start; the dry load wakes it.
      if (core.supervisor.get(id).state === 'sleeping') await core.supervisor.restart(id);
      const loaded = core.supervisor.get(id);
      if (loaded.state !== 'running') {
        report.errors.push(`The dry load failed: ${loaded.stateReason ?? loaded.state}`);
        return report;
      }
      const palette = core.supervisor.palette().filter((c) => c.pluginId === id);
      report.commands = palette.map((c) => c.label);
      if (options.run !== undefined) {
        const command = palette.find((c) => c.label === options.run);
        if (!command) report.errors.push(`The plugin registered no command "${options.run}"`);
        else {
          try {
            report.commandReply = await core.supervisor.runCommand(command.id, undefined);
          } catch (err) {
            report.errors.push(`"${options.run}" failed: ${err instanceof Error ? err.message : String(err)}`);
          }
        }
      }
      return report;
    } finally {
      await services.close();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

export interface Packed {
  archive: string;
  sha256: string;
  size: number;
  entry: Record<string, unknown>;
}

/**
 * Packs the folder into `<out>/<id>-<version>.tgz` (reproducible bytes) and
 * writes the catalog entry beside it: format 1 (downloadUrl, checksum, size)
 * or 2 (download_url, checksum_sha256, size_bytes). `baseUrl` is where the
 * archive will be served from; without it the entry names the archive file.
 */
export function pack(folder: string, options: { out: string; format: 1 | 2; baseUrl?: string; author?: string }): Packed {
  const source = resolve(folder);
  const found = readPluginFolder(resolve(source, '..'), basename(source), APP_VERSION);
  if (!found.ok) throw new Error(`Not packed: ${found.errors.join('; ')}`);
  const { manifest } = found;
  const rules = runtimeRules(manifest, readPluginScript(found));
  if (rules.errors.length) throw new Error(`Not packed: ${rules.errors.join('; ')}`);
  if (options.format === 2) {
    const outside = manifest.permissions.filter((p) => !(CATALOG_V2_PERMISSIONS as readonly string[]).includes(p));
    if (outside.length) throw new Error(`Not packed: format 2 cannot list ${outside.join(', ')}; use format 1`);
  }
  const bytes = folderArchive(source);
  mkdirSync(options.out, { recursive: true });
  const file = `${manifest.id}-${manifest.version}.tgz`;
  const archive = join(options.out, file);
  writeFileSync(archive, bytes);
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const url = options.baseUrl ? new URL(file, options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`).href : file;
  const author = options.author ?? 'Unknown author';
  const entry: Record<string, unknown> =
    options.format === 1
      ? {
          id: manifest.id,
          name: manifest.name,
          description: manifest.description,
          version: manifest.version,
          author,
          tier: 'free',
          downloadUrl: url,
          checksum: sha256,
          size: bytes.length,
          permissions: manifest.permissions,
          ...(manifest.networkHosts.length ? { network: { hosts: manifest.networkHosts } } : {}),
          ...(manifest.minAppVersion ? { minVersion: manifest.minAppVersion } : {}),
        }
      : {
          id: manifest.id,
          name: manifest.name,
          version: manifest.version,
          author,
          description: manifest.description,
          download_url: url,
          checksum_sha256: sha256,
          size_bytes: bytes.length,
          permissions: manifest.permissions,
          tags: ['free'],
        };
  writeFileSync(join(options.out, `${manifest.id}-${manifest.version}.entry.json`), `${JSON.stringify(entry, null, 2)}\n`);
  return { archive, sha256, size: bytes.length, entry };
}

/**
 * Signs a catalog file: writes `<catalog>.sig` (base64 ed25519 over its exact
 * bytes) and returns the public key to give the source. With `newKey`, a new
 * key is written there first (never over an existing file).
 */
export function sign(catalog: string, key: { path: string; create?: boolean }): { signature: string; publicKey: string } {
  if (key.create) {
    if (existsSync(key.path)) throw new Error(`${key.path} exists; refusing to overwrite a key`);
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(key.path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600 });
  }
  const privateKey = createPrivateKey(readFileSync(key.path));
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${key.path} is a ${privateKey.asymmetricKeyType} key; sign needs an ed25519 key`);
  const body = readFileSync(catalog);
  JSON.parse(body.toString('utf8'));
  const signature = signDetached(body, privateKey);
  writeFileSync(`${catalog}.sig`, `${signature}\n`);
  return { signature, publicKey: publicKeyBase64(createPublicKey(privateKey)) };
}
