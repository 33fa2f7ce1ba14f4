// The real desktop app, driven by Playwright's Electron support. It needs the
// Electron binary, which cannot be downloaded on our build machines
// (ELECTRON_SKIP_BINARY_DOWNLOAD=1); there it is skipped with a line saying so.
// Everything behind the window is covered there by the browser harness specs
// and by the unit tests of main/electron/* and preload/.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '../..');
const MAIN_ENTRY = join(ROOT, 'out', 'main', 'index.js');
const SCREENS = join(ROOT, 'test-results', 'screens');

/**
 * The Electron executable, found the way the `electron` package finds it but
 * without requiring that package: its index.js starts a download when the
 * binary is missing, and nothing may be downloaded here.
 */
function findElectron(): { path: string } | { missing: string } {
  const packageDir = join(ROOT, 'node_modules', 'electron');
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const path = override ? join(override, relative ?? 'electron') : relative ? join(packageDir, 'dist', relative) : undefined;
  if (!path || !existsSync(path)) return { missing: 'node_modules/electron has no binary' };
  const version = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000 });
  if (version.status !== 0) return { missing: `${path} --version failed: ${(version.stderr || version.error?.message || '').trim()}` };
  return { path };
}

/** Without the dev server variable, so the window loads the built renderer over app://. */
function builtAppEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value !== undefined && name !== 'ELECTRON_RENDERER_URL') env[name] = value;
  }
  return env;
}

const SKIP_REASON = (detail: string): string =>
  `Electron binary not installed here (ELECTRON_SKIP_BINARY_DOWNLOAD; ${detail}); ` +
  'this spec runs where `npx electron --version` works.';

test('the desktop app opens its window on the Settings screen, with a sandboxed page that reaches main only through window.switchboard', async () => {
  const electronBinary = findElectron();
  if ('missing' in electronBinary) {
    console.log(`electron-smoke: skipped. ${SKIP_REASON(electronBinary.missing)}`);
    test.skip(true, SKIP_REASON(electronBinary.missing));
    return;
  }
  expect(existsSync(MAIN_ENTRY), `${MAIN_ENTRY} is missing: run npm run build first`).toBe(true);

  const userData = mkdtempSync(join(tmpdir(), 'switchboard-electron-'));
  // Chromium refuses to start as root with its sandbox on (CI containers run as root).
  const rootOnly = process.getuid?.() === 0 ? ['--no-sandbox'] : [];
  const app = await electron.launch({
    executablePath: electronBinary.path,
    // The project folder, so Electron reads package.json (name, version, "main": out/main/index.js).
    args: [ROOT, `--user-data-dir=${userData}`, ...rootOnly],
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
