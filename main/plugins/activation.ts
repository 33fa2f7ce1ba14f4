import { activationPlan, describeWakeUps, type ActivationPlan } from '../../app/activation.ts';
import type { PluginLogLineValue } from '../../app/contract/plugins.ts';
import type { PluginManifest } from '../../app/manifest.ts';
import type { AgentMessage, HookOutcome, HookStage } from '../../app/messages.ts';
import type { Permission } from '../../app/permissions.ts';
import { eventPermissions } from '../../app/plugin-protocol.ts';
import { seconds } from './connection.ts';
import { manifestOf, nameOf, type Entry, type StartResult } from './entry.ts';
import { readPluginScript } from './manifest.ts';
import { WAKE_QUEUE_LIMIT } from './supervisor-options.ts';

/** What waking and idling plugins reaches in the supervisor. */
export interface ActivationHost {
  entries(): Iterable<Entry>;
  granted(entry: Entry, permission: Permission): boolean;
  /** Starts a process running `entry.code`; resolves once it is ready or failed. */
  wake(entry: Entry): Promise<StartResult>;
  /** Graceful stop (its unload handler runs); it then sleeps. */
  sleep(entry: Entry, reason: string): Promise<void>;
  log(entry: Entry, level: PluginLogLineValue['level'], text: string): void;
  now(): number;
  idleMs(): number;
  idleCheckMs: number;
  coldHookDeadlineMs: number;
}

type Held =
  | { kind: 'message'; message: AgentMessage }
  | { kind: 'event'; name: string; payload: unknown; depth: number; from: string | null };

interface Waking {
  held: Held[];
  dropped: number;
}

const plans = new WeakMap<PluginManifest, ActivationPlan>();

export function planOf(entry: Entry): ActivationPlan | null {
  const manifest = manifestOf(entry);
  if (!manifest) return null;
  let plan = plans.get(manifest);
  if (!plan) {
    plan = activationPlan(manifest.activationEvents, manifest.contributedCommands);
    plans.set(manifest, plan);
  }
  return plan;
}

/** Whether the plugin sleeps until one of its activation events happens, instead of starting with the app. */
export function startsOnDemand(entry: Entry): boolean {
  return planOf(entry)?.atStartup === false;
}

/**
 * Lazy activation: messages and events for a plugin that sleeps are held
 * (bounded) and the plugin is woken; once it is ready they are delivered,
 * if it registered for them. A hook chain waits for the plugins that wake
 * for its stage, up to its own deadline. Plugins that sleep when idle are
 * stopped (after their unload handler) once unused for the idle time.
 */
export class PluginActivation {
  readonly #h: ActivationHost;
  readonly #waking = new Map<string, Waking>();
  readonly #lastUsed = new Map<string, number>();
  readonly #sweep: NodeJS.Timeout;

  constructor(host: ActivationHost) {
    this.#h = host;
    this.#sweep = setInterval(() => void this.sweepIdle(), host.idleCheckMs);
    this.#sweep.unref();
  }

  close(): void {
    clearInterval(this.#sweep);
  }

  /** Why it is sleeping, for its page. */
  sleepingReason(entry: Entry, after: string | null): string {
    const plan = planOf(entry);
    const wakes = plan ? describeWakeUps(plan) : 'you restart it';
    return after ? `${after}. Starts again when ${wakes}` : `Starts when ${wakes}`;
  }

  /** The plugin was used (a call, a delivery, a command): its idle time starts over. */
  touch(entry: Entry): void {
    this.#lastUsed.set(entry.id, this.#h.now());
  }

  message(message: AgentMessage): void {
    for (const entry of this.#h.entries()) {
      if (entry.state === 'running' && entry.registered.messages) this.touch(entry);
      else if (this.#holds(entry) && planOf(entry)?.onMessage && this.#h.granted(entry, 'messages')) this.#hold(entry, { kind: 'message', message }, 'an agent message arrived');
    }
  }

  event(name: string, payload: unknown, depth: number, from: string | null): void {
    for (const entry of this.#h.entries()) {
      if (entry.id === from) continue;
      if (entry.state === 'running' && entry.registered.events.has(name)) this.touch(entry);
      else if (this.#holds(entry) && planOf(entry)?.events.has(name) && eventPermissions(name, from).every((p) => this.#h.granted(entry, p))) {
        this.#hold(entry, { kind: 'event', name, payload, depth, from }, `the event ${name} happened`);
      }
    }
  }

  /**
   * Wakes the plugins that start for this hook stage and waits for them, up
   * to the cold-start deadline. A plugin not ready by then is skipped (fails
   * open), unless its manifest says `hooks.failure: closed`: then the chain
   * is blocked, as it would be for its hook timing out.
   */
  async hooks(stage: HookStage, metadata: Record<string, unknown>): Promise<Extract<HookOutcome, { action: 'block' }> | null> {
    const waking = [...this.#h.entries()].filter((e) => (e.state === 'sleeping' || e.state === 'starting') && planOf(e)?.hooks.has(stage) && this.#h.granted(e, 'hooks'));
    if (waking.length === 0) return null;
    const deadlineMs = this.#h.coldHookDeadlineMs;
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), deadlineMs)));
    const results = await Promise.all(waking.map((entry) => Promise.race([this.#wake(entry, `the ${stage} hook runs`), late])));
    clearTimeout(timer);
    for (const [i, result] of results.entries()) {
      if (result !== 'late') continue;
      const entry = waking[i]!;
      const closed = manifestOf(entry)?.hookFailure === 'closed';
      const why = `did not start within ${seconds(deadlineMs)}`;
      this.#h.log(entry, 'warn', `The ${stage} hook waited for the plugin to start and it ${why}; ${closed ? 'blocking, as its manifest asks' : 'skipped'}`);
      if (closed) return { action: 'block', status: 503, errorType: 'hook_failed', message: `${nameOf(entry)}'s ${stage} hook ${why}`, pluginId: entry.id, metadata };
    }
    return null;
  }

  /** Starts the plugin for `why` unless it runs already; resolves once it is ready or failed. */
  wakeFor(entry: Entry, why: string): Promise<StartResult> {
    return this.#wake(entry, why);
  }

  /** After the ready handshake: what was held for it, to the handlers it registered. */
  ready(entry: Entry): void {
    this.touch(entry);
    const waking = this.#waking.get(entry.id);
    this.#waking.delete(entry.id);
    if (!waking) return;
    if (waking.dropped > 0) this.#h.log(entry, 'warn', `${waking.dropped} messages and events arrived while it was starting and were dropped (at most ${WAKE_QUEUE_LIMIT} are held)`);
    for (const held of waking.held) {
      if (held.kind === 'message') {
        if (entry.registered.messages && this.#h.granted(entry, 'messages')) entry.connection?.send({ t: 'message', message: held.message });
      } else if (entry.registered.events.has(held.name) && eventPermissions(held.name, held.from).every((p) => this.#h.granted(entry, p))) {
        entry.connection?.send({ t: 'event', name: held.name, payload: held.payload, depth: held.depth, from: held.from });
      }
    }
  }

  /** Its process ended without becoming ready: what was held for it is dropped. */
  forget(entry: Entry): void {
    this.#waking.delete(entry.id);
  }

  /** Puts every running plugin that sleeps when idle, and was unused for the idle time, to sleep. */
  async sweepIdle(): Promise<void> {
    const idleMs = this.#h.idleMs();
    const now = this.#h.now();
    const idle = [...this.#h.entries()].filter(
      (e) => e.state === 'running' && planOf(e)?.sleepsWhenIdle && now - (this.#lastUsed.get(e.id) ?? now) >= idleMs,
    );
    const minutes = Math.round(idleMs / 60_000);
    const after = minutes >= 1 ? `${minutes} minute${minutes === 1 ? '' : 's'}` : seconds(idleMs);
    await Promise.all(idle.map((entry) => this.#h.sleep(entry, `Stopped after ${after} without use`)));
  }

  #holds(entry: Entry): boolean {
    return entry.state === 'sleeping' || (entry.state === 'starting' && this.#waking.has(entry.id));
  }

  #hold(entry: Entry, held: Held, why: string): void {
    let waking = this.#waking.get(entry.id);
    if (!waking) {
      waking = { held: [], dropped: 0 };
      this.#waking.set(entry.id, waking);
    }
    waking.held.push(held);
    if (waking.held.length > WAKE_QUEUE_LIMIT) {
      waking.held.shift();
      waking.dropped += 1;
    }
    if (entry.state === 'sleeping') void this.#wake(entry, why);
  }

  #wake(entry: Entry, why: string): Promise<StartResult> {
    if (entry.state === 'running') return Promise.resolve({ ok: true });
    if (entry.state === 'starting') return new Promise((resolve) => entry.readyWaiters.push(resolve));
    if (entry.state !== 'sleeping') return Promise.resolve({ ok: false, reason: `it is ${entry.state}` });
    if (!entry.discovered.ok) return Promise.resolve({ ok: false, reason: entry.discovered.errors.join('; ') });
    entry.code ??= { manifest: entry.discovered.manifest, source: readPluginScript(entry.discovered) };
    if (!this.#waking.has(entry.id)) this.#waking.set(entry.id, { held: [], dropped: 0 });
    this.#h.log(entry, 'info', `Starting because ${why}`);
    return this.#h.wake(entry);
  }
}
