import { createContext, runInContext } from 'node:vm';
import type { ContextBridge, IpcRenderer } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { IPC_EVENT, IPC_INVOKE, type Envelope, type SwitchboardApi } from '../app/contract/index.ts';
import { exposeSwitchboard } from './api.ts';

type EventListener = (event: unknown, ...args: unknown[]) => void;

/** An ipcRenderer whose invoke answers from a function, and whose push events a test can send. */
function fakeIpcRenderer(answer: (channel: string, args: unknown) => Promise<Envelope<unknown>>) {
  const listeners = new Map<string, EventListener[]>();
  const invoke = vi.fn((ipcChannel: string, channel: string, args: unknown) => {
    if (ipcChannel !== IPC_INVOKE) throw new Error(`unexpected IPC channel ${ipcChannel}`);
    return answer(channel, args);
  });
  const ipc = {
    invoke,
    on: (channel: string, listener: EventListener) => {
      listeners.set(channel, [...(listeners.get(channel) ?? []), listener]);
      return ipc;
    },
  };
  return {
    ipc: ipc as unknown as Pick<IpcRenderer, 'invoke' | 'on'>,
    invoke,
    push: (name: unknown, payload: unknown) => listeners.get(IPC_EVENT)?.forEach((l) => l({}, name, payload)),
  };
}

/**
 * Electron serializes the function given to executeInMainWorld and runs it
 * in the page's world. A fresh vm realm does the same here: if the function
 * reached for anything outside its own body it would fail to run.
 */
function fakeContextBridge() {
  const page = createContext({});
  const bridge = {
    executeInMainWorld: ({ func, args = [] }: { func: (...a: unknown[]) => unknown; args?: unknown[] }) => {
      const inPage = runInContext(`(${func.toString()})`, page) as (...a: unknown[]) => unknown;
      return inPage(...args);
    },
    exposeInMainWorld: () => {
      throw new Error('the preload must not expose anything with exposeInMainWorld');
    },
  };
  return { bridge: bridge as unknown as Pick<ContextBridge, 'executeInMainWorld'>, page: page as { switchboard?: SwitchboardApi }, pageError: runInContext('Error', page) as ErrorConstructor };
}

function preload(answer: (channel: string, args: unknown) => Promise<Envelope<unknown>> = async () => ({ ok: true, value: null })) {
  const ipc = fakeIpcRenderer(answer);
  const { bridge, page, pageError } = fakeContextBridge();
  const before = Object.getOwnPropertyNames(page);
  exposeSwitchboard(bridge, ipc.ipc);
  return { ...ipc, page, pageError, api: page.switchboard!, added: Object.getOwnPropertyNames(page).filter((n) => !before.includes(n)) };
}

describe('the preload', () => {
  it('puts exactly window.switchboard with invoke and on in the page, frozen, and nothing else', () => {
    const { page, api, added } = preload();
    expect(added).toEqual(['switchboard']);
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.isFrozen(api)).toBe(true);
    const descriptor = Object.getOwnPropertyDescriptor(page, 'switchboard')!;
    expect(descriptor).toMatchObject({ writable: false, configurable: false, enumerable: false });
    expect(JSON.stringify(Object.getOwnPropertyNames(api))).not.toMatch(/ipc|send|transport/i);
  });

  it('invokes main on the one IPC channel and resolves with the value', async () => {
    const { api, invoke } = preload(async (channel, args) => ({ ok: true, value: { echoed: channel, args } }));
    await expect(api.invoke('settings.update', { theme: 'dark' })).resolves.toEqual({ echoed: 'settings.update', args: { theme: 'dark' } });
    expect(invoke).toHaveBeenCalledWith(IPC_INVOKE, 'settings.update', { theme: 'dark' });
  });

  it('rejects with an Error made in the page, carrying the code and message of the typed error', async () => {
    const { api, pageError } = preload(async () => ({ ok: false, error: { code: 'database_unavailable', message: 'The database cannot be read.' } }));
    const error = await api.invoke('settings.get', {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(pageError);
    expect(error).not.toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: 'database_unavailable', message: 'The database cannot be read.' });
  });

  it('carries the plain-words message of each refused field, so the form can show it on the field', async () => {
    const fields = { name: 'Give the source a name' };
    const { api } = preload(async () => ({ ok: false, error: { code: 'invalid_argument', message: 'Name: Give the source a name', fields } }));
    const error = await api.invoke('settings.get', {}).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'invalid_argument', fields });
  });

  it('turns a broken IPC call into an internal error instead of an unexplained rejection', async () => {
    const { api } = preload(async () => {
      throw new Error("No handler registered for 'switchboard:invoke'");
    });
    await expect(api.invoke('app.status', {})).rejects.toMatchObject({ code: 'internal', message: 'Lost the connection to Switchboard.' });
  });

  it('delivers push events to the listeners of that event until they unsubscribe', () => {
    const { api, push } = preload();
    const unread: unknown[] = [];
    const settings: unknown[] = [];
    const stop = api.on('notifications.changed', (p) => void unread.push(p));
    api.on('settings.changed', (p) => void settings.push(p));

    push('notifications.changed', { unread: 2 });
    push(42, { ignored: true });
    stop();
    push('notifications.changed', { unread: 3 });

    expect(unread).toEqual([{ unread: 2 }]);
    expect(settings).toEqual([]);
  });

  it('refuses a listener that is not a function', () => {
    const { api } = preload();
    expect(() => api.on('settings.changed', 'nope' as never)).toThrow('switchboard.on needs a listener function.');
  });
});
