import { CommandPalette } from './palette/CommandPalette.tsx';
import { SearchOverlay } from './search/SearchOverlay.tsx';
import type { OverlayDefinition } from './types.ts';

/**
 * Global overlays the shell mounts (one open at a time) and opens with their
 * shortcut. Add one line per overlay, e.g.
 * `{ id: 'command-palette', title: 'Command palette', shortcut: { key: 'p', mod: true, shift: true }, component: CommandPalette }`.
 */
export const overlays: OverlayDefinition[] = [
  { id: 'command-palette', title: 'Command palette', shortcut: { key: 'p', mod: true, shift: true }, component: CommandPalette },
  { id: 'search', title: 'Search', shortcut: { key: 'f', mod: true, shift: true }, component: SearchOverlay },
];
