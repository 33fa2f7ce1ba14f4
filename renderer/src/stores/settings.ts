import { create } from 'zustand';
import type { Static } from '@sinclair/typebox';
import type { EditableSettings, Settings } from '../../../app/contract/settings.ts';
import { api } from '../api.ts';
import { applyTheme } from '../theme/theme.ts';

export type AppSettings = Static<typeof Settings>;
export type SettingsPatch = Partial<Static<typeof EditableSettings>>;

interface SettingsState {
  settings: AppSettings | null;
  loadError: string | null;
  load(): Promise<void>;
  /** Sends the change to main; resolves with main's answer, rejects with its message if refused. */
  update(patch: SettingsPatch): Promise<AppSettings>;
}

export const useSettings = create<SettingsState>((set) => ({
  settings: null,
  loadError: null,
  load: async () => {
    try {
      const settings = await api.invoke('settings.get', {});
      applyTheme(settings.theme);
      set({ settings, loadError: null });
    } catch (error) {
      set({ loadError: error instanceof Error ? error.message : String(error) });
    }
  },
  update: async (patch) => {
    const settings = await api.invoke('settings.update', patch);
    applyTheme(settings.theme);
    set({ settings });
    return settings;
  },
}));

/** Every window follows a change made in any window (main pushes `settings.changed`). */
export function followSettingsChanges(): () => void {
  return api.on('settings.changed', (settings) => {
    applyTheme(settings.theme);
    useSettings.setState({ settings });
  });
}
