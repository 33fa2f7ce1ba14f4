import { AppError } from '../../../app/contract/envelope.ts';
import type { PaletteEntryValue } from '../../../app/contract/plugins.ts';
import type { AppCommand } from '../supervisor-options.ts';
import type { ApiContext, ApiTable } from './context.ts';

const MAX_COMMANDS = 100;

/** `palette`: commands in the command palette. */
export const paletteApi = {
  'palette.registerCommand': async (ctx, { key, label, takesArgument }) => {
    const { commands } = ctx.registered;
    if (commands.size >= MAX_COMMANDS && !commands.has(key)) throw new AppError('conflict', `A plugin may register at most ${MAX_COMMANDS} commands`);
    commands.set(key, { label, takesArgument });
    if (ctx.running()) ctx.changed();
    return null;
  },
} satisfies Partial<ApiTable>;

/** The palette the window shows: the app's own commands, then the commands of running plugins that hold `palette`, by label. */
export function paletteEntries(appCommands: readonly AppCommand[], plugins: Iterable<ApiContext>): PaletteEntryValue[] {
  const app: PaletteEntryValue[] = appCommands.map((c) => ({ id: c.id, label: c.label, source: 'app', pluginId: null, pluginName: null, takesArgument: c.takesArgument }));
  const fromPlugins: PaletteEntryValue[] = [];
  for (const ctx of plugins) {
    if (!ctx.running() || !ctx.granted('palette')) continue;
    for (const [key, c] of ctx.registered.commands) {
      fromPlugins.push({ id: `${ctx.pluginId}::${key}`, label: c.label, source: 'plugin', pluginId: ctx.pluginId, pluginName: ctx.name(), takesArgument: c.takesArgument });
    }
  }
  return [...app, ...fromPlugins.sort((a, b) => a.label.localeCompare(b.label))];
}
