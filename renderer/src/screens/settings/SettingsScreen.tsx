import { useEffect } from 'react';
import { useSettings } from '../../stores/settings.ts';
import type { ScreenProps } from '../types.ts';
import { Spinner } from '../../ui/Button.tsx';

export function SettingsScreen(_props: ScreenProps) {
  const { settings, load } = useSettings();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className="screen">
      <header className="screen-header">
        <h1>Settings</h1>
      </header>
      {settings ? <p>Theme: {settings.theme}</p> : <Spinner label="Loading settings" />}
    </div>
  );
}
