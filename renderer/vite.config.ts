import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The renderer build, shared by electron-vite (the app) and the browser harness. */
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: './',
  build: {
    outDir: resolve(import.meta.dirname, '../out/renderer'),
    emptyOutDir: true,
    target: 'chrome140',
  },
});
