import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nodeHttpsFetch } from '../main/marketplace/http.ts';
import { TestHttpsServer } from '../main/marketplace/testing/https-server.ts';
import { startServices } from '../main/services.ts';
import type { Benchmark, BenchResult } from './run.ts';

/**
 * `agor.net.fetch` (issue 9): a plugin's request goes to main, which checks
 * it and performs it, against the same request made directly in main with
 * the same HTTP client, to the same loopback HTTPS server. Each batch is
 * BATCH sequential requests timed from main; batches of the two alternate,
 * and the figure is the median batch's time per request.
 */

const BATCHES = 9;
const BATCH = 40;
const GIVE_UP_MS = 60_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const PAYLOAD = JSON.stringify({ ok: true, items: Array.from({ length: 20 }, (_, i) => ({ id: i, text: 'a webhook answer' })) });

export default {
  name: 'net',
  async run(): Promise<BenchResult[]> {
    const server = await TestHttpsServer.start();
    server.put('/answer', PAYLOAD, { 'content-type': 'application/json' });
    const url = server.url('/answer');
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-net-'));
    const fetch = nodeHttpsFetch({ extraCa: [server.certificates.ca] });
    const services = startServices({ dataDir, appVersion: '0.1.0', native: { isSupported: () => false, show: () => undefined }, httpFetch: fetch });
    try {
      const core = services.core();
      const folder = join(core.pluginPaths.root, 'fetcher');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ id: 'fetcher', name: 'fetcher', version: '1.0.0', main: 'index.js', permissions: ['network', 'palette'], network: { hosts: ['127.0.0.1'] } }));
      writeFileSync(
        join(folder, 'index.js'),
        `agor.palette.registerCommand('Fetch a batch', async () => {
          for (let i = 0; i < ${BATCH}; i++) { const r = await agor.net.fetch(${JSON.stringify(url)}); if (r.status !== 200 || r.body.length !== ${PAYLOAD.length}) throw new Error('bad answer ' + r.status); }
        });`,
      );
      core.plugins.put({ id: 'fetcher', name: 'fetcher', version: '1.0.0', sourceId: null, previousVersion: null, grants: ['network', 'palette'] });
      await core.supervisor.start('fetcher');
      if (!core.supervisor.isRunning('fetcher')) throw new Error(`the fetcher plugin did not start: ${core.supervisor.logs('fetcher').map((l) => l.text).join(' / ')}`);
      const command = core.supervisor.list().find((p) => p.id === 'fetcher')!.commands[0]!.id;

      const direct = async () => {
        for (let i = 0; i < BATCH; i++) {
          const r = await fetch(url, {});
          const body = await r.text();
          if (r.status !== 200 || body.length !== PAYLOAD.length) throw new Error(`bad answer ${r.status}`);
        }
      };
      const fromPlugin = () => core.supervisor.runCommand(command, undefined);
      const timed = async (batch: () => Promise<unknown>) => {
        const started = performance.now();
        await Promise.race([batch(), new Promise((_, reject) => setTimeout(() => reject(new Error('the net benchmark gave up')), GIVE_UP_MS).unref())]);
        return (performance.now() - started) / BATCH;
      };
      // Warm both paths (TLS sessions, the plugin's first call) before measuring.
      await direct();
      await fromPlugin();
      const baseline: number[] = [];
      const ours: number[] = [];
      for (let i = 0; i < BATCHES; i++) {
        baseline.push(await timed(direct));
        ours.push(await timed(fromPlugin));
      }
      const b = median(baseline);
      const m = median(ours);
      return [{ name: 'agor.net.fetch per request (loopback HTTPS)', median: m, unit: 'ms', baseline: b, ratio: m / b, goal: 'ratio <= 1.3 (vs the same fetch done directly in main)' }];
    } finally {
      await services.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  },
} satisfies Benchmark;
