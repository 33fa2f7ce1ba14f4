import { useId, useState } from 'react';
import { api } from '../../api.ts';
import type { AppSettings } from '../../stores/settings.ts';
import { useSettings } from '../../stores/settings.ts';
import { Button, Field, SendIcon, errorMessage } from '../../ui/index.ts';

export function NotificationsSection({ settings }: { settings: AppSettings }) {
  const update = useSettings((s) => s.update);
  const headingId = useId();
  const [toggleError, setToggleError] = useState<string | null>(null);
  const [testError, setTestError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);

  const toggle = async (on: boolean) => {
    setToggleError(null);
    try {
      await update({ desktopNotifications: on });
    } catch (e) {
      setToggleError(errorMessage(e));
    }
  };

  const sendTest = async () => {
    setSending(true);
    setTestError(null);
    try {
      await api.invoke('notifications.sendTest', {});
    } catch (e) {
      setTestError(errorMessage(e));
    } finally {
      setSending(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <header className="panel-header">
        <h2 id={headingId}>Notifications</h2>
      </header>
      <div className="panel-body">
        <Field
          inline
          label="Desktop notifications"
          hint="Also show notifications in your system’s notification area. In-app notifications are always on."
          error={toggleError}
        >
          <input type="checkbox" role="switch" className="switch" checked={settings.desktopNotifications} onChange={(e) => void toggle(e.target.checked)} />
        </Field>
        <div className="field field-inline">
          <div className="field-text">
            <div className="field-label">Test notification</div>
            <div className="field-hint">Sends one notification so you can see where it appears.</div>
          </div>
          <div className="field-control field-control-end">
            <Button icon={SendIcon} busy={sending} onClick={sendTest}>
              Send a test notification
            </Button>
            {testError ? <div className="field-error" role="alert">{testError}</div> : null}
          </div>
        </div>
      </div>
    </section>
  );
}
