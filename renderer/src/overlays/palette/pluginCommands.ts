import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { APP_SOURCE } from './commands.ts';
import type { PaletteCommand } from './filter.ts';

/**
 * The commands main offers: those of every running plugin holding
 * `palette` and the app commands main runs itself; running one goes through
 * main, which checks the plugin is still allowed and running. Plus one
 * "Open plugin" command per installed plugin, which the window runs.
 */
export async function loadPluginCommands(): Promise<PaletteCommand[]> {
  const [{ commands }, { plugins }] = await Promise.all([api.invoke('palette.list', {}), api.invoke('plugins.list', {})]);
  const pages: PaletteCommand[] = plugins.map((plugin) => ({
    id: `app.open-plugin.${plugin.id}`,
    label: `Open plugin: ${plugin.name}`,
    source: APP_SOURCE,
    pluginId: null,
    takesArgument: false,
    argumentPrompt: '',
    run: async () => navigate('plugins', { pluginId: plugin.id }),
  }));
  const offered: PaletteCommand[] = commands.map((entry) => ({
    id: entry.id,
    label: entry.label,
    source: entry.pluginName ?? APP_SOURCE,
    pluginId: entry.pluginId,
    takesArgument: entry.takesArgument,
    argumentPrompt: `Text for “${entry.label}”`,
    run: (argument?: string) => api.invoke('palette.run', argument === undefined ? { commandId: entry.id } : { commandId: entry.id, argument }),
  }));
  return [...offered, ...pages];
}
