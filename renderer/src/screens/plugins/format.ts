import type { PluginState } from '../../../../app/contract/plugins.ts';
import type { BadgeTone } from '../../ui/index.ts';

export const STATE_LABEL: Record<PluginState, string> = {
  starting: 'Starting',
  running: 'Running',
  stopping: 'Stopping',
  stopped: 'Stopped',
  sleeping: 'Sleeping',
  crashed: 'Crashed',
  disabled: 'Disabled',
  error: 'Error',
};

export const STATE_TONE: Record<PluginState, BadgeTone> = {
  starting: 'accent',
  running: 'success',
  stopping: 'accent',
  stopped: 'neutral',
  sleeping: 'neutral',
  crashed: 'danger',
  disabled: 'neutral',
  error: 'danger',
};

/** "2 h 5 min", "3 min 12 s", "40 s". */
export function formatUptime(ms: number | null): string {
  if (ms === null) return '—';
  const seconds = Math.floor(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${seconds % 60} s`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} days`;
}

export function formatMemory(bytes: number | null): string {
  if (bytes === null) return '—';
  return `${(bytes / (1024 * 1024)).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MB`;
}
