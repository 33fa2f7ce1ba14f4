import type { ContextBridge, IpcRenderer, IpcRendererEvent } from 'electron';
import type { Envelope, SwitchboardApi } from '../app/contract/index.ts';
import { IPC_EVENT, IPC_INVOKE } from '../app/contract/transport.ts';

/**
 * What the preload hands to the page's world. Its calls answer with
 * envelopes and never reject, because an Error crossing the context bridge
 * arrives with its message only: the `code` the renderer branches on
 * (`database_unavailable`, `invalid_argument`, …) would be lost.
 */
export interface SwitchboardTransport {
  invoke(channel: string, args: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

type EventIpc = Pick<IpcRenderer, 'invoke' | 'on'>;

/** Calls go to main's one invoke channel; push events arrive on one channel and fan out by name. */
export function createTransport(ipc: EventIpc): SwitchboardTransport {
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  ipc.on(IPC_EVENT, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
    if (typeof name !== 'string') return;
    for (const listener of listeners.get(name) ?? []) listener(payload);
  });
  return {
    invoke: async (channel, args) => {
      try {
        return (await ipc.invoke(IPC_INVOKE, channel, args)) as Envelope<unknown>;
      } catch {
        return { ok: false, error: { code: 'internal', message: 'Lost the connection to Switchboard.' } };
      }
    },
    on: (event, listener) => {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => void set.delete(listener);
    },
  };
}

/**
 * Runs in the page's world, not the preload's: Electron serializes this
 * function, so it must use nothing from outside its own body. It builds
 * `window.switchboard` there, where an Error with a `code` can be thrown
 * intact, and leaves the transport reachable only through its closures.
 */
export function installSwitchboard(transport: SwitchboardTransport, target: object = globalThis): void {
  // Typed by key so the object has exactly the methods of SwitchboardApi, no more.
  const api: { [K in keyof SwitchboardApi]: (...args: never[]) => unknown } = {
    async invoke(channel: string, args: unknown): Promise<unknown> {
      const envelope = await transport.invoke(channel, args);
      if (envelope.ok) return envelope.value;
      const error = new Error(envelope.error.message) as Error & { code: string; fields?: Record<string, string> };
      error.code = envelope.error.code;
      if (envelope.error.fields) error.fields = { ...envelope.error.fields };
      throw error;
    },
    on(event: string, listener: (payload: unknown) => void): () => void {
      if (typeof listener !== 'function') throw new TypeError('switchboard.on needs a listener function.');
      return transport.on(event, listener);
    },
  };
  Object.defineProperty(target, 'switchboard', { value: Object.freeze(api), enumerable: false, writable: false, configurable: false });
}

/** The preload's whole job: `window.switchboard` and nothing else. */
export function exposeSwitchboard(bridge: Pick<ContextBridge, 'executeInMainWorld'>, ipc: EventIpc): void {
  bridge.executeInMainWorld({ func: installSwitchboard, args: [createTransport(ipc)] });
}
