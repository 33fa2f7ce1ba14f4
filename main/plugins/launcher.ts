import { fork } from 'node:child_process';
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
const HOST_SOURCES = ['runtime.ts', 'transport.ts', 'main.ts'].map((f) => join(ROOT, 'plugin-host', f)).concat(join(ROOT, 'app', 'plugin-limits.ts'));
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

/** What the host itself must read: its own code and `ses` with its dependencies. */
function hostReadPaths(hostEntry: string): string[] {
  const require = createRequire(import.meta.url);
  const sesDir = dirname(require.resolve('ses/package.json'));
  return [dirname(hostEntry), sesDir, join(dirname(sesDir), '@endo')];
}

/**
 * Node's permission model (DESIGN.md §4, layer 4): read access to the
 * plugin's folder and the host's own code only; no writes, no child
 * processes, no worker threads, no native addons, no WASI.
 */
export function nodeSandboxFlags(spec: LaunchSpec, hostEntry: string): string[] {
  return [
    '--permission',
    ...[spec.folder, ...hostReadPaths(hostEntry)].map((p) => `--allow-fs-read=${p}`),
    `--max-old-space-size=${spec.memoryLimitMb}`,
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
  ];
}

/** `hostEntry` defaults to the compiled host; tests pass a stand-in (a compromised host). */
export function childProcessLauncher(hostEntry?: string): PluginLauncher {
  return {
    kind: 'child_process (Node permission model)',
    launch(spec) {
      const entry = hostEntry ?? compiledHostEntry();
      const child = fork(entry, [], {
        execArgv: nodeSandboxFlags(spec, entry),
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
          if (child.connected) child.send(message, (err) => err && undefined);
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
