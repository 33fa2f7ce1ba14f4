import { readFileSync } from 'node:fs';
import type { HostMessage, MainMessage } from '../../app/plugin-protocol.ts';
import { checkHostMessage } from './envelope.ts';
import type { LaunchSpec, PluginLauncher, PluginProcess } from './launcher.ts';

/** The deadlines of one process start; tests shrink them instead of sleeping. */
export interface ConnectionTiming {
  /** From launch to the ready handshake. */
  readyTimeoutMs: number;
  heartbeatMs: number;
  /** A ping unanswered this long marks the plugin unresponsive: it is killed. */
  requestTimeoutMs: number;
  memorySampleMs: number;
}

/** How the process ended, and what the connection saw that explains it. */
export interface ConnectionExit {
  code: number | null;
  signal: string | null;
  /** Why main killed it; null when it ended on its own or was stopped on purpose. */
  killReason: string | null;
  /** What the plugin's script threw while loading, if it did. */
  loadError: string | null;
  /** V8 reported running out of heap. */
  outOfMemory: boolean;
}

/** What the supervisor hears from one connection; nothing arrives after `dispose()`. */
export interface ConnectionEvents {
  ready(message: Extract<HostMessage, { t: 'ready' }>): void;
  log(message: Extract<HostMessage, { t: 'log' }>): void;
  call(message: Extract<HostMessage, { t: 'call' }>): void;
  /** A message that failed the envelope check; the connection has already answered a readable call id. */
  violation(reason: string): void;
  /** A line the process wrote to stdout or stderr. */
  output(line: string): void;
  /** Main is about to kill the process for `reason`: audit and log it. */
  killing(reason: string): void;
  exit(exit: ConnectionExit): void;
}

export interface ConnectionOptions {
  launcher: PluginLauncher;
  spec: LaunchSpec;
  timing: ConnectionTiming;
  now: () => number;
  /** Resident memory of a process in bytes; null where it cannot be measured from outside. */
  readRss: (pid: number) => number | null;
  events: ConnectionEvents;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/** Resident set size from /proc on Linux; other platforms fall back to what the heartbeat reports. */
export function procRss(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

export function seconds(ms: number): string {
  return ms >= 1000 ? `${Math.round(ms / 100) / 10} s` : `${ms} ms`;
}

/**
 * One start of one plugin process (after VS Code's rpcProtocol over a
 * utilityProcess): the process, the requests main is waiting on and their
 * deadlines, the ready, heartbeat and memory timers, and why main killed it.
 * A restart is a new connection; a disposed one neither sends nor reports.
 */
export class PluginConnection {
  readonly #o: ConnectionOptions;
  readonly #proc: PluginProcess;
  readonly #pending = new Map<number, Pending>();
  #waitingOnUser = 0;
  #nextId = 1;
  #readyTimer: NodeJS.Timeout | undefined;
  #heartbeat: NodeJS.Timeout | undefined;
  #memory: NodeJS.Timeout | undefined;
  #ready = false;
  #disposed = false;
  #exited = false;
  #killReason: string | null = null;
  #loadError: string | null = null;
  #outOfMemory = false;
  startedAt: number | null = null;
  memoryBytes: number | null = null;

  /** Launches the process; throws what the launcher threw when it cannot start. */
  constructor(options: ConnectionOptions) {
    this.#o = options;
    this.#proc = options.launcher.launch(options.spec);
    this.#proc.onMessage((raw) => this.#onMessage(raw));
    this.#proc.onOutput((line) => {
      if (this.#disposed) return;
      if (/heap limit|out of memory/i.test(line)) this.#outOfMemory = true;
      options.events.output(line);
    });
    this.#proc.onExit((code, signal) => {
      this.#exited = true;
      if (this.#disposed) return;
      this.dispose();
      options.events.exit({ code, signal, killReason: this.#killReason, loadError: this.#loadError, outOfMemory: this.#outOfMemory });
    });
    this.#readyTimer = setTimeout(() => {
      this.kill(`did not finish loading within ${seconds(options.timing.readyTimeoutMs)} (no ready handshake)`);
    }, options.timing.readyTimeoutMs);
  }

  get pid(): number | undefined {
    return this.#proc.pid;
  }

  send(message: MainMessage): void {
    if (!this.#disposed) this.#proc.send(message);
  }

  /** Sends a request the host must answer; on timeout, optionally kills the plugin as unresponsive. */
  invoke(message: Extract<MainMessage, { t: 'invoke' | 'ping' }>, timeoutMs: number, killOnTimeout: boolean): Promise<unknown> {
    if (this.#disposed) return Promise.reject(new Error('the plugin process stopped'));
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      const expire = () => {
        // A handler waiting for the user's answer to a question main asked for it is not stuck.
        if (this.#waitingOnUser > 0 && message.t === 'invoke') {
          this.#pending.set(id, { resolve, reject, timer: setTimeout(expire, timeoutMs) });
          return;
        }
        this.#pending.delete(id);
        if (killOnTimeout) this.kill(`did not answer within ${seconds(timeoutMs)} (unresponsive; it may be stuck in a loop)`);
        reject(new Error(`timed out after ${seconds(timeoutMs)}`));
      };
      this.#pending.set(id, { resolve, reject, timer: setTimeout(expire, timeoutMs) });
      this.#proc.send({ ...message, id });
    });
  }

  /** While `answer` is pending (a question put to the user), the deadlines of commands and panel actions wait. */
  async waitOnUser<T>(answer: Promise<T>): Promise<T> {
    this.#waitingOnUser += 1;
    try {
      return await answer;
    } finally {
      this.#waitingOnUser -= 1;
    }
  }

  /**
   * SIGKILL. With a reason it is main's verdict on the plugin (audited, shown
   * as an incident, and only the first reason counts); without one it is the
   * end of a stop the supervisor asked for.
   */
  kill(reason: string | null): void {
    if (this.#disposed) return;
    if (reason !== null) {
      if (this.#killReason) return;
      this.#killReason = reason;
      this.#o.events.killing(reason);
    }
    this.#proc.kill();
  }

  /** Stops every timer, fails every waiting request and silences the connection; kills the process if it still runs. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    clearTimeout(this.#readyTimer);
    clearInterval(this.#heartbeat);
    clearInterval(this.#memory);
    this.startedAt = null;
    for (const pending of this.#pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new Error('the plugin process stopped'));
    }
    this.#pending.clear();
    if (!this.#exited) this.#proc.kill();
  }

  #onMessage(raw: unknown): void {
    if (this.#disposed) return;
    const checked = checkHostMessage(raw);
    if (!checked.ok) {
      this.#o.events.violation(checked.reason);
      if (checked.callId) this.send({ t: 'result', id: checked.callId, ok: false, error: `Refused: the request was ${checked.reason}` });
      return;
    }
    const message = checked.value;
    switch (message.t) {
      case 'ready':
        this.#onReady(message);
        return;
      case 'log':
        this.#o.events.log(message);
        return;
      case 'failed':
        // Only a script that throws while loading can fail; afterwards the process simply exits.
        if (!this.#ready) this.#loadError = message.error;
        return;
      case 'reply':
      case 'pong': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        clearTimeout(pending.timer);
        if (message.t === 'pong') pending.resolve({ rss: message.rss });
        else if (message.ok) pending.resolve(message.value);
        else pending.reject(new Error(message.error));
        return;
      }
      case 'call':
        this.#o.events.call(message);
        return;
    }
  }

  #onReady(message: Extract<HostMessage, { t: 'ready' }>): void {
    if (this.#ready) return;
    this.#ready = true;
    clearTimeout(this.#readyTimer);
    this.startedAt = this.#o.now();
    const { heartbeatMs, memorySampleMs } = this.#o.timing;
    this.#heartbeat = setInterval(() => this.#ping(), heartbeatMs);
    this.#memory = setInterval(() => this.#sampleMemory(), memorySampleMs);
    this.#sampleMemory();
    this.#o.events.ready(message);
  }

  #ping(): void {
    this.invoke({ t: 'ping', id: 0 }, this.#o.timing.requestTimeoutMs, true).then(
      (pong) => {
        if (this.#proc.pid === undefined || this.#o.readRss(this.#proc.pid) === null) this.memoryBytes = (pong as { rss: number }).rss;
      },
      () => undefined,
    );
  }

  #sampleMemory(): void {
    const pid = this.#proc.pid;
    if (pid === undefined || this.#disposed) return;
    const rss = this.#o.readRss(pid);
    if (rss === null) return;
    this.memoryBytes = rss;
    const limitMb = this.#o.spec.memoryLimitMb;
    if (rss > limitMb * 1024 * 1024) this.kill(`used ${Math.round(rss / 1024 / 1024)} MB of memory, more than its ${limitMb} MB limit`);
  }
}
