import { AppError } from '../../app/contract/envelope.ts';
import type { PaletteEntryValue } from '../../app/contract/plugins.ts';
import type { MainMessage } from '../../app/plugin-protocol.ts';
import { permissionDeniedMessage } from '../../app/plugin-protocol.ts';
import type { Permission } from '../../app/permissions.ts';
import { paletteEntries } from './api/palette.ts';
import { planOf } from './activation.ts';
import { manifestOf, nameOf, type Entry, type StartResult } from './entry.ts';
import type { AppCommand } from './supervisor-options.ts';

/** What the palette and the panels reach in the supervisor. */
export interface CommandsHost {
  appCommands: readonly AppCommand[];
  entry(id: string): Entry | undefined;
  entries(): Iterable<Entry>;
  granted(entry: Entry, permission: Permission): boolean;
  log(entry: Entry, level: 'info' | 'warn' | 'error', text: string): void;
  requestTimeoutMs: number;
  /** Starts a sleeping plugin for one of its contributed commands; resolves once it is ready or failed. */
  wake(entry: Entry, why: string): Promise<StartResult>;
  used(entry: Entry): void;
}

/** The words of permissionDeniedMessage, as the plugin process passes them back. */
const REFUSAL = /^Permission '[a-z_]+' not granted to /;

/** The palette id of the `index`th command a manifest contributes, before the plugin has registered any. */
const CONTRIBUTED = 'contributes.';

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What the user runs in a plugin: palette commands and panel actions. */
export class PluginCommands {
  readonly #h: CommandsHost;

  constructor(host: CommandsHost) {
    this.#h = host;
  }

  /** The app's commands, then every running plugin's registered commands and every sleeping plugin's contributed ones, by label. */
  palette(): PaletteEntryValue[] {
    const entries = [...this.#h.entries()];
    const listed = paletteEntries(this.#h.appCommands, entries.map((e) => e.api));
    const contributed: PaletteEntryValue[] = [];
    for (const entry of entries) {
      if ((entry.state !== 'sleeping' && entry.state !== 'starting') || !planOf(entry)?.commands.size || !this.#h.granted(entry, 'palette')) continue;
      for (const [i, c] of (manifestOf(entry)?.contributedCommands ?? []).entries()) {
        contributed.push({ id: `${entry.id}::${CONTRIBUTED}${i}`, label: c.label, source: 'plugin', pluginId: entry.id, pluginName: nameOf(entry), takesArgument: c.takesArgument });
      }
    }
    if (contributed.length === 0) return listed;
    const app = listed.filter((c) => c.source === 'app');
    return [...app, ...[...listed.filter((c) => c.source !== 'app'), ...contributed].sort((a, b) => a.label.localeCompare(b.label))];
  }

  async run(commandId: string, argument: string | undefined): Promise<unknown> {
    const app = this.#h.appCommands.find((c) => c.id === commandId);
    if (app) {
      await app.run(argument ?? '');
      return null;
    }
    const split = commandId.lastIndexOf('::');
    const entry = split > 0 ? this.#h.entry(commandId.slice(0, split)) : undefined;
    const name = commandId.slice(split + 2);
    const { key, command } = entry && name.startsWith(CONTRIBUTED) ? await this.#contributed(entry, Number(name.slice(CONTRIBUTED.length))) : registered(entry, Number(name));
    if (!entry || !command) throw new AppError('not_found', 'That command no longer exists. Its plugin may have been stopped or changed.');
    if (entry.state !== 'running') throw new AppError('conflict', `${nameOf(entry)} is not running (${entry.state}), so its commands cannot run.`);
    if (!this.#h.granted(entry, 'palette')) throw new AppError('permission_denied', permissionDeniedMessage('palette', entry.id));
    this.#h.used(entry);
    this.#h.log(entry, 'info', `Running command "${command.label}"`);
    try {
      return await invoke(entry, { t: 'invoke', id: 0, target: 'command', key, argument: argument ?? null }, this.#h.requestTimeoutMs, true);
    } catch (err) {
      // A call main refused fails the command with the refusal, which main has logged already.
      const refused = REFUSAL.test(errorMessage(err));
      if (!refused) this.#h.log(entry, 'error', `Command "${command.label}" failed: ${errorMessage(err)}`);
      throw new AppError(refused ? 'permission_denied' : 'internal', `"${command.label}" (${nameOf(entry)}) failed: ${errorMessage(err)}`);
    }
  }

  /**
   * A command its manifest contributes: the plugin is started if it sleeps,
   * and the command it registered under the same label runs.
   */
  async #contributed(entry: Entry, index: number): Promise<{ key: number; command: Command | undefined }> {
    const label = manifestOf(entry)?.contributedCommands[index]?.label;
    if (label === undefined) return { key: 0, command: undefined };
    if (!this.#h.granted(entry, 'palette')) throw new AppError('permission_denied', permissionDeniedMessage('palette', entry.id));
    if (entry.state !== 'running') {
      const started = await this.#h.wake(entry, `you ran “${label}”`);
      if (!started.ok) throw new AppError('conflict', `${nameOf(entry)} could not start for “${label}”: ${started.reason}`);
    }
    for (const [key, command] of entry.registered.commands) if (command.label === label) return { key, command };
    throw new AppError('not_found', `${nameOf(entry)} started but registered no command “${label}”, though its manifest lists one.`);
  }

  /** What the user pressed on the plugin's panel, to the handler the plugin registered for that block. */
  async panelAction(entry: Entry, blockId: string, actionId: string | null, values: Record<string, string | number | boolean>): Promise<{ ok: true } | { ok: false; error: string }> {
    if (entry.state !== 'running' || !entry.connection) return { ok: false, error: `${nameOf(entry)} is not running (${entry.state}).` };
    this.#h.used(entry);
    try {
      await invoke(entry, { t: 'invoke', id: 0, target: 'panel', blockId, actionId, values }, this.#h.requestTimeoutMs, true);
      return { ok: true };
    } catch (err) {
      this.#h.log(entry, 'warn', `The panel action ${blockId}${actionId ? `/${actionId}` : ''} failed: ${errorMessage(err)}`);
      return { ok: false, error: errorMessage(err) };
    }
  }
}

type Command = Entry['registered']['commands'] extends Map<number, infer C> ? C : never;

function registered(entry: Entry | undefined, key: number): { key: number; command: Command | undefined } {
  return { key, command: entry?.registered.commands.get(key) };
}

function invoke(entry: Entry, message: Extract<MainMessage, { t: 'invoke' }>, timeoutMs: number, killOnTimeout: boolean): Promise<unknown> {
  if (!entry.connection) return Promise.reject(new Error(`${nameOf(entry)} is not running`));
  return entry.connection.invoke(message, timeoutMs, killOnTimeout);
}
