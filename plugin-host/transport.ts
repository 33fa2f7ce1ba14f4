import type { MainMessage } from '../app/plugin-protocol.ts';

/**
 * The pipe to main. Under `child_process.fork` it is Node's IPC channel; under
 * Electron's `utilityProcess.fork` it is `process.parentPort`. Outgoing
 * envelopes travel as JSON text so main can measure them before it parses
 * anything.
 */
export interface HostTransport {
  send(json: string): void;
  onMessage(listener: (message: MainMessage) => void): void;
}

interface ElectronParentPort {
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export function connectToMain(): HostTransport {
  const parentPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (parentPort) {
    return {
      send: (json) => parentPort.postMessage(json),
      onMessage: (listener) => parentPort.on('message', (event) => listener(event.data as MainMessage)),
    };
  }
  if (!process.send) throw new Error('The plugin host must be started by Switchboard (no IPC channel to main).');
  return {
    send: (json) => {
      process.send!(json);
    },
    onMessage: (listener) => process.on('message', (message) => listener(message as MainMessage)),
  };
}
