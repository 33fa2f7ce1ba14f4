import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Benchmark, BenchResult } from './run.ts';

const CLIENTS = 200;
const POLLS_PER_CLIENT = 150;
const RUNS = 3;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function child(args: string[], env: Record<string, string> = {}): Promise<{ proc: ChildProcess; info: { url: string; tokens?: string[] } }> {
  const proc = spawn(process.execPath, [join(import.meta.dirname, 'hub-serve.ts'), ...args], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  return new Promise((resolve, reject) => {
    let buf = '';
    proc.stdout!.on('data', (c: Buffer) => {
      buf += c.toString();
      const nl = buf.indexOf('\n');
      if (nl >= 0) resolve({ proc, info: JSON.parse(buf.slice(0, nl)) as { url: string; tokens?: string[] } });
    });
    proc.once('exit', () => reject(new Error('the benchmark server exited')));
  });
}

function get(agent: Agent, url: string, headers: Record<string, string>): Promise<{ status: number; body: Buffer; etag: string }> {
  return new Promise((resolve, reject) => {
    request(url, { agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks), etag: String(res.headers.etag ?? '') }));
    })
      .on('error', reject)
      .end();
  });
}

/** 200 clients, each polling with If-None-Match as fast as answers come; requests per second and p99 latency. */
async function poll(url: string, tokens: (string | null)[]): Promise<{ rps: number; p99: number }> {
  const agent = new Agent({ keepAlive: true, maxSockets: CLIENTS });
  const first = await Promise.all(tokens.map((t) => get(agent, url, t ? { Authorization: `Bearer ${t}` } : {})));
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    tokens.map(async (t, i) => {
      const headers: Record<string, string> = { 'If-None-Match': first[i]!.etag };
      if (t) headers.Authorization = `Bearer ${t}`;
      for (let n = 0; n < POLLS_PER_CLIENT; n++) {
        const at = performance.now();
        const res = await get(agent, url, headers);
        if (res.status !== 304) throw new Error(`expected 304, got ${res.status}`);
        latencies.push(performance.now() - at);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  return { rps: latencies.length / seconds, p99: latencies[Math.floor(latencies.length * 0.99)]! };
}

/**
 * The Hub's per-caller signed catalog under 200 desktops polling with
 * If-None-Match (token check, group filter, per-caller version row, 304),
 * against a plain static file server answering the same bytes with an ETag.
 * Both servers run in their own process; the load comes from this one.
 */
const bench: Benchmark = {
  name: 'hub catalog polling',
  async run(): Promise<BenchResult[]> {
    const hub = await child(['hub']);
    try {
      const tokens = hub.info.tokens!;
      const sample = await get(new Agent(), hub.info.url, { Authorization: `Bearer ${tokens[0]}` });
      const dir = mkdtempSync(join(tmpdir(), 'hub-bench-static-'));
      writeFileSync(join(dir, 'catalog.json'), sample.body);
      const etag = `"${createHash('sha256').update(sample.body).digest('hex').slice(0, 32)}"`;
      const plain = await child(['static', join(dir, 'catalog.json'), etag]);
      try {
        const ours: { rps: number; p99: number }[] = [];
        const base: { rps: number; p99: number }[] = [];
        // One unmeasured round each, so both are measured warm (JIT, sockets, caches).
        await poll(plain.info.url, tokens.map(() => null));
        await poll(hub.info.url, tokens);
        for (let r = 0; r < RUNS; r++) {
          base.push(await poll(plain.info.url, tokens.map(() => null)));
          ours.push(await poll(hub.info.url, tokens));
        }
        const rps = median(ours.map((o) => o.rps));
        const baseRps = median(base.map((b) => b.rps));
        const p99 = median(ours.map((o) => o.p99));
        const baseP99 = median(base.map((b) => b.p99));
        return [
          { name: 'hub catalog: 200 clients polling (304)', median: rps, unit: 'req/s', baseline: baseRps, ratio: rps / baseRps, goal: '≥ 0.5× a static file server' },
          { name: 'hub catalog: p99 latency under that load', median: p99, unit: 'ms', baseline: baseP99, ratio: p99 / baseP99, goal: 'reported (lower is better)' },
        ];
      } finally {
        plain.proc.kill('SIGTERM');
      }
    } finally {
      hub.proc.kill('SIGTERM');
    }
  },
};

export default bench;
