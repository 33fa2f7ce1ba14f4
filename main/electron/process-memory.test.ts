import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { childProcessLauncher, type PluginLauncher } from '../plugins/launcher.ts';
import { startServices, type AppServices } from '../services.ts';
import { RecordingNotifier } from '../test-support/core.ts';
import { appMetricsMemory } from './process-memory.ts';

const MB = 1024 * 1024;

describe('plugin memory from app.getAppMetrics', () => {
  it('reads a process’s working set by pid, in bytes, and nothing for a pid Electron does not list', () => {
    const read = appMetricsMemory(() => [
      { pid: 10, memory: { workingSetSize: 2048, peakWorkingSetSize: 4096 } },
      { pid: 42, memory: { workingSetSize: 150 * 1024, peakWorkingSetSize: 150 * 1024 } },
    ]);
    expect(read(42)).toBe(150 * MB);
    expect(read(10)).toBe(2 * MB);
    expect(read(7)).toBeNull();
  });

  describe('as the memory cap of a running plugin, on a platform without /proc', () => {
    let services: AppServices | undefined;
    let dataDir: string;
    afterEach(async () => {
      await services?.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    /** A real plugin process; what Electron would report for it comes from `reported`. */
    async function runPlugin(reported: (pid: number) => number) {
      dataDir = mkdtempSync(join(tmpdir(), 'sb-app-metrics-'));
      const asked: number[] = [];
      const started: number[] = [];
      const fork = childProcessLauncher();
      const launcher: PluginLauncher = {
        kind: fork.kind,
        launch(spec) {
          const child = fork.launch(spec);
          if (child.pid !== undefined) started.push(child.pid);
          return child;
        },
      };
      // Like macOS or Windows: only the metrics know the process, nothing is read from /proc.
      const metrics = () =>
        started.map((pid) => {
          asked.push(pid);
          return { pid, memory: { workingSetSize: reported(pid) / 1024, peakWorkingSetSize: reported(pid) / 1024 } };
        });
      services = startServices({
        dataDir,
        appVersion: '0.1.0',
        native: new RecordingNotifier(),
        agentHome: dataDir,
        pluginTiming: { memorySampleMs: 50, heartbeatMs: 200, readyTimeoutMs: 15_000, backoffMs: () => 60_000 },
        pluginLauncher: launcher,
        pluginMemory: appMetricsMemory(metrics),
      });
      const core = services.core();
      const folder = join(core.pluginPaths.root, 'steady');
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ id: 'steady', name: 'Steady', version: '1.0.0', main: 'index.js', permissions: [] }));
      writeFileSync(join(folder, 'index.js'), '// does nothing and stays small\n');
      core.plugins.put({ id: 'steady', name: 'Steady', version: '1.0.0', sourceId: null, previousVersion: null, grants: [], enabled: true });
      await core.supervisor.start('steady');
      return { core, asked };
    }

    it('kills a plugin the metrics show above 128 MB, with the memory reason', async () => {
      const { core, asked } = await runPlugin(() => 200 * MB);
      await expect.poll(() => core.audit.list({ eventType: 'plugin_killed' }).find((r) => r.subject === 'steady'), { timeout: 15_000 }).toBeDefined();
      const row = core.audit.list({ eventType: 'plugin_killed' }).find((r) => r.subject === 'steady')!;
      expect(String(row.detail.reason)).toBe('used 200 MB of memory, more than its 128 MB limit');
      expect(asked.length).toBeGreaterThan(0);
    });

    it('leaves a plugin below the cap running and shows the memory the metrics report', async () => {
      const { core, asked } = await runPlugin(() => 40 * MB);
      await expect.poll(() => asked.length, { timeout: 15_000 }).toBeGreaterThan(3);
      expect(core.supervisor.get('steady')).toMatchObject({ state: 'running' });
      expect(core.supervisor.list().find((p) => p.id === 'steady')?.memoryBytes).toBe(40 * MB);
      expect(core.audit.list({ eventType: 'plugin_killed' })).toEqual([]);
    });
  });
});
