import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{app,main,preload,renderer,plugin-host,e2e/harness,scripts,hub}/**/*.test.{ts,tsx}'],
    environment: 'node',
    globalSetup: ['scripts/vitest-scratch.ts'],
    pool: 'forks',
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
