import type { PluginIncidentValue, PluginLogLineValue, PluginState } from '../../app/contract/plugins.ts';
import type { AuditLog } from '../audit/audit.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { ConnectionExit } from './connection.ts';
import { nameOf, type Entry, type StartResult } from './entry.ts';
import type { PluginRegistry } from './registry.ts';

const MAX_INCIDENTS = 50;

/** What recording a plugin's failures reaches in the supervisor. */
export interface IncidentsHost {
  registry: PluginRegistry;
  audit: AuditLog;
  notifications: Pick<NotificationService, 'notify'>;
  memoryLimitMb: number;
  crashWindowMs: number;
  now: () => number;
  setState(entry: Entry, state: PluginState, reason: string | null): void;
  log(entry: Entry, level: PluginLogLineValue['level'], text: string): void;
  settleStart(entry: Entry, result: StartResult): void;
}

/**
 * How a plugin's failures are told: the audit row, the incident on its page,
 * the log line, its state, and for a plugin disabled after crashing, the
 * app's notification.
 */
export class PluginIncidents {
  readonly #h: IncidentsHost;

  constructor(host: IncidentsHost) {
    this.#h = host;
  }

  /** Main is about to kill the process. */
  killing(entry: Entry, reason: string): void {
    this.#h.audit.append('plugin_killed', 'app', entry.id, { reason });
    this.#record(entry, 'killed', reason);
    this.#h.log(entry, 'error', `Killed: ${reason}`);
  }

  /** The process ended without being stopped; returns why, in words. */
  ended(entry: Entry, exit: ConnectionExit): string {
    const memoryReason = `ran out of memory (more than its ${this.#h.memoryLimitMb} MB limit)`;
    const reason =
      exit.killReason ??
      (exit.outOfMemory ? memoryReason : exit.signal ? `its process was ended by ${exit.signal}` : `its process exited with code ${exit.code}`);
    if (!exit.killReason) {
      if (exit.outOfMemory) this.#h.audit.append('plugin_killed', 'app', entry.id, { reason });
      else this.#h.audit.append('plugin_crashed', 'app', entry.id, { reason, code: exit.code, signal: exit.signal });
      this.#record(entry, exit.outOfMemory ? 'killed' : 'crashed', reason);
      this.#h.log(entry, 'error', `${exit.outOfMemory ? 'Killed' : 'Crashed'}: ${reason}`);
    }
    this.#h.setState(entry, 'crashed', reason);
    this.#h.settleStart(entry, { ok: false, reason });
    return reason;
  }

  disabledAfterCrashes(entry: Entry, crashes: number, reason: string): void {
    const minutes = Math.round(this.#h.crashWindowMs / 60_000);
    const within = `${minutes} minute${minutes === 1 ? '' : 's'}`;
    const why = `Disabled after crashing ${crashes} times within ${within} (last: ${reason})`;
    this.#h.registry.setEnabled(entry.id, false);
    this.#h.audit.append('plugin_disabled', 'app', entry.id, { reason: why });
    this.#record(entry, 'disabled', why);
    this.#h.log(entry, 'error', why);
    this.#h.setState(entry, 'disabled', why);
    // The app says this, in its own words: the plugin's name (text the plugin chose) is only in the message.
    this.#h.notifications.notify({
      type: 'error',
      title: 'Plugin disabled',
      message: `${nameOf(entry)} (${entry.id}) was disabled: it crashed ${crashes} times within ${within} (last: ${reason}). Enable it again on its page once it is fixed.`,
      source: 'app',
    });
  }

  startFailed(entry: Entry, reason: string): void {
    entry.failedStart = true;
    this.#h.audit.append('plugin_start_failed', 'app', entry.id, { reason });
    this.#record(entry, 'start_failed', reason);
    this.#h.log(entry, 'error', `Did not start: ${reason}`);
    this.#h.setState(entry, 'error', `Did not start: ${reason}`);
    this.#h.settleStart(entry, { ok: false, reason });
  }

  #record(entry: Entry, kind: PluginIncidentValue['kind'], reason: string): void {
    entry.incidents.push({ at: new Date(this.#h.now()).toISOString(), kind, reason });
    if (entry.incidents.length > MAX_INCIDENTS) entry.incidents.shift();
  }
}
