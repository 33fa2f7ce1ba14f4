import { api } from '../../api.ts';
import type { PaletteCommand } from './commands.ts';

/**
 * The commands main offers: those of every running plugin holding
 * `palette` (and any app command main runs itself). Running one goes
 * through main, which checks the plugin is still allowed and running.
 */
export async function loadPluginCommands(): Promise<PaletteCommand[]> {
  const { commands } = await api.invoke('palette.list', {});
  return commands.map((entry) => ({
    id: entry.id,
    label: entry.label,
    source: entry.pluginName ?? 'Switchboard',
    pluginId: entry.pluginId,
    takesArgument: entry.takesArgument,
    argumentPrompt: `Text for “${entry.label}”`,
    run: (argument?: string) => api.invoke('palette.run', argument === undefined ? { commandId: entry.id } : { commandId: entry.id, argument }),
  }));
}
