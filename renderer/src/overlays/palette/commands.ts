import { screens } from '../../screens/index.ts';
import { navigate } from '../../stores/navigation.ts';
import { useSettings } from '../../stores/settings.ts';
import { useUpdates } from '../../stores/updates.ts';
import { resolveTheme } from '../../theme/theme.ts';
import type { PaletteCommand } from './filter.ts';

export const APP_SOURCE = 'Switchboard';

function appCommand(id: string, label: string, run: () => Promise<unknown> | void): PaletteCommand {
  return {
    id: `app.${id}`,
    label,
    source: APP_SOURCE,
    pluginId: null,
    takesArgument: false,
    argumentPrompt: '',
    run: async () => {
      await run();
    },
  };
}

/**
 * Commands the window itself runs: one per screen, opening a session by a
 * search, the theme, and checking
 * for app updates (its progress shows under Settings → Updates). Commands
 * that act on main's services (create a task, test notification) come from
 * main through palette.list, like plugin commands.
 */
export function appCommands(): PaletteCommand[] {
  return [
    ...screens.map((screen) => appCommand(`go.${screen.id}`, `Go to ${screen.title}`, () => navigate(screen.id))),
    {
      ...appCommand('sessions.open', 'Open session…', () => undefined),
      takesArgument: true,
      argumentPrompt: 'Words from the session’s title, project or model',
      run: async (query?: string) => navigate('sessions', { q: query?.trim() ?? '' }),
    },
    appCommand('theme.toggle', 'Toggle light / dark theme', async () => {
      const { settings, update } = useSettings.getState();
      const current = resolveTheme(settings?.theme ?? 'system');
      await update({ theme: current === 'dark' ? 'light' : 'dark' });
    }),
    appCommand('theme.system', 'Use the system theme', () => useSettings.getState().update({ theme: 'system' })),
    appCommand('updates.check', 'Check for updates', async () => {
      navigate('settings');
      await useUpdates.getState().check();
    }),
  ];
}
