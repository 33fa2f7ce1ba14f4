import { useEffect } from 'react';
import { Shell } from './shell/Shell.tsx';
import { followSettingsChanges, useSettings } from './stores/settings.ts';

export function App() {
  const load = useSettings((s) => s.load);
  useEffect(() => {
    void load();
    return followSettingsChanges();
  }, [load]);
  return <Shell />;
}
