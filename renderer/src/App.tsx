import { useEffect, useState } from 'react';
import { api } from './api.ts';

export function App() {
  const [theme, setTheme] = useState<string>('');
  useEffect(() => {
    void api.invoke('settings.get', {}).then((s) => setTheme(s.theme));
  }, []);
  return (
    <main>
      <h1>Settings</h1>
      <p>Theme: {theme}</p>
    </main>
  );
}
