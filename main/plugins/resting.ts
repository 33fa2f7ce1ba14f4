import type { PluginState } from '../../app/contract/plugins.ts';
import { startsOnDemand } from './activation.ts';
import type { Entry } from './entry.ts';
import type { RegistryRow } from './registry.ts';

/** A state to move to and why; null: stay. */
export type Settled = { state: PluginState; reason: string | null } | null;

/** Why the entry may not start (broken folder, not installed or disabled), as the state that says so; null when it may. */
export function cannotRun(entry: Entry, row: RegistryRow | undefined): Settled {
  if (!entry.discovered.ok) return { state: 'error', reason: entry.discovered.errors.join('; ') };
  if (!row?.enabled) return { state: 'disabled', reason: row ? entry.stateReason : 'Not installed: enable it to run it without any permissions' };
  return null;
}

/**
 * The state of a plugin with no process, once its folder and registry row
 * have been read again: broken, disabled, stopped, or (with activation events)
 * sleeping until one of them happens.
 */
export function restingState(entry: Entry, enabled: boolean, sleepingReason: () => string): Settled {
  if (entry.state === 'starting' || entry.state === 'stopping' || entry.state === 'running') return null;
  if (!entry.discovered.ok) return { state: 'error', reason: entry.discovered.errors.join('; ') };
  if (!enabled) return entry.state === 'disabled' ? null : { state: 'disabled', reason: entry.stateReason };
  // An error found on disk clears once the folder is fixed; an error from a failed start stays until the next start.
  const cleared = entry.state === 'disabled' || (entry.state === 'error' && !entry.failedStart);
  if (startsOnDemand(entry)) return cleared || entry.state === 'stopped' ? { state: 'sleeping', reason: sleepingReason() } : null;
  return cleared || entry.state === 'sleeping' ? { state: 'stopped', reason: null } : null;
}
