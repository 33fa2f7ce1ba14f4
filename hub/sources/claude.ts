import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { HubError } from '../errors.ts';
import type { Redactor } from '../redact.ts';
import { listTree, objectIds, readObjects, type TreeEntry } from '../git/objects.ts';

export interface RepoLimits {
  /** One file larger than this refuses the sync. */
  maxFileBytes: number;
  maxTotalBytes: number;
  maxFiles: number;
}

export const DEFAULT_REPO_LIMITS: RepoLimits = { maxFileBytes: 10 * 1024 * 1024, maxTotalBytes: 512 * 1024 * 1024, maxFiles: 50_000 };

/** Claude Code asks for kebab-case plugin and marketplace names. */
export const PLUGIN_NAME = /^[a-z0-9]+(-[a-z0-9]+)*$/;

const Person = Type.Object({ name: Type.String({ minLength: 1 }), email: Type.Optional(Type.String()), url: Type.Optional(Type.String()) });
const MarketplaceEntry = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  source: Type.Union([Type.String({ minLength: 1 }), Type.Object({ source: Type.String() })]),
  description: Type.Optional(Type.String()),
  version: Type.Optional(Type.String()),
  author: Type.Optional(Person),
});
const Marketplace = Type.Object({
  name: Type.String({ minLength: 1 }),
  owner: Person,
  metadata: Type.Optional(Type.Object({ pluginRoot: Type.Optional(Type.String()), description: Type.Optional(Type.String()) })),
  plugins: Type.Array(MarketplaceEntry, { maxItems: 5000 }),
});
const PluginJson = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64 }),
  version: Type.Optional(Type.String()),
  description: Type.Optional(Type.String()),
  author: Type.Optional(Person),
});

const ajv = new Ajv({ allErrors: false, strict: false });
const checkMarketplace = ajv.compile(Marketplace);
const checkPlugin = ajv.compile(PluginJson);

/** One Claude Code plugin as the Hub caches it after a sync. */
export interface ClaudePlugin {
  /** The marketplace's name for it: `<source>/<name>` is what admins grant. */
  name: string;
  /** The name in the plugin's own plugin.json, which the re-served marketplace uses. */
  pluginName: string;
  description: string;
  version: string | null;
  author: string | null;
  /** Folder inside the repository. */
  dir: string;
  /** git tree id of that folder: the plugin's content address. */
  tree: string;
}

export interface ClaudeSync {
  marketplaceName: string;
  plugins: ClaudePlugin[];
  /** Entries that cannot be re-served (they live in another repository), with the reason. */
  skipped: { name: string; reason: string }[];
}

const refuse = (reason: string) => new HubError(422, reason);

function schemaError(file: string, errors: typeof checkMarketplace.errors): string {
  const e = errors?.[0];
  const where = e?.instancePath ? e.instancePath.replace(/^\//, '').replace(/\//g, '.') : 'the top level';
  return `${file} is not valid: ${where} ${e?.message ?? 'does not match the schema'}`;
}

function parseJson(file: string, bytes: Buffer | null | undefined): unknown {
  if (!bytes) throw refuse(`${file} is missing.`);
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw refuse(`${file} is not valid JSON (${(err as Error).message}).`);
  }
}

/** A path inside the repository, or the reason it is not. */
function insideRepo(path: string): string | null {
  if (path.includes('\0') || posix.isAbsolute(path)) return null;
  const normal = posix.normalize(path);
  return normal === '..' || normal.startsWith('../') ? null : normal.replace(/\/+$/, '') || '.';
}

/**
 * Judges one fetched commit of a Claude Code marketplace repository before
 * anything on disk changes. It reads git's objects, so a refused commit
 * never reaches the working tree. Throws a 422 with the reason.
 */
export async function judgeClaudeMarketplace(redactor: Redactor, repo: string, commit: string, limits: RepoLimits): Promise<ClaudeSync> {
  const files = await listTree(redactor, repo, commit);
  judgeFiles(files, limits);
  const wanted = ['.claude-plugin/marketplace.json'];
  const first = await readObjects(repo, wanted.map((p) => `${commit}:${p}`));
  const doc = parseJson('.claude-plugin/marketplace.json', first.get(`${commit}:${wanted[0]}`));
  if (!checkMarketplace(doc)) throw refuse(schemaError('.claude-plugin/marketplace.json', checkMarketplace.errors));
  const market = doc as Static<typeof Marketplace>;
  const root = market.metadata?.pluginRoot ?? '.';
  const seen = new Set<string>();
  const local: { entry: Static<typeof MarketplaceEntry>; dir: string }[] = [];
  const skipped: ClaudeSync['skipped'] = [];
  for (const entry of market.plugins) {
    if (!PLUGIN_NAME.test(entry.name)) throw refuse(`The plugin name "${entry.name.slice(0, 64)}" is not kebab-case (lower-case letters, digits and single hyphens).`);
    if (seen.has(entry.name)) throw refuse(`The plugin name "${entry.name}" is listed more than once.`);
    seen.add(entry.name);
    if (typeof entry.source !== 'string') {
      skipped.push({ name: entry.name, reason: `its source is another repository (${entry.source.source}); only plugins inside this repository are re-served` });
      continue;
    }
    if (entry.source.split(/[\\/]/).includes('..')) throw refuse(`The plugin "${entry.name}" has ".." in its source "${entry.source}".`);
    const dir = insideRepo(posix.join(root, entry.source));
    if (!dir || dir === '.') throw refuse(`The plugin "${entry.name}" has a source outside its own folder: "${entry.source}".`);
    local.push({ entry, dir });
  }
  const objects = await readObjects(repo, local.map(({ dir }) => `${commit}:${dir}/.claude-plugin/plugin.json`));
  const trees = await objectIds(repo, local.map(({ dir }) => `${commit}:${dir}`), 'tree');
  await judgeSymlinks(repo, files, local.map(({ dir }) => dir));
  const pluginNames = new Set<string>();
  const plugins: ClaudePlugin[] = [];
  for (const { entry, dir } of local) {
    const tree = trees.get(`${commit}:${dir}`);
    if (!tree) throw refuse(`The plugin "${entry.name}" points at "${entry.source}", which is not a folder in the repository.`);
    const file = `${dir}/.claude-plugin/plugin.json`;
    const manifest = parseJson(file, objects.get(`${commit}:${file}`));
    if (!checkPlugin(manifest)) throw refuse(schemaError(file, checkPlugin.errors));
    const own = manifest as Static<typeof PluginJson>;
    if (!PLUGIN_NAME.test(own.name)) throw refuse(`${file} names the plugin "${own.name.slice(0, 64)}", which is not kebab-case.`);
    if (pluginNames.has(own.name)) throw refuse(`Two plugins of this marketplace call themselves "${own.name}" in their plugin.json.`);
    pluginNames.add(own.name);
    plugins.push({
      name: entry.name,
      pluginName: own.name,
      description: own.description ?? entry.description ?? '',
      version: own.version ?? entry.version ?? null,
      author: own.author?.name ?? entry.author?.name ?? null,
      dir,
      tree,
    });
  }
  return { marketplaceName: market.name, plugins, skipped };
}

function judgeFiles(files: readonly TreeEntry[], limits: RepoLimits): void {
  if (files.length > limits.maxFiles) throw refuse(`The repository has ${files.length} files; at most ${limits.maxFiles} are accepted.`);
  let total = 0;
  for (const f of files) {
    if (f.type === 'commit') throw refuse(`"${f.path}" is a git submodule; submodules are not followed.`);
    if (f.size > limits.maxFileBytes) {
      throw refuse(`"${f.path}" is ${(f.size / 1024 / 1024).toFixed(1)} MB; files can be at most ${(limits.maxFileBytes / 1024 / 1024).toFixed(1)} MB.`);
    }
    total += f.size;
    if (f.path.split('/').some((part) => part === '..' || part === '.git')) throw refuse(`"${f.path}" is not a path the Hub accepts.`);
  }
  if (total > limits.maxTotalBytes) throw refuse(`The repository holds ${Math.round(total / 1024 / 1024)} MB; at most ${Math.round(limits.maxTotalBytes / 1024 / 1024)} MB are accepted.`);
}

/** Symlinks must stay inside the repository, and inside their plugin's folder when they are in one (a plugin is re-served alone). */
async function judgeSymlinks(repo: string, files: readonly TreeEntry[], pluginDirs: readonly string[]): Promise<void> {
  const links = files.filter((f) => f.mode === '120000');
  if (links.length === 0) return;
  const targets = await readObjects(repo, links.map((l) => l.oid));
  for (const link of links) {
    const target = targets.get(link.oid)?.toString('utf8') ?? '';
    const resolved = insideRepo(posix.join(posix.dirname(link.path), target));
    if (posix.isAbsolute(target) || !resolved || resolved === '.git' || resolved.startsWith('.git/')) {
      throw refuse(`"${link.path}" is a symbolic link to "${target}", outside the repository.`);
    }
    const home = pluginDirs.find((d) => link.path.startsWith(`${d}/`));
    if (home && resolved !== home && !resolved.startsWith(`${home}/`)) {
      throw refuse(`"${link.path}" is a symbolic link to "${target}", outside its plugin's folder.`);
    }
  }
}
