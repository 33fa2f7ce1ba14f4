import type { ForkOptions } from 'electron';
import type { MainMessage } from '../../app/plugin-protocol.ts';
import type { PluginLauncher } from '../plugins/launcher.ts';

/** What the adapter needs of Electron's `utilityProcess` and the process it forks. */
export interface UtilityProcessLike {
  readonly pid: number | undefined;
  readonly stdout: NodeJS.ReadableStream | null;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown): void;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

export interface UtilityProcessModule {
  fork(modulePath: string, args?: string[], options?: ForkOptions): UtilityProcessLike;
}

const MAX_OUTPUT_LINE = 4000;

function eachLine(stream: NodeJS.ReadableStream | null, listener: (line: string) => void): void {
  if (!stream) return;
  let buffered = '';
  stream.on('data', (chunk: Buffer | string) => {
    buffered += chunk.toString();
    let newline: number;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      listener(buffered.slice(0, newline).slice(0, MAX_OUTPUT_LINE));
      buffered = buffered.slice(newline + 1);
    }
    if (buffered.length > MAX_OUTPUT_LINE) buffered = buffered.slice(-MAX_OUTPUT_LINE);
  });
}

/**
 * Plugin processes in the Electron app: `utilityProcess.fork` of the bundled
 * plugin host. Electron ignores Node's permission flags in utility processes
 * (docs/architecture.md §4, layer 4), so here the sandbox is the Compartment, main's
 * permission checks and the process boundary; only the heap cap is passed.
 */
export function utilityProcessLauncher(utilityProcess: UtilityProcessModule, hostEntry: string): PluginLauncher {
  return {
    kind: 'Electron utilityProcess',
    launch(spec) {
      const child = utilityProcess.fork(hostEntry, [], {
        serviceName: `Switchboard plugin ${spec.pluginId}`,
        stdio: 'pipe',
        env: {},
        execArgv: [`--max-old-space-size=${spec.memoryLimitMb}`],
      });
      let exited = false;
      child.on('exit', () => {
        exited = true;
      });
      return {
        pid: child.pid,
        send: (message: MainMessage) => {
          if (!exited) child.postMessage(message);
        },
        onMessage: (listener) => {
          child.on('message', listener);
        },
        onOutput: (listener) => {
          eachLine(child.stdout, listener);
          eachLine(child.stderr, listener);
        },
        // A utility process reports only an exit code; a kill shows as a non-zero code.
        onExit: (listener) => {
          child.on('exit', (code) => listener(code, null));
        },
        kill: () => {
          child.kill();
        },
      };
    },
  };
}
