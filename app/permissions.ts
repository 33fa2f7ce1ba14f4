/**
 * What a plugin may ask for. Main checks every request from a plugin process
 * against the grants recorded at install; nothing is granted on trust.
 */
export const PERMISSIONS = [
  'palette', 'messages', 'tasks', 'events', 'notifications', 'settings', 'panels', 'hooks',
  'network', 'files', 'git', 'sessions', 'audit', 'agents', 'status',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

/** The permissions a version-2 catalog may declare. */
export const CATALOG_V2_PERMISSIONS = ['palette', 'messages', 'tasks', 'events', 'notifications'] as const satisfies readonly Permission[];

/** Plain words for the consent dialog and the plugin page. */
export const PERMISSION_TEXT: Record<Permission, { title: string; description: string }> = {
  palette: { title: 'Add commands', description: 'Add commands to the command palette and run them when you choose them.' },
  messages: { title: 'Read your agent sessions', description: 'See every message of your agent sessions as it arrives, including code and tool output.' },
  tasks: { title: 'Manage tasks', description: 'Read the task board, create tasks and change their status.' },
  events: { title: 'App events', description: 'Hear when sessions start and finish, which session you open and when the task board changes (each only with its own permission), and send events to other plugins.' },
  notifications: { title: 'Notify you', description: 'Show notifications in the app and on your desktop.' },
  settings: { title: 'Its own settings', description: 'Read and change its own settings.' },
  panels: { title: 'Show a panel', description: 'Show a panel of text, tables, diffs or charts on its page.' },
  hooks: { title: 'Intercept prompts, tools and replies', description: 'Inspect, change or block prompts before they reach an agent, tool calls before they run, and replies after.' },
  network: { title: 'Use the internet', description: 'Send data to and receive data from the hosts it names, through Switchboard.' },
  files: { title: 'Save files', description: 'Save files where you choose in a save dialog, and keep files in its own data folder.' },
  git: { title: 'Read your repositories', description: 'Read the commits, branch, changed files and diffs of your projects\' git repositories.' },
  sessions: { title: 'Read stored sessions', description: 'Read your stored agent sessions: their history, messages, tokens and costs.' },
  audit: { title: 'Use the audit log', description: 'Read the audit log of what you, the app and plugins did, and add rows to it in its own name.' },
  agents: { title: 'Run agents', description: 'Start agent runs on your projects, as Run agent does. You confirm its first run.' },
  status: { title: 'Show a status item', description: 'Show a short item in the status bar.' },
};

/** The network permission names its hosts, so the consent says where data goes. */
export function networkConsent(hosts: readonly string[]): string {
  if (hosts.length === 0) return 'Names no hosts, so it cannot reach any.';
  const shown = hosts.slice(0, 5).join(', ');
  return `Send data to ${shown}${hosts.length > 5 ? ` and ${hosts.length - 5} more` : ''}.`;
}

export function isPermission(value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value);
}
