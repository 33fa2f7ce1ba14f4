import { AppError } from '../../app/contract/envelope.ts';
import type { PaletteEntryValue } from '../../app/contract/plugins.ts';
import type { MainMessage } from '../../app/plugin-protocol.ts';
import { permissionDeniedMessage } from '../../app/plugin-protocol.ts';
import type { Permission } from '../../app/permissions.ts';
import { paletteEntries } from './api/palette.ts';
import { nameOf, type Entry } from './entry.ts';
import type { AppCommand } from './supervisor-options.ts';

/** What the palette and the panels reach in the supervisor. */
export interface CommandsHost {
  appCommands: readonly AppCommand[];
  entry(id: string): Entry | undefined;
  entries(): Iterable<Entry>;
  granted(entry: Entry, permission: Permission): boolean;
  log(entry: Entry, level: 'info' | 'warn' | 'error', text: string): void;
  requestTimeoutMs: number;
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What the user runs in a plugin: palette commands and panel actions. */
export class PluginCommands {
  readonly #h: CommandsHost;

  constructor(host: CommandsHost) {
    this.#h = host;
  }

  palette(): PaletteEntryValue[] {
    return paletteEntries(this.#h.appCommands, [...this.#h.entries()].map((e) => e.api));
  }

  async run(commandId: string, argument: string | undefined): Promise<void> {
    const app = this.#h.appCommands.find((c) => c.id === commandId);
    if (app) {
      await app.run(argument ?? '');
      return;
    }
    const split = commandId.lastIndexOf('::');
    const entry = split > 0 ? this.#h.entry(commandId.slice(0, split)) : undefined;
    const key = Number(commandId.slice(split + 2));
    const command = entry?.registered.commands.get(key);
    if (!entry || !command) throw new AppError('not_found', 'That command no longer exists. Its plugin may have been stopped or changed.');
    if (entry.state !== 'running') throw new AppError('conflict', `${nameOf(entry)} is not running (${entry.state}), so its commands cannot run.`);
    if (!this.#h.granted(entry, 'palette')) throw new AppError('permission_denied', permissionDeniedMessage('palette', entry.id));
    this.#h.log(entry, 'info', `Running command "${command.label}"`);
    try {
      await invoke(entry, { t: 'invoke', id: 0, target: 'command', key, argument: argument ?? null }, this.#h.requestTimeoutMs, true);
    } catch (err) {
      this.#h.log(entry, 'error', `Command "${command.label}" failed: ${errorMessage(err)}`);
      throw new AppError('internal', `"${command.label}" (${nameOf(entry)}) failed: ${errorMessage(err)}`);
    }
  }

  /** What the user pressed on the plugin's panel, to the handler the plugin registered for that block. */
  async panelAction(entry: Entry, blockId: string, actionId: string | null, values: Record<string, string | number | boolean>): Promise<{ ok: true } | { ok: false; error: string }> {
    if (entry.state !== 'running' || !entry.connection) return { ok: false, error: `${nameOf(entry)} is not running (${entry.state}).` };
    try {
      await invoke(entry, { t: 'invoke', id: 0, target: 'panel', blockId, actionId, values }, this.#h.requestTimeoutMs, true);
      return { ok: true };
    } catch (err) {
      this.#h.log(entry, 'warn', `The panel action ${blockId}${actionId ? `/${actionId}` : ''} failed: ${errorMessage(err)}`);
      return { ok: false, error: errorMessage(err) };
    }
  }
}

function invoke(entry: Entry, message: Extract<MainMessage, { t: 'invoke' }>, timeoutMs: number, killOnTimeout: boolean): Promise<unknown> {
  if (!entry.connection) return Promise.reject(new Error(`${nameOf(entry)} is not running`));
  return entry.connection.invoke(message, timeoutMs, killOnTimeout);
}
