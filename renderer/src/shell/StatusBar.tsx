import { useEffect, useId, useState } from 'react';
import type { Static } from '@sinclair/typebox';
import type { StatusEntry } from '../../../app/contract/plugins.ts';
import { api } from '../api.ts';
import { navigate } from '../stores/navigation.ts';
import { SafeText, safeString } from '../ui/index.ts';
import './status-bar.css';

type Item = Static<typeof StatusEntry>;

function StatusItem({ item }: { item: Item }) {
  const tipId = useId();
  const tip = item.tooltip ? `${item.pluginName}: ${item.tooltip}` : item.pluginName;
  return (
    <li className="statusbar-entry">
      <button type="button" className="statusbar-item" aria-describedby={tipId} onClick={() => navigate('plugins', { pluginId: item.pluginId })}>
        <SafeText text={item.text} truncate={false} />
      </button>
      <span className="statusbar-tip" role="tooltip" id={tipId}>
        {safeString(tip)}
      </span>
    </li>
  );
}

/**
 * The bottom bar: each running plugin's short status item (agor.ui.setStatus),
 * its tooltip and plugin name on hover and keyboard focus; a click opens the
 * plugin's page. With no items there is no bar.
 */
export function StatusBar() {
  const [items, setItems] = useState<Item[]>([]);
  useEffect(() => {
    let current = true;
    const load = () =>
      api.invoke('plugins.statusItems', {}).then(
        ({ items: next }) => current && setItems(next),
        // Until main answers there is nothing to show; the next plugins.status event fills the bar.
        () => undefined,
      );
    const stops = [
      api.on('plugins.status', (event) => setItems(event.items)),
      // Main lists only running plugins' items: an item set while its plugin was starting shows once it runs.
      api.on('plugins.changed', () => void load()),
    ];
    void load();
    return () => {
      current = false;
      stops.forEach((stop) => stop());
    };
  }, []);
  if (items.length === 0) return null;
  return (
    <footer className="statusbar" aria-label="Status bar">
      <ul>
        {items.map((item) => <StatusItem key={item.pluginId} item={item} />)}
      </ul>
    </footer>
  );
}
