import { exec, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pluginManifest, tarGz, type TestEntry } from '../main/marketplace/testing/archives.ts';
import { sha256 } from '../main/marketplace/testing/archives.ts';
import { catalogV1, marketplaceFixture } from '../main/marketplace/testing/fixture.ts';
import type { Benchmark, BenchResult } from './run.ts';

const run = promisify(exec);
const FILES = 500;
const FILE_BYTES = 10 * 1024;
const RUNS = 7;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Install of a 5 MB, 500-file plugin from the loopback HTTPS server (download,
 * streamed SHA-256, checked extraction, manifest check, journalled placement,
 * registry row), against what the same work costs with standard tools:
 * `curl | sha256sum` plus `tar xzf` of the same archive, measured in the same run.
 */
const bench: Benchmark = {
  name: 'marketplace install',
  async run(): Promise<BenchResult[]> {
    const work = mkdtempSync(join(tmpdir(), 'switchboard-bench-install-'));
    const served = join(work, 'served');
    mkdirSync(served);
    const id = 'bench-plugin';
    const files: TestEntry[] = Array.from({ length: FILES - 2 }, (_, i) => ({ path: `lib/part-${i}.bin`, body: randomBytes(FILE_BYTES) }));
    const archive = tarGz([
      { path: 'plugin.json', body: JSON.stringify(pluginManifest({ id, version: '1.0.0' })) },
      { path: 'main.js', body: 'export default {};' },
      ...files,
    ]);
    const archiveFile = join(served, 'plugin.tgz');
    writeFileSync(archiveFile, archive);
    // A relative download address resolves against the catalog's own URL.
    const entry = { id, name: id, version: '1.0.0', author: 'Bench', tier: 'free', downloadUrl: 'plugin.tgz', checksum: sha256(archive), size: archive.length, permissions: [] };
    writeFileSync(join(served, 'catalog.json'), catalogV1([entry]));
    // The server runs in its own process for both sides, as a real server would.
    const serverProcess = spawn(process.execPath, [join(import.meta.dirname, '..', 'main', 'marketplace', 'testing', 'serve-folder.ts'), served], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const { origin, ca } = await new Promise<{ origin: string; ca: string }>((resolve, reject) => {
        serverProcess.stdout.once('data', (line: Buffer) => resolve(JSON.parse(String(line)) as { origin: string; ca: string }));
        serverProcess.once('exit', () => reject(new Error('the benchmark server exited')));
      });
      const downloadUrl = `${origin}/plugin.tgz`;
      const caFile = join(work, 'ca.pem');
      writeFileSync(caFile, ca);
      mkdirSync(join(work, 'data'));
      const m = marketplaceFixture({ ca, dataDir: join(work, 'data') });
      const source = m.service.addSource({ name: 'Bench', url: `${origin}/catalog.json` });
      await m.service.fetchCatalog();
      const ours: number[] = [];
      const baseline: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t0 = performance.now();
        await m.service.install(id, source.id);
        ours.push(performance.now() - t0);
        await m.service.uninstall(id);

        const target = join(work, `tar-${i}`);
        mkdirSync(target);
        const t1 = performance.now();
        await run(`curl -s --cacert "${caFile}" "${downloadUrl}" | sha256sum`);
        await run(`tar xzf "${archiveFile}" -C "${target}"`);
        baseline.push(performance.now() - t1);
        rmSync(target, { recursive: true, force: true });
      }
      m.db.close();
      const oursMedian = median(ours);
      const baseMedian = median(baseline);
      process.stdout.write(`  archive ${(archive.length / 1e6).toFixed(2)} MB, ${FILES} files; runs ours ${ours.map((t) => t.toFixed(0)).join('/')} ms, baseline ${baseline.map((t) => t.toFixed(0)).join('/')} ms\n`);
      return [
        {
          name: 'marketplace install 5 MB / 500 files',
          median: oursMedian,
          unit: 'ms',
          baseline: baseMedian,
          ratio: oursMedian / baseMedian,
          goal: 'ratio <= 1.5 (vs curl | sha256sum + tar xzf)',
        },
      ];
    } finally {
      serverProcess.kill('SIGTERM');
      rmSync(work, { recursive: true, force: true });
    }
  },
};

export default bench;
