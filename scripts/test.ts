// `npm test`: lint, typecheck, unit and end-to-end tests, in a private D-Bus
// session with a real, throwaway GNOME keyring so secrets tests use a real
// Secret Service and never touch the user's own keyring.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const NEEDS: Record<string, string> = {
  [CHROMIUM]: 'chromium',
  '/usr/bin/dbus-run-session': 'dbus',
  '/usr/bin/gnome-keyring-daemon': 'gnome-keyring',
};

function run(command: string, args: string[], options: SpawnSyncOptions = {}): number {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  return result.status ?? 1;
}

function ensurePrerequisites(): void {
  const missing = [...new Set(Object.entries(NEEDS).filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg))];
  if (missing.length === 0) return;
  const install = `apt-get update && apt-get install -y ${missing.join(' ')}`;
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) {
    console.error(`The tests need Debian packages that are not installed: ${missing.join(', ')}.\nInstall them with:\n  sudo sh -c '${install}'`);
    process.exit(1);
  }
  console.log(`Installing what the tests need: ${missing.join(', ')}`);
  if (run('sh', ['-c', install], { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }) !== 0) process.exit(1);
}

/** Re-runs this script inside `dbus-run-session` with an unlocked, throwaway keyring. */
function enterKeyringSession(): never {
  const home = mkdtempSync(join(tmpdir(), 'switchboard-keyring-'));
  const inner = [
    `eval "$(printf 'switchboard-test\\n' | gnome-keyring-daemon --unlock --components=secrets)"`,
    `eval "$(gnome-keyring-daemon --start --components=secrets)"`,
    `exec "${process.execPath}" "${process.argv[1]}" "$@"`,
  ].join(' && ');
  const status = run('dbus-run-session', ['--', 'sh', '-c', inner, 'test', ...process.argv.slice(2)], {
    env: { ...process.env, SWITCHBOARD_KEYRING_SESSION: '1', XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home },
  });
  rmSync(home, { recursive: true, force: true });
  process.exit(status);
}

interface Count {
  passed: number;
  failed: number;
  skipped: number;
}

function vitestCount(file: string): Count {
  const r = JSON.parse(readFileSync(file, 'utf8')) as { numPassedTests: number; numFailedTests: number; numPendingTests: number; numTodoTests: number };
  return { passed: r.numPassedTests, failed: r.numFailedTests, skipped: r.numPendingTests + r.numTodoTests };
}

function playwrightCount(file: string): Count {
  const r = JSON.parse(readFileSync(file, 'utf8')) as { stats: { expected: number; unexpected: number; flaky: number; skipped: number } };
  if (r.stats.flaky > 0) console.log(`\ne2e: ${r.stats.flaky} test(s) passed only on retry; the list above names them as flaky.`);
  return { passed: r.stats.expected + r.stats.flaky, failed: r.stats.unexpected, skipped: r.stats.skipped };
}

ensurePrerequisites();
if (!process.env.SWITCHBOARD_KEYRING_SESSION) enterKeyringSession();

const reports = mkdtempSync(join(tmpdir(), 'switchboard-reports-'));
const unitReport = join(reports, 'unit.json');
const e2eReport = join(reports, 'e2e.json');
const steps: [string, string, string[], NodeJS.ProcessEnv?][] = [
  ['lint', 'eslint', ['.']],
  ['typecheck', 'npm', ['run', '--silent', 'typecheck']],
  ['build renderer', 'npm', ['run', '--silent', 'build:web']],
  ['unit', 'vitest', ['run', '--reporter=default', '--reporter=json', `--outputFile.json=${unitReport}`]],
  // The Electron smoke spec launches the built app where an Electron binary exists; elsewhere it reports a skip.
  ...(existsSync('node_modules/electron/path.txt') ? [['build app', 'npm', ['run', '--silent', 'build']] as [string, string, string[]]] : []),
  ['e2e', 'playwright', ['test', '--reporter=list,json'], { PLAYWRIGHT_JSON_OUTPUT_NAME: e2eReport }],
];

let failedStep: string | undefined;
for (const [name, command, args, env] of steps) {
  console.log(`\n── ${name} ──`);
  if (run(command, args, { env: { ...process.env, ...env } }) !== 0) {
    failedStep = name;
    break;
  }
}

const total: Count = { passed: 0, failed: 0, skipped: 0 };
for (const [file, read] of [[unitReport, vitestCount], [e2eReport, playwrightCount]] as const) {
  if (!existsSync(file)) continue;
  const c = read(file);
  total.passed += c.passed;
  total.failed += c.failed;
  total.skipped += c.skipped;
}
rmSync(reports, { recursive: true, force: true });
if (failedStep) console.error(`\nStopped: the ${failedStep} step failed.`);
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(failedStep || total.failed > 0 ? 1 : 0);
