import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import renderer from './renderer/vite.config.ts';

const ROOT = import.meta.dirname;

/**
 * Native Node-API addons stay in node_modules (electron-builder unpacks their
 * `.node` files from the asar); they cannot be bundled. Every other runtime
 * dependency is external too, by electron-vite's default for main.
 */
const NATIVE_DEPENDENCIES = ['better-sqlite3', '@napi-rs/keyring'];

/**
 * Main-side entries besides the app itself, each bundled to out/main/<name>.js.
 * `plugin-host` is the entry every plugin process runs (utilityProcess.fork of
 * out/main/plugin-host.js); the plugin runtime provides plugin-host/main.ts.
 * `search-index` is the worker thread that writes the message search index.
 */
const EXTRA_MAIN_ENTRIES: Record<string, string> = {
  'plugin-host': resolve(ROOT, 'plugin-host/main.ts'),
  'search-index': resolve(ROOT, 'main/search/index-worker.ts'),
};

export default defineConfig({
  main: {
    // Output goes to electron-vite's default out/main (out/preload below), which `--outDir` can move.
    build: {
      // Electron 45 runs Node 24; package.json says "type": "module", so main is emitted as ESM.
      target: 'node24',
      externalizeDeps: { include: NATIVE_DEPENDENCIES },
      rolldownOptions: {
        input: { index: resolve(ROOT, 'main/index.ts'), ...EXTRA_MAIN_ENTRIES },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      target: 'node24',
      // A sandboxed preload is a classic script: one CommonJS file whose only require is `electron`.
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(ROOT, 'preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    // The same base and target as `npm run build:web`, so the app and the harness serve the same files.
    // Paths are set here: electron-vite bundles this file, so import.meta.dirname inside
    // renderer/vite.config.ts would point at the project root instead of renderer/.
    ...renderer,
    root: resolve(ROOT, 'renderer'),
    build: {
      ...renderer.build,
      outDir: resolve(ROOT, 'out/renderer'),
      rolldownOptions: { input: resolve(ROOT, 'renderer/index.html') },
    },
  },
});
