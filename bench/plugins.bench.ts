import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentMessage } from '../app/messages.ts';
import { startServices, type AppServices } from '../main/services.ts';
import { procRss } from '../main/plugins/connection.ts';
import type { Benchmark, BenchResult } from './run.ts';

/**
 * The plugin runtime's three benchmarks (issue 4), each against a baseline
 * measured in the same run:
 *  1. cold start of a trivial plugin to ready vs spawning `node -e 0` to exit;
 *  2. 10,000 agent messages fanned out to 10 plugins (throughput, p50/p99
 *     round trip from deliverMessage to the plugin's acknowledgement) vs a raw
 *     `process.send` ping-pong with plain Node children;
 *  3. resident memory of an idle plugin process vs an idle bare Node process.
 * Bounded: fixed counts, and every wait gives up after a minute.
 */

const COLD_STARTS = 12;
const FANOUT_PLUGINS = 10;
const BURST_MESSAGES = 10_000;
const LATENCY_ROUNDS = 1_000;
const RSS_SAMPLES = 5;
const IDLE_MS = 1500;
const GIVE_UP_MS = 60_000;

const NODE = process.execPath;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function withDeadline<T>(promise: Promise<T>, what: string): Promise<T> {
  return Promise.race([promise, sleep(GIVE_UP_MS).then(() => Promise.reject(new Error(`benchmark gave up waiting for ${what}`)))]);
}

interface Runtime {
  services: AppServices;
  dataDir: string;
  install(id: string, source: string, grants: ('messages' | 'palette')[]): void;
}

function runtime(): Runtime {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-plugins-'));
  const services = startServices({ dataDir, appVersion: '0.1.0', native: { isSupported: () => false, show: () => undefined } });
  const core = services.core();
  return {
    services,
    dataDir,
    install(id, source, grants) {
      const folder = join(core.pluginPaths.root, id);
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ id, name: id, version: '1.0.0', main: 'index.js', permissions: grants }));
      writeFileSync(join(folder, 'index.js'), source);
      core.plugins.put({ id, name: id, version: '1.0.0', sourceId: null, previousVersion: null, grants });
    },
  };
}

async function close(r: Runtime): Promise<void> {
  await r.services.close();
  rmSync(r.dataDir, { recursive: true, force: true });
}

function exitOf(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

/** Spawns Node with `args` and resolves when it has exited. */
async function spawnToExit(args: string[], what: string): Promise<number> {
  const started = performance.now();
  await withDeadline(exitOf(spawn(NODE, args, { stdio: 'ignore' })), what);
  return performance.now() - started;
}

/**
 * A startup snapshot that holds nothing but a main function that returns:
 * what Node's user-land snapshot costs before any of the host runs. The
 * plugin host starts from such a snapshot (main/plugins/launcher.ts), so
 * this is the floor under its cold start.
 */
function emptySnapshot(dir: string): string[] {
  const script = join(dir, 'empty-snapshot.cjs');
  const blob = join(dir, 'empty-snapshot.blob');
  writeFileSync(script, "require('node:v8').startupSnapshot.setDeserializeMainFunction(() => {});\n");
  const built = spawnSync(NODE, ['--snapshot-blob', blob, '--build-snapshot', script], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`could not build the empty snapshot: ${built.stderr}`);
  return ['--snapshot-blob', blob, script];
}

/** Baseline, empty snapshot and plugin starts alternate, so a busy moment of the machine weighs on all three alike. */
async function coldStart(): Promise<BenchResult[]> {
  const baseline: number[] = [];
  const floor: number[] = [];
  const ours: number[] = [];
  const r = runtime();
  try {
    const snapshotArgs = emptySnapshot(r.dataDir);
    const supervisor = r.services.core().supervisor;
    for (let i = 0; i < COLD_STARTS; i++) {
      baseline.push(await spawnToExit(['-e', '0'], 'node -e 0'));
      floor.push(await spawnToExit(snapshotArgs, 'node from an empty snapshot'));
      const id = `trivial-${i}`;
      r.install(id, 'console.log("hello");', []);
      const started = performance.now();
      await withDeadline(supervisor.start(id), 'a plugin to start');
      ours.push(performance.now() - started);
      if (!supervisor.isRunning(id)) throw new Error(`${id} did not start: ${supervisor.logs(id).map((l) => l.text).join(' / ')}`);
      await supervisor.stop(id, 'measured');
    }
  } finally {
    await close(r);
  }
  const b = median(baseline);
  const m = median(ours);
  const f = median(floor);
  return [
    { name: 'plugin cold start to ready', median: m, unit: 'ms', baseline: b, ratio: m / b, goal: 'ratio <= 1.5 (vs spawning node -e 0 to exit)' },
    { name: 'node from an empty startup snapshot, to exit', median: f, unit: 'ms', baseline: b, ratio: f / b, goal: 'reported: the floor under a snapshot-started host' },
  ];
}

function agentMessage(i: number): AgentMessage {
  return {
    id: `m${i}`,
    sessionId: 'bench-session',
    projectId: 'bench',
    provider: 'claude-code',
    timestamp: '2026-11-21T10:00:00.000Z',
    type: 'text',
    role: 'assistant',
    content: `message number ${i}: the quick brown fox jumps over the lazy dog`,
  };
}

/**
 * The same measurement for the raw baseline and for plugins: one warm-up
 * message, then LATENCY_ROUNDS single-message round trips, then a burst of
 * BURST_MESSAGES. `round` resolves once every receiver has answered.
 */
async function measureFanout(round: (messages: AgentMessage[]) => Promise<void>): Promise<{ perSecond: number; latencies: number[] }> {
  await round([agentMessage(-1)]);
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_ROUNDS; i++) {
    const started = performance.now();
    await round([agentMessage(i)]);
    latencies.push(performance.now() - started);
  }
  const burst = Array.from({ length: BURST_MESSAGES }, (_, i) => agentMessage(i));
  const started = performance.now();
  await round(burst);
  return { perSecond: BURST_MESSAGES / ((performance.now() - started) / 1000), latencies };
}

/** Plain Node children answering every message at once: the floor any plugin runtime pays for a process hop. */
const RAW_CHILD = "process.on('message', (m) => process.send(m.id));";

async function rawFanout(): Promise<{ perSecond: number; latencies: number[] }> {
  const children = Array.from({ length: FANOUT_PLUGINS }, () => spawn(NODE, ['-e', RAW_CHILD], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] }));
  try {
    let pending = 0;
    let done: (() => void) | undefined;
    for (const child of children) {
      child.on('message', () => {
        pending -= 1;
        if (pending === 0) done?.();
      });
    }
    const round = (messages: AgentMessage[]) =>
      withDeadline(
        new Promise<void>((resolve) => {
          pending = messages.length * children.length;
          done = resolve;
          for (const m of messages) for (const child of children) child.send(m);
        }),
        'raw children to answer',
      );
    return await measureFanout(round);
  } finally {
    for (const child of children) child.kill('SIGKILL');
  }
}

async function pluginFanout(): Promise<{ perSecond: number; latencies: number[] }> {
  const r = runtime();
  try {
    const supervisor = r.services.core().supervisor;
    for (let i = 0; i < FANOUT_PLUGINS; i++) {
      r.install(`listener-${i}`, 'agor.messages.onMessage(function (msg) { console.log(msg.id); });', ['messages']);
    }
    await withDeadline(supervisor.startAll(), 'plugins to start');
    let pending = 0;
    let done: (() => void) | undefined;
    r.services.events.subscribe((name, payload) => {
      if (name !== 'plugins.log' || (payload as { line: { source: string } }).line.source !== 'plugin') return;
      pending -= 1;
      if (pending === 0) done?.();
    });
    const round = (messages: AgentMessage[]) =>
      withDeadline(
        new Promise<void>((resolve) => {
          pending = messages.length * FANOUT_PLUGINS;
          done = resolve;
          for (const m of messages) supervisor.deliverMessage(m);
        }),
        'plugins to acknowledge',
      );
    return await measureFanout(round);
  } finally {
    await close(r);
  }
}

async function fanout(): Promise<BenchResult[]> {
  const raw = await rawFanout();
  const ours = await pluginFanout();
  const rawP50 = percentile(raw.latencies, 50);
  const rawP99 = percentile(raw.latencies, 99);
  const p50 = percentile(ours.latencies, 50);
  const p99 = percentile(ours.latencies, 99);
  return [
    {
      name: `fan-out p50 round trip (1 message to ${FANOUT_PLUGINS} plugins)`,
      median: p50,
      unit: 'ms',
      baseline: rawP50,
      ratio: p50 / rawP50,
      goal: 'ratio <= 2 (vs raw process.send ping-pong)',
    },
    {
      name: `fan-out p99 round trip (1 message to ${FANOUT_PLUGINS} plugins)`,
      median: p99,
      unit: 'ms',
      baseline: rawP99,
      ratio: p99 / rawP99,
      goal: 'reported (vs raw process.send ping-pong)',
    },
    {
      name: `fan-out throughput (${BURST_MESSAGES.toLocaleString('en-US')} messages to ${FANOUT_PLUGINS} plugins)`,
      median: ours.perSecond,
      unit: 'messages/s',
      baseline: raw.perSecond,
      ratio: ours.perSecond / raw.perSecond,
      goal: 'reported; higher is better (vs raw process.send)',
    },
  ];
}

async function idleRss(): Promise<BenchResult> {
  const baseline: number[] = [];
  for (let i = 0; i < RSS_SAMPLES; i++) {
    const child = spawn(NODE, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
    await sleep(IDLE_MS);
    baseline.push(procRss(child.pid!) ?? Number.NaN);
    child.kill('SIGKILL');
    await exitOf(child);
  }
  const r = runtime();
  const ours: number[] = [];
  try {
    const supervisor = r.services.core().supervisor;
    for (let i = 0; i < RSS_SAMPLES; i++) {
      const id = `idle-${i}`;
      r.install(id, 'var started = new Date();', []);
      await withDeadline(supervisor.start(id), 'an idle plugin to start');
      await sleep(IDLE_MS);
      ours.push(procRss(supervisor.processId(id)!) ?? Number.NaN);
      await supervisor.stop(id, 'measured');
    }
  } finally {
    await close(r);
  }
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const m = mb(median(ours));
  const b = mb(median(baseline));
  return { name: 'idle plugin resident memory', median: m, unit: 'MB', baseline: b, ratio: m / b, goal: 'ratio <= 1.5 (vs an idle bare node process)' };
}

const benchmark: Benchmark = {
  name: 'plugins',
  async run() {
    if (!readFileSync('/proc/self/status', 'utf8').includes('VmRSS')) throw new Error('The plugin benchmarks read memory from /proc (Linux).');
    return [...(await coldStart()), ...(await fanout()), await idleRss()];
  },
};

export default benchmark;
