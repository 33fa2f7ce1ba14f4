import { fork, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire, stripTypeScriptTypes } from 'node:module';
import { basename, dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { MainMessage } from '../../app/plugin-protocol.ts';

/**
 * How a plugin process is started. The harness and the tests fork Node
 * (`childProcessLauncher`); the Electron app uses `utilityProcess`
 * (main/electron/plugin-launcher.ts). The supervisor sees only this shape.
 */
export interface PluginProcess {
  readonly pid: number | undefined;
  send(message: MainMessage): void;
  /** Raw messages as they arrive; the supervisor checks them (they come from an untrusted process). */
  onMessage(listener: (raw: unknown) => void): void;
  /** Lines the process wrote to stdout or stderr (V8's out-of-memory report arrives here). */
  onOutput(listener: (line: string) => void): void;
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** SIGKILL: a spinning plugin cannot refuse it. */
  kill(): void;
}

export interface LaunchSpec {
  pluginId: string;
  /** The plugin's own folder: the only plugin files the process may read. */
  folder: string;
  memoryLimitMb: number;
}

export interface PluginLauncher {
  /** Shown in logs: which mechanism isolates the process. */
  readonly kind: string;
  launch(spec: LaunchSpec): PluginProcess;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** The host's TypeScript entry (electron.vite.config.ts bundles it for the app). */
export const PLUGIN_HOST_ENTRY = join(ROOT, 'plugin-host', 'main.ts');
const HOST_SOURCES = ['runtime.ts', 'transport.ts', 'host.ts', 'main.ts'].map((f) => join(ROOT, 'plugin-host', f)).concat(join(ROOT, 'app', 'plugin-limits.ts'));
/** Where the harness keeps the host as plain JavaScript (out/ is build output). */
export const COMPILED_HOST_DIR = join(ROOT, 'out', 'plugin-host');
const MAX_OUTPUT_LINE = 4000;

let compiledEntry: string | undefined;

/**
 * The host with its types stripped, written once per run to out/plugin-host/.
 * Running .ts directly would load Node's TypeScript stripper into every
 * plugin process: about 20 MB of memory and a slower start each
 * (bench/plugins.bench.ts). Writes go through a rename, so test processes
 * preparing it at the same time cannot see a half-written file.
 */
export function compiledHostEntry(): string {
  if (compiledEntry) return compiledEntry;
  mkdirSync(COMPILED_HOST_DIR, { recursive: true });
  for (const file of HOST_SOURCES) {
    const js = stripTypeScriptTypes(readFileSync(file, 'utf8')).replace(/(from\s+)'(?:\.{1,2}\/)+(?:[\w-]+\/)*([\w-]+)\.ts'/g, "$1'./$2.mjs'");
    const target = join(COMPILED_HOST_DIR, `${basename(file, '.ts')}.mjs`);
    if (existsSync(target) && readFileSync(target, 'utf8') === js) continue;
    const temporary = `${target}.${process.pid}.tmp`;
    writeFileSync(temporary, js);
    renameSync(temporary, target);
  }
  compiledEntry = join(COMPILED_HOST_DIR, 'main.mjs');
  return compiledEntry;
}

/** What the module-built host must read besides the plugin: its own code and `ses` with its dependencies. */
function moduleHostReadPaths(hostEntry: string): string[] {
  const require = createRequire(import.meta.url);
  const sesDir = dirname(require.resolve('ses/package.json'));
  return [dirname(hostEntry), sesDir, join(dirname(sesDir), '@endo')];
}

/** How the harness starts a plugin process: the script to fork, flags before the sandbox flags, and what it must read. */
export interface HostImage {
  entry: string;
  flags: string[];
  readPaths: string[];
  /** Shown in each plugin's log on start. */
  describe: string;
}

const SNAPSHOT_BUILDER = join(ROOT, 'main', 'plugins', 'build-host-snapshot.ts');
const SNAPSHOT = {
  entry: join(ROOT, 'plugin-host', 'snapshot.ts'),
  script: join(COMPILED_HOST_DIR, 'host-snapshot.cjs'),
  blob: join(COMPILED_HOST_DIR, 'host-snapshot.blob'),
  inputs: join(COMPILED_HOST_DIR, 'host-snapshot.json'),
};

/** Whether the blob on disk was built by this Node from the files as they are now. */
function snapshotIsCurrent(): boolean {
  if (!existsSync(SNAPSHOT.blob) || !existsSync(SNAPSHOT.inputs)) return false;
  try {
    const built = JSON.parse(readFileSync(SNAPSHOT.inputs, 'utf8')) as { node: string; execPath: string; inputs: Record<string, string> };
    if (built.node !== process.version || built.execPath !== process.execPath) return false;
    return Object.entries(built.inputs).every(([path, hash]) => existsSync(path) && createHash('sha256').update(readFileSync(path)).digest('hex') === hash);
  } catch {
    return false;
  }
}

let image: HostImage | undefined;

/**
 * The host as a Node startup snapshot: ses and the host evaluated once, so a
 * plugin process skips parsing and running about 400 KB of JavaScript (most
 * of a cold start, bench/plugins.bench.ts). Every process still calls
 * `lockdown()` and builds a fresh Compartment. Built on first use (well under
 * a second) and again whenever the host, ses or Node changes. If it cannot be
 * built, plugins start from the compiled modules and their logs say why.
 */
export function hostImage(): HostImage {
  if (image) return image;
  let problem: string;
  try {
    mkdirSync(COMPILED_HOST_DIR, { recursive: true });
    if (!snapshotIsCurrent()) {
      const built = spawnSync(process.execPath, [SNAPSHOT_BUILDER, SNAPSHOT.entry, SNAPSHOT.script, SNAPSHOT.blob, SNAPSHOT.inputs], { encoding: 'utf8' });
      if (built.status !== 0) throw new Error((built.stderr || built.error?.message || `exit ${built.status}`).trim().split('\n').slice(-3).join(' '));
    }
    image = { entry: SNAPSHOT.script, flags: ['--snapshot-blob', SNAPSHOT.blob], readPaths: [COMPILED_HOST_DIR], describe: 'startup snapshot' };
    return image;
  } catch (err) {
    problem = err instanceof Error ? err.message : String(err);
  }
  const entry = compiledHostEntry();
  image = { entry, flags: [], readPaths: moduleHostReadPaths(entry), describe: `modules; the startup snapshot could not be built: ${problem.slice(0, 300)}` };
  return image;
}

/**
 * Node's permission model (docs/architecture.md §4, layer 4): read access to the
 * plugin's folder and the host's own code only; no writes, no child
 * processes, no worker threads, no native addons, no WASI.
 */
export function nodeSandboxFlags(spec: LaunchSpec, hostReadPaths: string[]): string[] {
  return [
    '--permission',
    ...[spec.folder, ...hostReadPaths].map((p) => `--allow-fs-read=${p}`),
    `--max-old-space-size=${spec.memoryLimitMb}`,
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
  ];
}

/** `hostEntry` defaults to the compiled host; tests pass a stand-in (a compromised host). */
export function childProcessLauncher(hostEntry?: string): PluginLauncher {
  const host = (): HostImage => (hostEntry ? { entry: hostEntry, flags: [], readPaths: moduleHostReadPaths(hostEntry), describe: 'modules' } : hostImage());
  return {
    get kind() {
      return `child_process (Node permission model; host from ${host().describe})`;
    },
    launch(spec) {
      const { entry, flags, readPaths } = host();
      const child = fork(entry, [], {
        execArgv: [...flags, ...nodeSandboxFlags(spec, readPaths)],
        // Nothing from main's environment (tokens, proxies, paths) reaches the plugin.
        env: {},
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
        serialization: 'json',
      });
      // An IPC write to a process that just died fails with EPIPE; the exit handler reports the death.
      child.on('error', () => undefined);
      return {
        pid: child.pid,
        send: (message) => {
          // No per-message callback: a failed write surfaces as the 'error' event handled above.
          if (child.connected) child.send(message);
        },
        onMessage: (listener) => child.on('message', listener),
        onOutput: (listener) => {
          for (const stream of [child.stdout, child.stderr]) {
            if (stream) createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => listener(line.slice(0, MAX_OUTPUT_LINE)));
          }
        },
        onExit: (listener) => child.on('exit', listener),
        kill: () => {
          child.kill('SIGKILL');
        },
      };
    },
  };
}
