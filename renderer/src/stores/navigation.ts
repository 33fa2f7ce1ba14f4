import { create } from 'zustand';

/** Extra context a screen can be opened with, e.g. `{ pluginId: 'acme.lint' }`. */
export type ScreenParams = Readonly<Record<string, string>>;

interface NavigationState {
  screen: string;
  params: ScreenParams;
  /** Opens a screen by its id in renderer/src/screens/index.ts, optionally with params. */
  navigate(screen: string, params?: ScreenParams): void;
}

export const INITIAL_SCREEN = 'settings';

export const useNavigation = create<NavigationState>((set) => ({
  screen: INITIAL_SCREEN,
  params: {},
  navigate: (screen, params = {}) => set({ screen, params }),
}));

/** For code outside React (command palette actions, links built in handlers). */
export const navigate = (screen: string, params?: ScreenParams): void => useNavigation.getState().navigate(screen, params);
