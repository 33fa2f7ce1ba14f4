import fuzzysort from 'fuzzysort';
import { screens } from '../../screens/index.ts';
import { navigate } from '../../stores/navigation.ts';
import { useSettings } from '../../stores/settings.ts';
import { resolveTheme } from '../../theme/theme.ts';

export const APP_SOURCE = 'Switchboard';

export interface PaletteCommand {
  id: string;
  label: string;
  /** Who provides it: "Switchboard" or the plugin's name. */
  source: string;
  pluginId: string | null;
  takesArgument: boolean;
  /** What the second step asks for, when the command takes an argument. */
  argumentPrompt: string;
  /** Resolves when done; rejects with a message for the user. */
  run(argument?: string): Promise<unknown>;
}

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
 * Commands the window itself runs: one per screen and the theme. Commands
 * that act on main's services (create a task, test notification) come from
 * main through palette.list, like plugin commands.
 */
export function appCommands(): PaletteCommand[] {
  return [
    ...screens.map((screen) => appCommand(`go.${screen.id}`, `Go to ${screen.title}`, () => navigate(screen.id))),
    appCommand('theme.toggle', 'Toggle light / dark theme', async () => {
      const { settings, update } = useSettings.getState();
      const current = resolveTheme(settings?.theme ?? 'system');
      await update({ theme: current === 'dark' ? 'light' : 'dark' });
    }),
    appCommand('theme.system', 'Use the system theme', () => useSettings.getState().update({ theme: 'system' })),
  ];
}

/** Window commands first; an id main also offers is kept once. */
export function mergeCommands(...groups: PaletteCommand[][]): PaletteCommand[] {
  const seen = new Set<string>();
  return groups.flat().filter((command) => !seen.has(command.id) && Boolean(seen.add(command.id)));
}

/**
 * Sublime-style fuzzy match over the label and the source ("tgl thm",
 * "acme lint"), best first. An empty query keeps the given order.
 */
export function filterCommands(query: string, commands: readonly PaletteCommand[]): PaletteCommand[] {
  const search = query.trim();
  if (!search) return [...commands];
  return fuzzysort.go(search, commands, { keys: ['label', 'source'], threshold: 0, limit: 100 }).map((result) => result.obj);
}
