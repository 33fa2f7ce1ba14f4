/**
 * What a plugin may ask for. Main checks every request from a plugin process
 * against the grants recorded at install; nothing is granted on trust.
 */
export const PERMISSIONS = ['palette', 'messages', 'tasks', 'events', 'notifications', 'settings', 'panels', 'hooks'] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** The permissions a version-2 catalog may declare. */
export const CATALOG_V2_PERMISSIONS = ['palette', 'messages', 'tasks', 'events', 'notifications'] as const satisfies readonly Permission[];

/** Plain words for the consent dialog and the plugin page. */
export const PERMISSION_TEXT: Record<Permission, { title: string; description: string }> = {
  palette: { title: 'Add commands', description: 'Add commands to the command palette and run them when you choose them.' },
  messages: { title: 'Read your agent sessions', description: 'See every message of your agent sessions as it arrives, including code and tool output.' },
  tasks: { title: 'Manage tasks', description: 'Read the task board, create tasks and change their status.' },
  events: { title: 'Session events', description: 'Hear when sessions start and finish, and send events to other plugins.' },
  notifications: { title: 'Notify you', description: 'Show notifications in the app and on your desktop.' },
  settings: { title: 'Its own settings', description: 'Read and change its own settings.' },
  panels: { title: 'Show a panel', description: 'Show a panel of text, tables, diffs or charts on its page.' },
  hooks: { title: 'Intercept prompts and replies', description: 'Inspect, change or block prompts before they reach an agent, and replies after.' },
};

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
