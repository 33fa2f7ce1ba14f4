import fuzzysort from 'fuzzysort';

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
