import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The Hub's admin UI, served by the Hub at /admin/. */
export default defineConfig({
  root: resolve(import.meta.dirname),
  base: '/admin/',
  build: {
    outDir: resolve(import.meta.dirname, '../../out/hub-ui'),
    emptyOutDir: true,
    target: 'chrome120',
  },
  server: { fs: { allow: [resolve(import.meta.dirname, '../..')] } },
});
