import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ForkOptions } from 'electron';
import { describe, expect, it } from 'vitest';
import { utilityProcessLauncher, type UtilityProcessLike } from './plugin-launcher.ts';

class FakeUtilityProcess extends EventEmitter implements UtilityProcessLike {
  readonly pid = 4242;
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  readonly posted: unknown[] = [];
  killed = false;
  postMessage(message: unknown): void {
    this.posted.push(message);
  }
  kill(): boolean {
    this.killed = true;
    this.emit('exit', 9);
    return true;
  }
}

function launch() {
  const forks: { path: string; options: ForkOptions | undefined; child: FakeUtilityProcess }[] = [];
  const launcher = utilityProcessLauncher(
    {
      fork: (path, _args, options) => {
        const child = new FakeUtilityProcess();
        forks.push({ path, options, child });
        return child;
      },
    },
    '/app/out/main/plugin-host.js',
  );
  const proc = launcher.launch({ pluginId: 'hello', folder: '/data/plugins/hello', memoryLimitMb: 96 });
  return { launcher, proc, fork: forks[0]! };
}

describe('utilityProcessLauncher', () => {
  it('forks the bundled host with a named service, an empty environment and the heap cap', () => {
    const { launcher, fork, proc } = launch();
    expect(launcher.kind).toBe('Electron utilityProcess');
    expect(fork.path).toBe('/app/out/main/plugin-host.js');
    expect(fork.options).toEqual({ serviceName: 'Switchboard plugin hello', stdio: 'pipe', env: {}, execArgv: ['--max-old-space-size=96'] });
    expect(proc.pid).toBe(4242);
  });

  it('passes messages both ways and splits output into lines', () => {
    const { proc, fork } = launch();
    const received: unknown[] = [];
    const lines: string[] = [];
    proc.onMessage((m) => received.push(m));
    proc.onOutput((l) => lines.push(l));
    proc.send({ t: 'ping', id: 1 });
    fork.child.emit('message', '{"t":"pong"}');
    fork.child.stderr.write('FATAL ERROR: Reached heap limit\npartial');
    fork.child.stderr.write(' line\n');
    expect(fork.child.posted).toEqual([{ t: 'ping', id: 1 }]);
    expect(received).toEqual(['{"t":"pong"}']);
    expect(lines).toEqual(['FATAL ERROR: Reached heap limit', 'partial line']);
  });

  it('reports the exit, kills on request, and sends nothing to a process that has gone', () => {
    const { proc, fork } = launch();
    const exits: [number | null, string | null][] = [];
    proc.onExit((code, signal) => exits.push([code, signal]));
    proc.kill();
    proc.send({ t: 'ping', id: 2 });
    expect(fork.child.killed).toBe(true);
    expect(exits).toEqual([[9, null]]);
    expect(fork.child.posted).toEqual([]);
  });
});
