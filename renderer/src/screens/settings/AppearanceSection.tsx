import { useId, useState } from 'react';
import type { AppSettings, SettingsPatch } from '../../stores/settings.ts';
import { useSettings } from '../../stores/settings.ts';
import { errorMessage, MonitorIcon, MoonIcon, SunIcon } from '../../ui/index.ts';

const THEMES = [
  { value: 'light', label: 'Light', icon: SunIcon },
  { value: 'dark', label: 'Dark', icon: MoonIcon },
  { value: 'system', label: 'System', icon: MonitorIcon },
] as const;

/** Theme applies the moment it is picked; there is nothing to confirm. */
export function AppearanceSection({ settings }: { settings: AppSettings }) {
  const update = useSettings((s) => s.update);
  const [error, setError] = useState<string | null>(null);
  const labelId = useId();
  const hintId = useId();

  const choose = async (theme: NonNullable<SettingsPatch['theme']>) => {
    setError(null);
    try {
      await update({ theme });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  return (
    <section className="panel" aria-labelledby={`${labelId}-h`}>
      <header className="panel-header">
        <div>
          <h2 id={`${labelId}-h`}>Appearance</h2>
        </div>
      </header>
      <div className="panel-body">
        <div className="field field-inline">
          <div className="field-text">
            <div className="field-label" id={labelId}>Theme</div>
            <div className="field-hint" id={hintId}>System follows your operating system’s light or dark mode.</div>
          </div>
          <div className="field-control">
            <div className="segmented" role="radiogroup" aria-labelledby={labelId} aria-describedby={hintId}>
              {THEMES.map(({ value, label, icon: Icon }) => (
                <label key={value}>
                  <input type="radio" name="theme" value={value} checked={settings.theme === value} onChange={() => void choose(value)} />
                  <Icon size={14} />
                  {label}
                </label>
              ))}
            </div>
            {error ? <div className="field-error" role="alert">{error}</div> : null}
          </div>
        </div>
      </div>
    </section>
  );
}
