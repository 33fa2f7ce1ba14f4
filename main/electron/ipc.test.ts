import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IpcMainInvokeEvent, WebContents } from 'electron';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CHANNEL_NAMES, IPC_EVENT, IPC_INVOKE, type Envelope } from '../../app/contract/index.ts';
import { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import type { KeyringBackend } from '../secrets/keyring.ts';
import { startServices } from '../services.ts';
import { broadcastEvents, createSenderCheck, registerIpc, REFUSED_SENDER, type InvokeSender } from './ipc.ts';
import { createAppUrlCheck } from './navigation.ts';

type InvokeHandler = (event: InvokeSender, channel: unknown, args: unknown) => Promise<Envelope<unknown>>;

/** Stands in for ipcMain: keeps the handlers so a test can call them as Electron would. */
function fakeIpcMain() {
  const handlers = new Map<string, InvokeHandler>();
  return {
    handlers,
    handle: (channel: string, handler: (event: IpcMainInvokeEvent, ...args: unknown[]) => unknown) => {
      if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
      handlers.set(channel, handler as unknown as InvokeHandler);
    },
    removeHandler: (channel: string) => void handlers.delete(channel),
  };
}

const silentLog = (): Logger & { warnings: string[] } => {
  const warnings: string[] = [];
  return { warnings, info: () => {}, warn: (m) => void warnings.push(m), error: () => {} };
};

const ourContents = { id: 1 } as unknown as WebContents;
const otherContents = { id: 2 } as unknown as WebContents;

function frame(url: string, parent: unknown = null) {
  return { url, parent } as unknown as NonNullable<IpcMainInvokeEvent['senderFrame']>;
}

const fromApp: InvokeSender = { sender: ourContents, senderFrame: frame('app://switchboard/index.html') };

const isTrusted = createSenderCheck({
  isOurWebContents: (contents) => contents === ourContents,
  isAppUrl: createAppUrlCheck(),
});

function setup() {
  const ipcMain = fakeIpcMain();
  const dispatch = vi.fn(async (channel: string, args: unknown): Promise<Envelope<unknown>> => ({ ok: true, value: { channel, args } }));
  const log = silentLog();
  const dispose = registerIpc(ipcMain, { dispatch, log }, isTrusted);
  const invoke = ipcMain.handlers.get(IPC_INVOKE)!;
  return { ipcMain, dispatch, log, dispose, invoke };
}

describe('registerIpc', () => {
  it('reaches the dispatcher for every channel of the contract, with its arguments untouched', async () => {
    const { invoke, dispatch } = setup();
    expect(CHANNEL_NAMES.length).toBeGreaterThan(10);
    for (const channel of CHANNEL_NAMES) {
      const args = { probe: channel };
      await expect(invoke(fromApp, channel, args)).resolves.toEqual({ ok: true, value: { channel, args } });
    }
    expect(dispatch.mock.calls.map(([channel]) => channel)).toEqual(CHANNEL_NAMES);
  });

  const refused: [string, InvokeSender][] = [
    ['an iframe inside our window', { sender: ourContents, senderFrame: frame('app://switchboard/index.html', frame('app://switchboard/index.html')) }],
    ['our window showing a web page', { sender: ourContents, senderFrame: frame('https://evil.example/') }],
    ['our window showing a local file', { sender: ourContents, senderFrame: frame('file:///home/user/page.html') }],
    ['a look-alike custom host', { sender: ourContents, senderFrame: frame('app://switchboard.evil/index.html') }],
    ['a webContents that is not one of our windows', { sender: otherContents, senderFrame: frame('app://switchboard/index.html') }],
    ['a frame that is already gone', { sender: ourContents, senderFrame: null }],
  ];
  for (const [who, event] of refused) {
    it(`refuses a call from ${who} with a typed error, before the dispatcher`, async () => {
      const { invoke, dispatch, log } = setup();
      await expect(invoke(event, 'secrets.list', {})).resolves.toEqual(REFUSED_SENDER);
      expect(REFUSED_SENDER).toMatchObject({ ok: false, error: { code: 'permission_denied' } });
      expect(dispatch).not.toHaveBeenCalled();
      expect(log.warnings.join('\n')).toContain('refused an IPC call to secrets.list');
    });
  }

  it('trusts the dev server origin only when one is given', () => {
    const devCheck = createSenderCheck({ isOurWebContents: () => true, isAppUrl: createAppUrlCheck('http://localhost:5173') });
    expect(devCheck({ sender: ourContents, senderFrame: frame('http://localhost:5173/') })).toBe(true);
    expect(devCheck({ sender: ourContents, senderFrame: frame('http://localhost:5174/') })).toBe(false);
    expect(isTrusted({ sender: ourContents, senderFrame: frame('http://localhost:5173/') })).toBe(false);
  });

  it('removes its handler when disposed', () => {
    const { ipcMain, dispose } = setup();
    dispose();
    expect(ipcMain.handlers.has(IPC_INVOKE)).toBe(false);
  });
});

describe('registerIpc over the real services', () => {
  let dataDir: string | undefined;
  afterEach(() => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    dataDir = undefined;
  });

  it('answers calls, and turns a malformed call into a typed error instead of a crash', async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'switchboard-ipc-'));
    const keyring: KeyringBackend = {
      set: () => {},
      get: () => null,
      delete: () => false,
      probe: () => {},
      names: () => [],
    };
    const services = startServices({ dataDir, appVersion: '9.9.9', native: { isSupported: () => false, show: () => {} }, keyring, agentHome: dataDir });
    try {
      const ipcMain = fakeIpcMain();
      registerIpc(ipcMain, services, isTrusted);
      const invoke = ipcMain.handlers.get(IPC_INVOKE)!;
      await expect(invoke(fromApp, 'app.status', {})).resolves.toMatchObject({ ok: true, value: { state: 'ready', version: '9.9.9' } });
      await expect(invoke(fromApp, 'settings.update', { theme: 'purple' })).resolves.toMatchObject({ ok: false, error: { code: 'invalid_argument' } });
      await expect(invoke(fromApp, 'no.such.channel', {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
      await expect(invoke(fromApp, { not: 'a string' }, {})).resolves.toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
      await expect(invoke(fromApp, 'settings.get', {})).resolves.toMatchObject({ ok: true, value: { theme: 'system' } });
    } finally {
      await services.close();
    }
  });
});

describe('broadcastEvents', () => {
  const window = (url: string, destroyed = false) => {
    const sent: unknown[][] = [];
    return {
      sent,
      webContents: { send: (...args: unknown[]) => void sent.push(args), isDestroyed: () => destroyed, getURL: () => url },
    };
  };

  it('pushes every service event to every window showing the app, and to nothing else', () => {
    const events = new AppEvents();
    const first = window('app://switchboard/index.html');
    const second = window('app://switchboard/index.html');
    const elsewhere = window('https://evil.example/');
    const closed = window('app://switchboard/index.html', true);
    const stop = broadcastEvents(events, () => [first, second, elsewhere, closed], createAppUrlCheck());

    events.emit('notifications.changed', { unread: 3 });
    expect(first.sent).toEqual([[IPC_EVENT, 'notifications.changed', { unread: 3 }]]);
    expect(second.sent).toEqual(first.sent);
    expect(elsewhere.sent).toEqual([]);
    expect(closed.sent).toEqual([]);

    stop();
    events.emit('notifications.changed', { unread: 4 });
    expect(first.sent).toHaveLength(1);
  });
});
