import type { ProcessMetric } from 'electron';

/**
 * Resident memory of one of the app's processes, by pid, from
 * `app.getAppMetrics()`: Electron reports it for every child it started
 * (plugin utility processes included) on Linux, macOS and Windows alike,
 * where reading /proc works on Linux only. `workingSetSize` is in kilobytes.
 * Null for a pid Electron does not list (not started yet, or already gone).
 */
export function appMetricsMemory(getAppMetrics: () => Pick<ProcessMetric, 'pid' | 'memory'>[]): (pid: number) => number | null {
  return (pid) => {
    const metric = getAppMetrics().find((m) => m.pid === pid);
    return metric ? metric.memory.workingSetSize * 1024 : null;
  };
}
