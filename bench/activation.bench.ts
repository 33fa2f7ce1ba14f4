import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Permission } from '../app/permissions.ts';
import { procRss } from '../main/plugins/connection.ts';
import { startServices, type AppServices } from '../main/services.ts';
import type { Benchmark, BenchResult } from './run.ts';

/**
 * Plugins at scale (issue 10 §4), each against a baseline from the same run:
 *  1. 14 installed plugins of realistic size, none in use: the resident
 *     memory of all plugin processes together, vs one idle bare Node process
 *     (and, reported, the same 14 without activation events);
 *  2. palette Enter on a sleeping plugin's contributed command until its
 *     reply, vs the cold start of the same plugin to ready;
 *  3. app start (services up, every plugin settled) with those 14 installed,
 *     vs with none.
 * Bounded: fixed counts, every wait gives up after a minute.
 */

const PLUGINS = 14;
const ROUNDS = 10;
const IDLE_MS = 1500;
const GIVE_UP_MS = 60_000;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + GIVE_UP_MS;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`benchmark gave up waiting for ${what}`);
    await sleep(1);
  }
}

/**
 * A script the size and shape of the public agor catalog's (2–5 KB: pattern
 * tables, a message handler, a status command), different for each plugin.
 */
function realisticScript(n: number): string {
  const patterns = Array.from({ length: 24 }, (_, i) => `  { name: 'Pattern ${n}.${i}', regex: /p${n}_${i}[A-Za-z0-9]{${8 + (i % 8)}}/g, weight: ${i % 5} }`).join(',\n');
  return `function safeGet(obj) { for (var i = 1; i < arguments.length; i++) try { obj = obj[arguments[i]]; } catch (e) { return undefined; } return obj; }
var PATTERNS = [
${patterns}
];
var seen = new Set();
var counts = {};
var scanned = 0;
function hash(s) { var h = 0; for (var i = 0; i < s.length; i++) h = ((h << 5) - h + s.charCodeAt(i)) | 0; return h.toString(36); }
function scan(text) {
  for (var p = 0; p < PATTERNS.length; p++) {
    var pattern = PATTERNS[p];
    pattern.regex.lastIndex = 0;
    var match;
    while ((match = pattern.regex.exec(text)) !== null) {
      var key = hash(match[0]);
      if (seen.has(key)) continue;
      seen.add(key);
      counts[pattern.name] = (counts[pattern.name] || 0) + pattern.weight;
    }
  }
}
agor.messages.onMessage(function (msg) {
  scanned++;
  var tc = safeGet(msg, 'tool_call') || {};
  scan(String(safeGet(msg, 'content') || '') + '\\n' + JSON.stringify(safeGet(tc, 'input') || {}));
});
agor.palette.registerCommand('Plugin ${n}: Status', function () {
  var lines = ['Plugin ${n}', 'Messages scanned: ' + scanned, 'Unique matches: ' + seen.size];
  Object.keys(counts).sort().forEach(function (k) { lines.push('  ' + k + ': ' + counts[k]); });
  return lines.join('\\n');
});
`;
}

interface Installed {
  services: AppServices;
  dataDir: string;
}

function dataFolderWith(count: number, lazy: boolean): string {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-scale-'));
  const seed = startServices({ dataDir, appVersion: '0.1.0', native: { isSupported: () => false, show: () => undefined } });
  const core = seed.core();
  const grants: Permission[] = ['messages', 'palette'];
  for (let n = 0; n < count; n++) {
    const id = `realistic-${n}`;
    const folder = join(core.pluginPaths.root, id);
    mkdirSync(folder, { recursive: true });
    const label = `Plugin ${n}: Status`;
    const activation = lazy ? { activationEvents: ['onMessage', `onCommand:${label}`], contributes: { commands: [{ label }] } } : {};
    writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ id, name: `Realistic ${n}`, version: '1.0.0', main: 'index.js', permissions: grants, ...activation }));
    writeFileSync(join(folder, 'index.js'), realisticScript(n));
    core.plugins.put({ id, name: `Realistic ${n}`, version: '1.0.0', sourceId: null, previousVersion: null, grants });
  }
  void seed.close();
  return dataDir;
}

/** Starts the app on `dataDir` and waits until every plugin has settled (running, or sleeping). */
async function startApp(dataDir: string, count: number): Promise<{ app: Installed; ms: number }> {
  const started = performance.now();
  const services = startServices({ dataDir, appVersion: '0.1.0', native: { isSupported: () => false, show: () => undefined } });
  const supervisor = services.core().supervisor;
  await until(() => {
    const plugins = supervisor.list();
    return plugins.length === count && plugins.every((p) => p.state === 'running' || p.state === 'sleeping');
  }, 'the plugins to settle');
  return { app: { services, dataDir }, ms: performance.now() - started };
}

const pluginIds = (count: number) => Array.from({ length: count }, (_, n) => `realistic-${n}`);

function totalRss(services: AppServices, count: number): number {
  return pluginIds(count).reduce((sum, id) => {
    const pid = services.core().supervisor.processId(id);
    return sum + (pid === undefined ? 0 : (procRss(pid) ?? 0));
  }, 0);
}

async function bareNodeRss(): Promise<number> {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  await sleep(IDLE_MS);
  const rss = procRss(child.pid!) ?? Number.NaN;
  child.kill('SIGKILL');
  return rss;
}

async function memory(): Promise<BenchResult[]> {
  const bare = await bareNodeRss();
  const mb = (bytes: number) => bytes / 1024 / 1024;
  const figures: number[] = [];
  for (const lazy of [true, false]) {
    const dataDir = dataFolderWith(PLUGINS, lazy);
    const { app } = await startApp(dataDir, PLUGINS);
    await sleep(IDLE_MS);
    figures.push(totalRss(app.services, PLUGINS));
    await app.services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const [lazy = Number.NaN, eager = Number.NaN] = figures;
  return [
    { name: `${PLUGINS} installed plugins, none in use: plugin process memory`, median: mb(lazy), unit: 'MB', baseline: mb(bare), ratio: lazy / bare, goal: 'ratio <= 1.5 (vs one idle bare node process)' },
    { name: `${PLUGINS} installed plugins without activation events: plugin process memory`, median: mb(eager), unit: 'MB', baseline: mb(bare), ratio: eager / bare, goal: 'reported: what activation events save' },
  ];
}

/** Enter on a sleeping plugin's command until its reply, alternating with a cold start of the same plugin to ready. */
async function paletteWake(): Promise<BenchResult> {
  const dataDir = dataFolderWith(1, true);
  const { app } = await startApp(dataDir, 1);
  const supervisor = app.services.core().supervisor;
  const cold: number[] = [];
  const wake: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      const command = supervisor.palette().find((c) => c.label === 'Plugin 0: Status');
      if (!command) throw new Error('the sleeping plugin has no command in the palette');
      let started = performance.now();
      const reply = await app.services.dispatch('palette.run', { commandId: command.id });
      wake.push(performance.now() - started);
      if (!reply.ok) throw new Error(`the command failed: ${JSON.stringify(reply)}`);
      await supervisor.stop('realistic-0', 'measured');
      started = performance.now();
      await supervisor.restart('realistic-0');
      cold.push(performance.now() - started);
      await supervisor.stop('realistic-0', 'measured');
    }
  } finally {
    await app.services.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const m = median(wake);
  const b = median(cold);
  return { name: 'palette Enter on a sleeping plugin to its reply', median: m, unit: 'ms', baseline: b, ratio: m / b, goal: 'ratio <= 2 (vs the same plugin cold-started to ready)' };
}

async function appStart(): Promise<BenchResult> {
  const empty = dataFolderWith(0, true);
  const full = dataFolderWith(PLUGINS, true);
  const none: number[] = [];
  const many: number[] = [];
  try {
    for (let i = 0; i < ROUNDS; i++) {
      for (const [dir, count, into] of [[empty, 0, none], [full, PLUGINS, many]] as const) {
        const { app, ms } = await startApp(dir, count);
        into.push(ms);
        await app.services.close();
      }
    }
  } finally {
    rmSync(empty, { recursive: true, force: true });
    rmSync(full, { recursive: true, force: true });
  }
  const m = median(many);
  const b = median(none);
  return { name: `app start with ${PLUGINS} installed plugins`, median: m, unit: 'ms', baseline: b, ratio: m / b, goal: 'ratio <= 1.1 (vs no plugins installed)' };
}

const benchmark: Benchmark = {
  name: 'plugins-at-scale',
  async run() {
    return [...(await memory()), await paletteWake(), await appStart()];
  },
};

export default benchmark;
