import { exec } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startTestHub } from '../hub/testing/hub.ts';
import { newRepo, writeMarketplace } from '../hub/testing/repos.ts';
import type { SourceInfo } from '../hub/sources/sources.ts';
import type { Benchmark, BenchResult } from './run.ts';

const run = promisify(exec);
const PLUGINS = 500;
const RUNS = 5;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * First sync of a 500-plugin Claude Code marketplace repository (clone,
 * judging every file and plugin.json from git's objects, checkout, caching
 * 500 entries), against a bare `git clone` of the same repository in the
 * same run.
 */
const bench: Benchmark = {
  name: 'hub sync',
  async run(): Promise<BenchResult[]> {
    const repo = newRepo();
    writeMarketplace(
      repo,
      Array.from({ length: PLUGINS }, (_, i) => ({ name: `plugin-${i}`, files: { 'skills/main/SKILL.md': `# Skill ${i}\n\n${'Do the thing well. '.repeat(40)}\n` } })),
    );
    const hub = await startTestHub({ dataDir: mkdtempSync(join(tmpdir(), 'hub-bench-sync-')) });
    const scratch = mkdtempSync(join(tmpdir(), 'hub-bench-clone-'));
    try {
      const ours: number[] = [];
      const base: number[] = [];
      for (let r = 0; r < RUNS; r++) {
        const dest = join(scratch, `clone-${r}`);
        let at = performance.now();
        await run(`git clone --quiet -- file://${repo} ${dest}`);
        base.push(performance.now() - at);
        rmSync(dest, { recursive: true, force: true });

        const source = await hub.api<SourceInfo>(hub.adminToken, 'POST', '/api/admin/sources', { name: `Bench ${r}`, kind: 'git', url: `file://${repo}` });
        at = performance.now();
        const synced = await hub.api<SourceInfo>(hub.adminToken, 'POST', `/api/admin/sources/${source.body.id}/sync`);
        ours.push(performance.now() - at);
        if (synced.body.pluginCount !== PLUGINS) throw new Error(`sync gave ${synced.body.pluginCount} plugins: ${synced.body.lastError}`);
      }
      const m = median(ours);
      const b = median(base);
      return [{ name: `hub sync: ${PLUGINS}-plugin marketplace repository`, median: m, unit: 'ms', baseline: b, ratio: m / b, goal: '≤ 2× a bare git clone' }];
    } finally {
      await hub.close();
      rmSync(scratch, { recursive: true, force: true });
      rmSync(repo, { recursive: true, force: true });
    }
  },
};

export default bench;
