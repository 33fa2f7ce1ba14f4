import type { AgentMessage, HookOutcome, HookStage } from '../../app/messages.ts';
import { eventPermissions, type HookReply } from '../../app/plugin-protocol.ts';
import type { ApiContext } from './api/context.ts';
import type { PluginConnection } from './connection.ts';
import type { PluginBus as PluginBusContract } from './control.ts';
import { checkHookReply } from './envelope.ts';

/** A plugin as the bus sees it: what it registered and holds, and its current process start. */
export interface BusMember {
  readonly api: ApiContext;
  readonly connection: PluginConnection | null;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * Everything main sends to many plugins at once: agent messages, events
 * (from the host and between plugins) and the hook chains. It reaches only
 * running plugins that registered for the thing and hold its permission,
 * read afresh on every delivery.
 */
export class PluginBus implements PluginBusContract {
  readonly #members: () => Iterable<BusMember>;

  constructor(members: () => Iterable<BusMember>) {
    this.#members = members;
  }

  deliverMessage(message: AgentMessage): void {
    for (const { api, connection } of this.#members()) {
      if (api.running() && api.registered.messages && api.granted('messages')) connection?.send({ t: 'message', message });
    }
  }

  emitHostEvent(name: string, payload: unknown): void {
    this.fanOut(name, payload, 0, null);
  }

  /** Sends an event to every running plugin that listens to it, except the one that emitted it. */
  fanOut(name: string, payload: unknown, depth: number, from: string | null): void {
    for (const { api, connection } of this.#members()) {
      if (api.pluginId === from || !api.running() || !api.registered.events.has(name)) continue;
      if (!eventPermissions(name, from).every((p) => api.granted(p))) continue;
      connection?.send({ t: 'event', name, payload, depth, from });
    }
  }

  /** `metadata` starts the chain: a pre_tool hook finds the tool's name and input there. */
  async runHooks(stage: HookStage, body: string, initial: Record<string, unknown> = {}): Promise<HookOutcome> {
    const chain: { member: BusMember; key: number; priority: number; timeoutMs: number }[] = [];
    for (const member of this.#members()) {
      if (!member.api.running() || !member.api.granted('hooks')) continue;
      for (const [key, h] of member.api.registered.hooks) if (h.stage === stage) chain.push({ member, key, priority: h.priority, timeoutMs: h.timeoutMs });
    }
    // Lower priority numbers run first; ties run in plugin id order so the chain is the same every time.
    chain.sort((a, b) => a.priority - b.priority || a.member.api.pluginId.localeCompare(b.member.api.pluginId) || a.key - b.key);
    let current = body;
    let modified = false;
    let metadata: Record<string, unknown> = initial;
    for (const { member, key, timeoutMs } of chain) {
      const { api } = member;
      let reply: HookReply;
      try {
        if (!member.connection) throw new Error(`${api.name()} is not running`);
        const raw = await member.connection.invoke({ t: 'invoke', id: 0, target: 'hook', key, stage, body: current, metadata }, timeoutMs, false);
        const checked = checkHookReply(raw);
        if (!checked.ok) throw new Error(checked.reason);
        reply = checked.value;
      } catch (err) {
        const why = /timed out/.test(errorMessage(err)) ? `timed out after ${timeoutMs} ms` : `failed: ${errorMessage(err)}`;
        const closed = api.manifest()?.hookFailure === 'closed';
        api.log('warn', `The ${stage} hook ${why}; ${closed ? 'blocking, as its manifest asks' : 'skipped'}`);
        if (closed) {
          return { action: 'block', status: 503, errorType: 'hook_failed', message: `${api.name()}'s ${stage} hook ${why}`, pluginId: api.pluginId, metadata };
        }
        continue;
      }
      metadata = reply.metadata;
      if (reply.action === 'block') {
        return { action: 'block', status: reply.status, errorType: reply.errorType, message: reply.message, pluginId: api.pluginId, metadata };
      }
      if (reply.action === 'modify') {
        current = reply.body;
        modified = true;
      }
    }
    return modified ? { action: 'modify', body: current, metadata } : { action: 'passthrough', body: current, metadata };
  }
}
