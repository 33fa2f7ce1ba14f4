import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
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
export const PLUGIN_HOST_ENTRY = join(ROOT, 'plugin-host', 'main.ts');
const MAX_OUTPUT_LINE = 4000;

/** What the host itself must read: its own code, the one constants file of app/ it imports, and `ses` with its dependencies. */
function hostReadPaths(): string[] {
  const require = createRequire(import.meta.url);
  const sesDir = dirname(require.resolve('ses/package.json'));
  return [
    join(ROOT, 'plugin-host'),
    join(ROOT, 'app', 'plugin-limits.ts'),
    join(ROOT, 'package.json'),
    sesDir,
    join(dirname(sesDir), '@endo'),
  ];
}

/**
 * Node's permission model (DESIGN.md §4, layer 4): read access to the
 * plugin's folder and the host's own code only; no writes, no child
 * processes, no worker threads, no native addons, no WASI.
 */
export function nodeSandboxFlags(spec: LaunchSpec): string[] {
  return [
    '--permission',
    ...[spec.folder, ...hostReadPaths()].map((p) => `--allow-fs-read=${p}`),
    `--max-old-space-size=${spec.memoryLimitMb}`,
    '--disable-warning=ExperimentalWarning',
    '--disable-warning=SecurityWarning',
  ];
}

export function childProcessLauncher(hostEntry = PLUGIN_HOST_ENTRY): PluginLauncher {
  return {
    kind: 'child_process (Node permission model)',
    launch(spec) {
      const child = fork(hostEntry, [], {
        execArgv: nodeSandboxFlags(spec),
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
