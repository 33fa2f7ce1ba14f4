import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Permission } from '../../../app/permissions.ts';
import type { AuditRow } from '../../audit/audit.ts';
import { startServices, type AppServices, type Core, type ServiceOptions } from '../../services.ts';
import { RecordingNotifier } from '../../test-support/core.ts';
import type { PluginLauncher } from '../launcher.ts';
import type { SupervisorTiming } from '../supervisor-options.ts';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

/** Deadlines for tests: failures show up quickly, but nothing healthy is cut short on a busy machine. */
export const FAST_TIMING: Partial<SupervisorTiming> = {
  readyTimeoutMs: 15_000,
  heartbeatMs: 200,
  requestTimeoutMs: 1500,
  stopDeadlineMs: 1000,
  memorySampleMs: 100,
  backoffMs: () => 10,
};

export interface PluginSpec {
  id: string;
  source: string;
  /** What the manifest asks for. */
  permissions?: Permission[];
  /** What the user granted; defaults to everything the manifest asks for. */
  grants?: Permission[];
  manifest?: Record<string, unknown>;
  enabled?: boolean;
}

export interface PluginTest {
  services: AppServices;
  core: Core;
  dataDir: string;
  native: RecordingNotifier;
  /** Writes the folder and the registry row, then starts it and waits until it is ready or failed. */
  install(spec: PluginSpec): Promise<void>;
  /** Copies a plugin from main/plugins/fixtures/, grants what its manifest asks, and starts it. */
  installFixture(name: string): Promise<void>;
  /** Writes the plugin's files only (for reloads and broken folders). */
  write(spec: Omit<PluginSpec, 'grants' | 'enabled'>): void;
  logText(id: string): string;
  audit(eventType: string): AuditRow[];
  close(): Promise<void>;
}

export function startPluginTest(
  options: { timing?: Partial<SupervisorTiming>; launcher?: PluginLauncher; services?: Pick<ServiceOptions, 'saveDialog' | 'resolveHost' | 'extraCa'> } = {},
): PluginTest {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-plugins-'));
  const native = new RecordingNotifier();
  const services = startServices({
    dataDir,
    appVersion: '0.1.0',
    native,
    pluginTiming: { ...FAST_TIMING, ...options.timing },
    ...(options.launcher ? { pluginLauncher: options.launcher } : {}),
    ...options.services,
  });
  const core = services.core();
  const write: PluginTest['write'] = (spec) => {
    const folder = join(core.pluginPaths.root, spec.id);
    mkdirSync(folder, { recursive: true });
    const manifest = { id: spec.id, name: `${spec.id} plugin`, version: '1.0.0', main: 'index.js', permissions: spec.permissions ?? [], ...spec.manifest };
    writeFileSync(join(folder, 'plugin.json'), JSON.stringify(manifest, null, 2));
    writeFileSync(join(folder, 'index.js'), spec.source);
  };
  return {
    services,
    core,
    dataDir,
    native,
    write,
    async install(spec) {
      write(spec);
      core.plugins.put({
        id: spec.id,
        name: `${spec.id} plugin`,
        version: '1.0.0',
        sourceId: null,
        previousVersion: null,
        grants: spec.grants ?? spec.permissions ?? [],
        enabled: spec.enabled ?? true,
      });
      await core.supervisor.start(spec.id);
    },
    async installFixture(name) {
      const folder = join(core.pluginPaths.root, name);
      cpSync(join(FIXTURES, name), folder, { recursive: true });
      const manifest = JSON.parse(readFileSync(join(folder, 'plugin.json'), 'utf8')) as { name: string; version: string; permissions: Permission[] };
      core.plugins.put({ id: name, name: manifest.name, version: manifest.version, sourceId: null, previousVersion: null, grants: manifest.permissions });
      await core.supervisor.start(name);
    },
    logText: (id) => core.supervisor.logs(id).map((l) => l.text).join('\n'),
    audit: (eventType) => core.audit.list({ eventType }),
    async close() {
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Polls until `check` returns a value (not a timing assertion: it only bounds how long a broken build hangs). */
export async function eventually<T>(check: () => T | undefined | null | false, what: string, limitMs = 15_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > until) throw new Error(`Gave up waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export type ProbeResult = { ok: true; value: unknown } | { ok: false; error: string };

/**
 * Runs `body` (the inside of an async function) as a plugin and returns what
 * it reported: its return value, or the message of what it threw.
 */
export async function probe(
  t: PluginTest,
  id: string,
  body: string,
  grants: Permission[] = [],
  options: { keepRunning?: boolean; manifest?: Record<string, unknown> } = {},
): Promise<ProbeResult> {
  const source = `(async () => {
  try {
    const value = await (async () => { ${body}\n })();
    console.log('PROBE ' + JSON.stringify({ ok: true, value: value === undefined ? '(undefined)' : value }));
  } catch (e) {
    console.log('PROBE ' + JSON.stringify({ ok: false, error: String((e && e.message) || e) }));
  }
})();`;
  await t.install({ id, source, permissions: grants, ...(options.manifest ? { manifest: options.manifest } : {}) });
  const line = await eventually(
    () => t.core.supervisor.logs(id).find((l) => l.text.startsWith('PROBE ') || l.text.startsWith('Did not start: ')),
    `probe ${id} to report`,
  );
  if (!options.keepRunning) await t.core.supervisor.stop(id, 'probe finished');
  if (line.text.startsWith('Did not start: ')) return { ok: false, error: line.text };
  return JSON.parse(line.text.slice('PROBE '.length)) as ProbeResult;
}
