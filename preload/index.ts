// Sandboxed preload, bundled to one CommonJS file (out/preload/index.cjs):
// under `sandbox: true` Electron loads it as a script whose only import is
// `electron`.
import { contextBridge, ipcRenderer } from 'electron';
import { exposeSwitchboard } from './api.ts';

exposeSwitchboard(contextBridge, ipcRenderer);
