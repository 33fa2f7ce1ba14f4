import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import yazl from 'yazl';
import { git } from '../git/cli.ts';
import { listTree, readObjects } from '../git/objects.ts';
import type { Redactor } from '../redact.ts';
import type { SourcePlugin } from '../sources/sources.ts';

/** Fixed times and names, so the same content always makes the same commit and the same ZIP bytes. */
const EPOCH = '2000-01-01T00:00:00Z';
const COMMIT_ENV = {
  GIT_AUTHOR_NAME: 'Switchboard Hub',
  GIT_AUTHOR_EMAIL: 'hub@switchboard.invalid',
  GIT_AUTHOR_DATE: EPOCH,
  GIT_COMMITTER_NAME: 'Switchboard Hub',
  GIT_COMMITTER_EMAIL: 'hub@switchboard.invalid',
  GIT_COMMITTER_DATE: EPOCH,
};
const TOUCH_EVERY_MS = 60_000;

export interface MarketplaceBuild {
  /** Content address: the same granted content gives the same hash, for everyone with that view. */
  hash: string;
  dir: string;
  repo: string;
  zip: string;
  commit: string;
  plugins: { name: string; folder: string; ref: string; version: string | null }[];
}

export interface MarketplaceOptions {
  cacheDir: string;
  checkoutsDir: string;
  marketplaceName: string;
  /** Cache entries unused for this long are removed. */
  keepMs: number;
  redactor: Redactor;
  now: () => Date;
}

interface Layout {
  hash: string;
  manifest: Buffer;
  plugins: (MarketplaceBuild['plugins'][number] & { tree: string; slug: string })[];
}

/** The re-served marketplace of one view: folders `plugins/<slug>-<plugin>`, named in marketplace.json by their own plugin.json names. */
export function layoutOf(view: readonly SourcePlugin[], name: string): Layout {
  const used = new Set<string>();
  const plugins: Layout['plugins'] = [];
  const entries: Record<string, unknown>[] = [];
  for (const p of view) {
    if (p.kind !== 'claude-code') continue;
    const d = p.data as { pluginName: string; description: string; version: string | null; author: string | null; tree: string };
    const folder = `${p.slug}-${p.name}`;
    // Two marketplaces may ship the same plugin name; the later one is told apart by its source.
    const listed = used.has(d.pluginName) ? `${p.slug}-${d.pluginName}` : d.pluginName;
    used.add(listed);
    plugins.push({ name: listed, folder, ref: p.ref, version: d.version, tree: d.tree, slug: p.slug });
    entries.push({
      name: listed,
      source: `./plugins/${folder}`,
      description: d.description,
      ...(d.version ? { version: d.version } : {}),
      ...(d.author ? { author: { name: d.author } } : {}),
    });
  }
  const manifest = Buffer.from(`${JSON.stringify({ name, owner: { name: 'Switchboard Hub' }, metadata: { description: 'Plugins granted to you by your team Hub' }, plugins: entries }, null, 2)}\n`);
  const hash = createHash('sha256').update(manifest);
  for (const p of plugins) hash.update(`\n${p.folder} ${p.tree}`);
  return { hash: hash.digest('hex').slice(0, 32), manifest, plugins };
}

/**
 * Builds and caches re-served marketplaces by content. A build is a bare git
 * repository that borrows the plugin folders' objects from the source
 * checkouts (git alternates), with one commit made at a fixed time, and a
 * ZIP with fixed times and order. Nothing is copied file by file, so a
 * marketplace of hundreds of plugins builds in a few git calls.
 */
export class MarketplaceCache {
  readonly #o: MarketplaceOptions;
  readonly #building = new Map<string, Promise<MarketplaceBuild>>();
  readonly #touched = new Map<string, number>();

  constructor(options: MarketplaceOptions) {
    this.#o = options;
    mkdirSync(options.cacheDir, { recursive: true });
  }

  layout(view: readonly SourcePlugin[]): Layout {
    return layoutOf(view, this.#o.marketplaceName);
  }

  async get(view: readonly SourcePlugin[]): Promise<MarketplaceBuild> {
    const layout = this.layout(view);
    const dir = join(this.#o.cacheDir, layout.hash);
    const done = this.#result(layout, dir);
    if (existsSync(join(dir, 'commit'))) {
      this.#touch(layout.hash, dir);
      return done;
    }
    let build = this.#building.get(layout.hash);
    if (!build) {
      build = this.#build(layout, dir).finally(() => this.#building.delete(layout.hash));
      this.#building.set(layout.hash, build);
    }
    return build;
  }

  /** Removes cache entries nobody has used for `keepMs`, except `keep`. */
  prune(keep: string | null): string[] {
    const removed: string[] = [];
    const cutoff = this.#o.now().getTime() - this.#o.keepMs;
    for (const name of readdirSync(this.#o.cacheDir)) {
      if (name === keep || !/^[0-9a-f]{32}$/.test(name)) continue;
      const dir = join(this.#o.cacheDir, name);
      if (statSync(dir).mtimeMs <= cutoff) {
        rmSync(dir, { recursive: true, force: true });
        this.#touched.delete(name);
        removed.push(name);
      }
    }
    return removed;
  }

  #result(layout: Layout, dir: string): MarketplaceBuild {
    const commitFile = join(dir, 'commit');
    return {
      hash: layout.hash,
      dir,
      repo: join(dir, 'repo.git'),
      zip: join(dir, 'marketplace.zip'),
      commit: existsSync(commitFile) ? readFileSync(commitFile, 'utf8').trim() : '',
      plugins: layout.plugins.map(({ name, folder, ref, version }) => ({ name, folder, ref, version })),
    };
  }

  #touch(hash: string, dir: string): void {
    const now = this.#o.now();
    if (now.getTime() - (this.#touched.get(hash) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(hash, now.getTime());
    utimesSync(dir, now, now);
  }

  async #build(layout: Layout, dir: string): Promise<MarketplaceBuild> {
    const r = this.#o.redactor;
    const staging = join(this.#o.cacheDir, `.build-${layout.hash}-${randomBytes(4).toString('hex')}`);
    const repo = join(staging, 'repo.git');
    try {
      await git(r, ['init', '--quiet', '--bare', repo]);
      const slugs = [...new Set(layout.plugins.map((p) => p.slug))];
      writeFileSync(join(repo, 'objects', 'info', 'alternates'), slugs.map((s) => `${join(this.#o.checkoutsDir, s, '.git', 'objects')}\n`).join(''));
      const blob = (await git(r, ['hash-object', '-w', '--stdin'], { cwd: repo, input: layout.manifest })).toString().trim();
      const mktree = async (lines: string[]) => (await git(r, ['mktree'], { cwd: repo, input: lines.map((l) => `${l}\n`).join('') })).toString().trim();
      const meta = await mktree([`100644 blob ${blob}\tmarketplace.json`]);
      const root = [`040000 tree ${meta}\t.claude-plugin`];
      if (layout.plugins.length) root.push(`040000 tree ${await mktree(layout.plugins.map((p) => `040000 tree ${p.tree}\t${p.folder}`))}\tplugins`);
      const tree = await mktree(root);
      const commit = (await git(r, ['commit-tree', tree, '-m', 'Plugins granted to you by your team Hub'], { cwd: repo, env: COMMIT_ENV })).toString().trim();
      await git(r, ['update-ref', 'refs/heads/main', commit], { cwd: repo });
      await git(r, ['symbolic-ref', 'HEAD', 'refs/heads/main'], { cwd: repo });
      await writeZip(repo, commit, join(staging, 'marketplace.zip'), r);
      writeFileSync(join(staging, 'commit'), commit);
      try {
        renameSync(staging, dir);
      } catch (err) {
        // Another instance on the same data folder finished the same content first.
        if (!existsSync(join(dir, 'commit'))) throw err;
      }
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
    this.prune(layout.hash);
    return this.#result(layout, dir);
  }
}

/** Files in git's order, each with the fixed time; executables and symlinks keep their kind. */
async function writeZip(repo: string, commit: string, path: string, redactor: Redactor): Promise<void> {
  const files = await listTree(redactor, repo, commit);
  const blobs = await readObjects(repo, files.map((f) => f.oid));
  const zip = new yazl.ZipFile();
  const mtime = new Date(EPOCH);
  for (const f of files) {
    const mode = f.mode === '120000' ? 0o120777 : f.mode === '100755' ? 0o100755 : 0o100644;
    zip.addBuffer(blobs.get(f.oid) ?? Buffer.alloc(0), f.path, { mtime, mode, compress: f.mode !== '120000' });
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(path);
    zip.outputStream.pipe(out).on('finish', resolve).on('error', reject);
  });
}
