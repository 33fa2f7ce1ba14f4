import { AuditScreen } from './audit/AuditScreen.tsx';
import { SettingsScreen } from './settings/SettingsScreen.tsx';
import { PluginsScreen } from './plugins/PluginsScreen.tsx';
import { TasksScreen } from './tasks/TasksScreen.tsx';
import { SessionsScreen } from './sessions/SessionsScreen.tsx';
import { MetricsScreen } from './metrics/MetricsScreen.tsx';
import { MarketplaceScreen } from './marketplace/MarketplaceScreen.tsx';
import { AuditIcon, MetricsIcon, PuzzleIcon, StoreIcon, SessionsIcon, SettingsIcon, TasksIcon } from '../ui/icons.tsx';
import type { ScreenDefinition } from './types.ts';

/**
 * The left navigation, in order. Add one line per screen; open one from
 * anywhere with `navigate(id, params)` from stores/navigation.ts.
 */
export const screens: ScreenDefinition[] = [
  { id: 'settings', title: 'Settings', icon: SettingsIcon, component: SettingsScreen },
  { id: 'sessions', title: 'Sessions', icon: SessionsIcon, component: SessionsScreen },
  { id: 'metrics', title: 'Metrics', icon: MetricsIcon, component: MetricsScreen },
  { id: 'tasks', title: 'Tasks', icon: TasksIcon, component: TasksScreen },
  { id: 'plugins', title: 'Plugins', icon: PuzzleIcon, component: PluginsScreen },
  { id: 'marketplace', title: 'Marketplace', icon: StoreIcon, component: MarketplaceScreen },
  { id: 'audit', title: 'Audit log', icon: AuditIcon, component: AuditScreen },
];
