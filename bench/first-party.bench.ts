import { spawn } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { procRss } from '../main/plugins/connection.ts';
import { BUILTIN_SOURCE_ID } from '../main/marketplace/builtin.ts';
import { signLicense } from '../main/marketplace/license.ts';
import { publicKeyBase64 } from '../main/marketplace/signing.ts';
import type { KeyringBackend } from '../main/secrets/keyring.ts';
import { startServices, type AppServices } from '../main/services.ts';
import type { Benchmark, BenchResult } from './run.ts';
import { writeTranscripts } from './sessions.bench.ts';

/**
 * The first-party catalog in use (issue 11, "Benchmark"): every plugin of the
 * signed built-in catalog installed from it (the Pro ones with a licence
 * signed by a key pair made here) and a 200,000-message session history,
 * against the same app and history with no plugin installed:
 *  1. app start to interactive: startServices until every plugin has settled
 *     (running, or sleeping until its activation event) and the window's
 *     first `plugins.list` and `sessions.list` have answered;
 *  2. the idle memory of the running plugin processes after that start,
 *     against the whole app's idle memory with none installed.
 * Each start is a fresh Node process (so the app's own memory is its own),
 * the two alternate, medians of RUNS; every wait gives up after a minute.
 */

const MESSAGES = 200_000;
const RUNS = 5;
const IDLE_MS = 1500;
const GIVE_UP_MS = 60_000;
const CHILD_FLAG = '--first-party-start';

interface Measured {
  ms: number;
  appRss: number;
  pluginRss: number;
  running: number;
  settled: number;
}

interface ChildArgs {
  dataDir: string;
  home: string;
  keyringFile: string;
  licensePublicKey: string;
  plugins: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** The licences live in the keyring; here one kept in memory and handed to each start through a file. */
function memoryKeyring(entries: Record<string, string> = {}): KeyringBackend & { entries: Record<string, string> } {
  return {
    entries,
    set: (name, value) => void (entries[name] = value),
    get: (name) => entries[name] ?? null,
    delete: (name) => delete entries[name],
    probe: () => undefined,
    names: () => Object.keys(entries),
  };
}

function open(dataDir: string, home: string, keyring: KeyringBackend, licensePublicKey: string): AppServices {
  return startServices({
    dataDir,
    appVersion: '0.1.0',
    native: { isSupported: () => false, show: () => undefined },
    keyring,
    agentHome: home,
    marketplace: { licensePublicKey },
  });
}

async function settled(services: AppServices, plugins: number): Promise<void> {
  const supervisor = services.core().supervisor;
  const deadline = Date.now() + GIVE_UP_MS;
  for (;;) {
    const list = supervisor.list();
    if (list.length === plugins && list.every((p) => p.state === 'running' || p.state === 'sleeping')) return;
    if (Date.now() > deadline) throw new Error(`the plugins did not settle: ${list.map((p) => `${p.id} ${p.state}`).join(', ')}`);
    await sleep(1);
  }
}

/** One app start, in this (child) process: prints what it measured as one JSON line. */
async function measureStart(args: ChildArgs): Promise<void> {
  const keyring = memoryKeyring(JSON.parse(readFileSync(args.keyringFile, 'utf8')) as Record<string, string>);
  const started = performance.now();
  const services = open(args.dataDir, args.home, keyring, args.licensePublicKey);
  await settled(services, args.plugins);
  const [plugins, sessions] = await Promise.all([services.dispatch('plugins.list', {}), services.dispatch('sessions.list', {})]);
  const ms = performance.now() - started;
  if (!plugins.ok || !sessions.ok) throw new Error(`the first answers failed: ${JSON.stringify([plugins, sessions])}`);
  if ((sessions.value as { sessions: unknown[] }).sessions.length === 0) throw new Error('sessions.list found no session history');
  await sleep(IDLE_MS);
  const supervisor = services.core().supervisor;
  const pids = supervisor.list().map((p) => supervisor.processId(p.id)).filter((pid) => pid !== undefined);
  const measured: Measured = {
    ms,
    appRss: procRss(process.pid) ?? Number.NaN,
    pluginRss: pids.reduce((sum, pid) => sum + (procRss(pid) ?? 0), 0),
    running: pids.length,
    settled: supervisor.list().length,
  };
  process.stdout.write(`${JSON.stringify(measured)}\n`);
  await services.close();
}

function startInChild(args: ChildArgs): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [import.meta.filename, CHILD_FLAG, JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), GIVE_UP_MS * 2);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0 || !line.startsWith('{')) reject(new Error(`an app start failed (exit ${code}): ${err.trim() || out.trim()}`));
      else resolve(JSON.parse(line) as Measured);
    });
  });
}

/** Two data folders with the same imported history; the second with every plugin of the built-in catalog installed. */
async function prepare(root: string): Promise<{ none: string; all: string; home: string; keyringFile: string; licensePublicKey: string; plugins: number }> {
  const home = join(root, 'home');
  writeTranscripts(join(home, '.claude', 'projects'), join(root, 'code'), { sessions: 200, perSession: 1000 });
  const keys = generateKeyPairSync('ed25519');
  const licensePublicKey = publicKeyBase64(keys.publicKey);
  const keyring = memoryKeyring();
  const none = join(root, 'none');
  const seed = open(none, home, keyring, licensePublicKey);
  const report = seed.core().agents.sources.scan();
  await seed.core().search.settled();
  await seed.close();
  if (report.messagesAdded !== MESSAGES) throw new Error(`imported ${report.messagesAdded} messages, expected ${MESSAGES}`);

  const all = join(root, 'all');
  cpSync(none, all, { recursive: true });
  const app = open(all, home, keyring, licensePublicKey);
  const marketplace = app.core().marketplace;
  const entries = (await marketplace.fetchCatalog()).entries.filter((e) => e.sourceId === BUILTIN_SOURCE_ID);
  const pro = entries.find((e) => e.tier === 'paid');
  if (pro) {
    const token = signLicense({ licensee: 'Bench Team', plugins: '*', expires: new Date(Date.now() + 365 * 86_400_000).toISOString() }, keys.privateKey);
    await marketplace.setLicenseKey(BUILTIN_SOURCE_ID, pro.id, token);
  }
  for (const entry of entries) await marketplace.install(entry.id, BUILTIN_SOURCE_ID, entry.permissions);
  await settled(app, entries.length);
  await app.close();
  const keyringFile = join(root, 'keyring.json');
  writeFileSync(keyringFile, JSON.stringify(keyring.entries));
  return { none, all, home, keyringFile, licensePublicKey, plugins: entries.length };
}

const benchmark: Benchmark = {
  name: 'first-party',
  async run(): Promise<BenchResult[]> {
    const root = mkdtempSync(join(tmpdir(), 'sb-bench-first-party-'));
    try {
      const p = await prepare(root);
      const common = { home: p.home, keyringFile: p.keyringFile, licensePublicKey: p.licensePublicKey };
      const without: Measured[] = [];
      const withAll: Measured[] = [];
      for (let run = 0; run < RUNS; run++) {
        without.push(await startInChild({ ...common, dataDir: p.none, plugins: 0 }));
        withAll.push(await startInChild({ ...common, dataDir: p.all, plugins: p.plugins }));
      }
      const mb = (bytes: number) => bytes / 1024 / 1024;
      const startMs = median(withAll.map((m) => m.ms));
      const baseMs = median(without.map((m) => m.ms));
      const pluginRss = median(withAll.map((m) => m.pluginRss));
      const appRss = median(without.map((m) => m.appRss));
      const running = median(withAll.map((m) => m.running));
      return [
        { name: `app start to interactive, ${p.plugins} first-party plugins + 200k messages`, median: startMs, unit: 'ms', baseline: baseMs, ratio: startMs / baseMs, goal: 'reported (vs the same app and history, no plugins installed)' },
        {
          name: `${p.plugins} first-party plugins idle after start: plugin process memory`,
          median: mb(pluginRss),
          unit: 'MB',
          baseline: mb(appRss),
          ratio: pluginRss / appRss,
          goal: `reported (${running} of ${p.plugins} running, the rest asleep; vs the whole app's idle memory with none installed)`,
        },
      ];
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};

export default benchmark;

if (process.argv[1] === import.meta.filename && process.argv[2] === CHILD_FLAG) {
  await measureStart(JSON.parse(process.argv[3]!) as ChildArgs);
  process.exit(0);
}
