import { create } from 'zustand';
import type { CatalogEntryData } from '../../../../app/catalog.ts';
import type { EventPayload, ResultOf } from '../../../../app/contract/index.ts';
import { api } from '../../api.ts';
import { errorMessage } from '../../ui/index.ts';

export type CatalogViewValue = ResultOf<'marketplace.fetchCatalog'>;
export type InstalledValue = ResultOf<'marketplace.listInstalled'>[number];
export type SourceStatusValue = CatalogViewValue['sources'][number];
export type ProgressValue = EventPayload<'marketplace.progress'>;

export const entryKey = (e: Pick<CatalogEntryData, 'sourceId' | 'id'>) => `${e.sourceId}/${e.id}`;

interface MarketplaceState {
  view: CatalogViewValue | null;
  installed: InstalledValue[];
  loading: boolean;
  loadError: string | null;
  /** Live install/update progress per plugin id. */
  progress: Record<string, ProgressValue>;
  /** The last error of an action, per entry key, shown inline on its card. */
  errors: Record<string, string>;
  load(refresh?: boolean): Promise<void>;
  reloadInstalled(): Promise<void>;
  setError(key: string, message: string | null): void;
}

export const useMarketplace = create<MarketplaceState>((set, get) => ({
  view: null,
  installed: [],
  loading: false,
  loadError: null,
  progress: {},
  errors: {},
  async load(refresh = false) {
    set({ loading: true });
    try {
      // In order: update badges compare against the catalogs this call fetched.
      const view = await api.invoke('marketplace.fetchCatalog', { refresh });
      const installed = await api.invoke('marketplace.listInstalled', {});
      set({ view, installed, loadError: null });
    } catch (err) {
      set({ loadError: errorMessage(err) });
    } finally {
      set({ loading: false });
    }
  },
  async reloadInstalled() {
    try {
      set({ installed: await api.invoke('marketplace.listInstalled', {}) });
    } catch (err) {
      set({ loadError: errorMessage(err) });
    }
  },
  setError(key, message) {
    const errors = { ...get().errors };
    if (message) errors[key] = message;
    else delete errors[key];
    set({ errors });
  },
}));

/** Keeps the store current while the screen is open; returns the unsubscribe. */
export function followMarketplace(): () => void {
  const offProgress = api.on('marketplace.progress', (p) => {
    useMarketplace.setState((s) => ({ progress: { ...s.progress, [p.pluginId]: p } }));
  });
  const offChanged = api.on('marketplace.changed', () => void useMarketplace.getState().load());
  return () => {
    offProgress();
    offChanged();
  };
}
