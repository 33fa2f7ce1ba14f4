import { useEffect, useRef, useState } from 'react';
import { create } from 'zustand';
import { PLUGIN_LOG_LIMIT, type PluginDetailValue, type PluginLogLineValue, type PluginSummaryValue } from '../../../../app/contract/plugins.ts';
import { api } from '../../api.ts';
import { errorMessage } from '../../ui/index.ts';

interface PluginListState {
  plugins: PluginSummaryValue[];
  /** Plugin id → the newer version its catalog offers, from the marketplace. */
  updates: Record<string, string>;
  loaded: boolean;
  loadError: string | null;
  load(): Promise<void>;
  loadUpdates(): Promise<void>;
}

export const usePluginList = create<PluginListState>((set) => ({
  plugins: [],
  updates: {},
  loaded: false,
  loadError: null,
  load: async () => {
    try {
      const { plugins } = await api.invoke('plugins.list', {});
      set({ plugins, loaded: true, loadError: null });
    } catch (error) {
      set({ loaded: true, loadError: errorMessage(error) });
    }
  },
  // The runtime does not know about catalogs; the marketplace does. Without it the list still works, just without badges.
  loadUpdates: async () => {
    try {
      const installed = await api.invoke('marketplace.listInstalled', {});
      set({ updates: Object.fromEntries(installed.filter((p) => p.hasUpdate && p.latestVersion).map((p) => [p.id, p.latestVersion!])) });
    } catch {
      set({ updates: {} });
    }
  },
}));

/** Keeps the installed list current: one plugin's summary at a time, as main pushes it. */
export function followPluginList(): () => void {
  void usePluginList.getState().load();
  void usePluginList.getState().loadUpdates();
  const stopMarketplace = api.on('marketplace.changed', () => void usePluginList.getState().loadUpdates());
  const stopPlugins = api.on('plugins.changed', ({ id, plugin }) => {
    const { plugins } = usePluginList.getState();
    if (!plugin) {
      usePluginList.setState({ plugins: plugins.filter((p) => p.id !== id) });
    } else if (plugins.some((p) => p.id === id)) {
      usePluginList.setState({ plugins: plugins.map((p) => (p.id === id ? plugin : p)) });
    } else {
      void usePluginList.getState().load();
    }
  });
  return () => {
    stopMarketplace();
    stopPlugins();
  };
}

export interface PluginPageState {
  detail: PluginDetailValue | null;
  /** The last PLUGIN_LOG_LIMIT lines, oldest first. */
  logs: PluginLogLineValue[];
  error: string | null;
  gone: boolean;
  reload(): Promise<void>;
}

/** One plugin's page: its detail once, then its summary, log lines and panel as they are pushed. */
export function usePluginPage(id: string): PluginPageState {
  const [detail, setDetail] = useState<PluginDetailValue | null>(null);
  const [logs, setLogs] = useState<PluginLogLineValue[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [gone, setGone] = useState(false);
  const lastState = useRef<string | null>(null);
  const lastRestarts = useRef(0);

  const reload = async () => {
    try {
      const next = await api.invoke('plugins.get', { id });
      lastState.current = next.state;
      lastRestarts.current = next.restarts;
      setDetail(next);
      setLogs(next.logs.slice(-PLUGIN_LOG_LIMIT));
      setError(null);
    } catch (err) {
      setError(errorMessage(err));
    }
  };

  useEffect(() => {
    setDetail(null);
    setLogs([]);
    setGone(false);
    void reload();
    const stops = [
      api.on('plugins.changed', (event) => {
        if (event.id !== id) return;
        if (!event.plugin) {
          setGone(true);
          return;
        }
        const summary = event.plugin;
        setDetail((d) => (d ? { ...d, ...summary } : d));
        // Crashes, kills and restarts add incidents and settings may change with a reload: fetch the rest too.
        if (summary.state !== lastState.current || summary.restarts !== lastRestarts.current) void reload();
        lastState.current = summary.state;
        lastRestarts.current = summary.restarts;
      }),
      api.on('plugins.log', (event) => {
        if (event.id === id) setLogs((lines) => [...lines.slice(-(PLUGIN_LOG_LIMIT - 1)), event.line]);
      }),
      api.on('plugins.panel', (event) => {
        if (event.id === id) setDetail((d) => (d ? { ...d, panel: event.panel } : d));
      }),
    ];
    return () => stops.forEach((stop) => stop());
    // `reload` is recreated each render; the subscription belongs to the plugin id alone.
  }, [id]);

  return { detail, logs, error, gone, reload };
}
