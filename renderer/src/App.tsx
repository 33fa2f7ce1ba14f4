import { useEffect } from 'react';
import { Shell } from './shell/Shell.tsx';
import { Startup } from './startup/Startup.tsx';
import { followSettingsChanges, useSettings } from './stores/settings.ts';

/** The app once main reports its services ready: settings (and so the theme) first, then the shell. */
function ReadyApp() {
  const load = useSettings((s) => s.load);
  useEffect(() => {
    void load();
    return followSettingsChanges();
  }, [load]);
  return <Shell />;
}

export function App() {
  return (
    <Startup>
      <ReadyApp />
    </Startup>
  );
}
