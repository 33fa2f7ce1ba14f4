import type { SwitchboardApi } from '../../app/contract/index.ts';

declare global {
  interface Window {
    switchboard: SwitchboardApi;
  }
}

/** The only way the window talks to main: preload in Electron, a WebSocket in the harness. */
export const api: SwitchboardApi = window.switchboard;
