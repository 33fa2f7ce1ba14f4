import type { Static } from '@sinclair/typebox';
import type { Theme } from '../../../app/contract/settings.ts';
import './theme.css';
import './highlight.css';

export type ThemeSetting = Static<typeof Theme>;
export type ResolvedTheme = 'light' | 'dark';

const DARK_QUERY = '(prefers-color-scheme: dark)';

export function resolveTheme(setting: ThemeSetting): ResolvedTheme {
  if (setting === 'system') return window.matchMedia(DARK_QUERY).matches ? 'dark' : 'light';
  return setting;
}

let stopFollowingSystem: (() => void) | null = null;

/**
 * Puts the theme on <html> (data-theme drives the CSS variables). For
 * "system" it also follows the OS when the user switches it while the app runs.
 */
export function applyTheme(setting: ThemeSetting): void {
  stopFollowingSystem?.();
  stopFollowingSystem = null;
  const root = document.documentElement;
  root.dataset.themeSetting = setting;
  root.dataset.theme = resolveTheme(setting);
  if (setting === 'system') {
    const query = window.matchMedia(DARK_QUERY);
    const follow = () => {
      root.dataset.theme = query.matches ? 'dark' : 'light';
    };
    query.addEventListener('change', follow);
    stopFollowingSystem = () => query.removeEventListener('change', follow);
  }
}
