// The real desktop app, driven by Playwright's Electron support. It needs the
// Electron binary, which cannot be downloaded on our build machines
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1); there it is skipped with a line saying so.
// Everything behind the window is covered there by the browser harness specs
// and by the unit tests of main/electron/* and preload/.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';
import { electronSkipReason, findElectron, rootOnlyArgs } from '../fixtures/electron.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN_ENTRY = join(ROOT, 'out', 'main', 'index.js');
const SCREENS = join(ROOT, 'test-results', 'screens');

/** Without the dev server variable, so the window loads the built renderer over app://. */
function builtAppEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'ELECTRON_RENDERER_URL') env[name] = value;
  }
  return env;
}

test('the desktop app opens its window on the Settings screen, with a sandboxed page that reaches main only through window.switchboard', async () => {
  const electronBinary = findElectron();
  if ('missing' in electronBinary) {
    console.log(`electron-smoke: skipped. ${electronSkipReason(electronBinary.missing)}`);
    test.skip(true, electronSkipReason(electronBinary.missing));
    return;
  }
  expect(existsSync(MAIN_ENTRY), `${MAIN_ENTRY} is missing: run npm run build first`).toBe(true);

  const userData = mkdtempSync(join(tmpdir(), 'switchboard-electron-'));
  const app = await electron.launch({
    executablePath: electronBinary.path,
    // The project folder, so Electron reads package.json (name, version, "main": out/main/index.js).
    args: [ROOT, `--user-data-dir=${userData}`, ...rootOnlyArgs()],
    env: builtAppEnv(),
  });
  try {
    const window = await app.firstWindow();
    await expect(window.getByRole('heading', { name: 'Settings' })).toBeVisible({ timeout: 30_000 });
    expect(window.url()).toBe('app://switchboard/index.html');

    const page = await window.evaluate(async () => {
      const api = (window as unknown as { switchboard: { invoke(c: string, a: unknown): Promise<unknown> } }).switchboard;
      const status = (await api.invoke('app.status', {})) as { state: string };
      const refused = await api.invoke('settings.update', { theme: 'purple' }).then(
        () => undefined,
        (e: Error & { code?: string }) => ({ isError: e instanceof Error, code: e.code }),
      );
      return {
        keys: Object.keys(api).sort(),
        nodeVisible: typeof (globalThis as { require?: unknown; process?: unknown }).require !== 'undefined' || typeof (globalThis as { process?: unknown }).process !== 'undefined',
        state: status.state,
        refused,
      };
    });
    expect(page).toEqual({ keys: ['invoke', 'on'], nodeVisible: false, state: 'ready', refused: { isError: true, code: 'invalid_argument' } });

    const userDataSeen = await app.evaluate(({ app: electronApp }) => electronApp.getPath('userData'));
    expect(userDataSeen).toBe(userData);
    mkdirSync(SCREENS, { recursive: true });
    await window.screenshot({ path: join(SCREENS, 'electron-settings.png') });
  } finally {
    await app.close();
    rmSync(userData, { recursive: true, force: true });
  }
});
