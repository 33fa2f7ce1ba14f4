import { defineConfig } from '@playwright/test';

/** Debian's Chromium: Playwright's own browser download is not possible on our machines. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  testDir: 'e2e/specs',
  // Playwright empties its output folder each run; screenshots in test-results/screens/ stay.
  outputDir: 'test-results/playwright',
  fullyParallel: false,
  workers: 1,
  // One retry in CI, where the two cores are shared with the build; a retried test is reported as flaky, not hidden.
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  reporter: [['list']],
  use: {
    browserName: 'chromium',
    launchOptions: {
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
    viewport: { width: 1280, height: 800 },
    trace: 'retain-on-failure',
  },
});
