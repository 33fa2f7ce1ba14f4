import { useEffect, useId, useState } from 'react';
import type { AppSettings, SettingsPatch } from '../../stores/settings.ts';
import { useSettings } from '../../stores/settings.ts';
import { followUpdates, useUpdates, type UpdateStatusValue } from '../../stores/updates.ts';
import { Banner, Button, errorMessage, formatRelative, Spinner } from '../../ui/index.ts';

const MODES = [
  { value: 'on', label: 'On' },
  { value: 'ask', label: 'Ask' },
  { value: 'off', label: 'Off' },
] as const;

const MODE_HINT: Record<AppSettings['updateChecks'], string> = {
  on: 'Checks every few hours and downloads a new version by itself. It installs only when you restart.',
  ask: 'Checks every few hours and asks before downloading.',
  off: 'Never checks by itself. "Check for updates" in the command palette still works.',
};

const megabytes = (bytes: number | null): string => (bytes === null ? '?' : `${(bytes / 1_000_000).toFixed(1)} MB`);

function UpdateState({ status, act }: { status: UpdateStatusValue; act: (run: () => Promise<unknown>) => Promise<void> }) {
  const { check, download, install } = useUpdates.getState();
  switch (status.state) {
    case 'unsupported':
      return <p className="field-hint">{status.message}</p>;
    case 'checking':
      return (
        <p className="update-line" role="status">
          <Spinner /> Checking for updates…
        </p>
      );
    case 'available':
      return (
        <div className="update-line">
          <span>Switchboard {status.version} is available (you have {status.currentVersion}).</span>
          <Button size="sm" variant="primary" onClick={() => void act(download)}>
            Download
          </Button>
        </div>
      );
    case 'downloading':
      return (
        <div className="update-line">
          <progress max={100} value={status.percent ?? 0} aria-label={`Downloading Switchboard ${status.version}`} />
          <span>
            {megabytes(status.transferredBytes)} of {megabytes(status.totalBytes)}
          </span>
        </div>
      );
    case 'downloaded':
      return (
        <div className="update-line">
          <span>
            Switchboard {status.version} is downloaded and verified.{' '}
            {status.installOnQuit ? 'It installs when you quit Switchboard.' : 'It installs when you restart.'}
          </span>
          <Button size="sm" variant="primary" onClick={() => void act(() => install('now'))}>
            Restart and install
          </Button>
          {status.installOnQuit ? null : (
            <Button size="sm" onClick={() => void act(() => install('on-quit'))}>
              Install when I quit
            </Button>
          )}
        </div>
      );
    case 'error':
      return (
        <Banner tone="danger" title="The update did not go through" action={<Button size="sm" onClick={() => void act(check)}>Try again</Button>}>
          {status.message}
        </Banner>
      );
    default:
      return (
        <div className="update-line">
          <span>
            {status.state === 'not-available' ? `Switchboard ${status.currentVersion} is up to date` : `Switchboard ${status.currentVersion}`}
            {status.checkedAt ? ` (checked ${formatRelative(status.checkedAt)}).` : '.'}
          </span>
          <Button size="sm" onClick={() => void act(check)}>
            Check now
          </Button>
        </div>
      );
  }
}

/** The update setting applies at once; the status follows main's updates.changed events. */
export function UpdatesSection({ settings }: { settings: AppSettings }) {
  const update = useSettings((s) => s.update);
  const { status, load } = useUpdates();
  const [error, setError] = useState<string | null>(null);
  const labelId = useId();
  const hintId = useId();
  useEffect(() => {
    void load().catch((e: unknown) => setError(errorMessage(e)));
    return followUpdates();
  }, [load]);

  const act = async (run: () => Promise<unknown>) => {
    setError(null);
    try {
      await run();
    } catch (e) {
      setError(errorMessage(e));
    }
  };
  const choose = (updateChecks: NonNullable<SettingsPatch['updateChecks']>) => act(() => update({ updateChecks }));

  return (
    <section className="panel" aria-labelledby={`${labelId}-h`}>
      <header className="panel-header">
        <div>
          <h2 id={`${labelId}-h`}>Updates</h2>
        </div>
      </header>
      <div className="panel-body">
        <div className="field field-inline">
          <div className="field-text">
            <div className="field-label" id={labelId}>Check for updates</div>
            <div className="field-hint" id={hintId}>{MODE_HINT[settings.updateChecks]}</div>
          </div>
          <div className="field-control">
            <div className="segmented" role="radiogroup" aria-labelledby={labelId} aria-describedby={hintId}>
              {MODES.map(({ value, label }) => (
                <label key={value}>
                  <input type="radio" name="updateChecks" value={value} checked={settings.updateChecks === value} onChange={() => void choose(value)} />
                  {label}
                </label>
              ))}
            </div>
          </div>
        </div>
        {status ? <UpdateState status={status} act={act} /> : null}
        {error ? <div className="field-error" role="alert">{error}</div> : null}
      </div>
    </section>
  );
}
