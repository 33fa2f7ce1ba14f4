import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { EditableSettings } from '../../../../app/contract/settings.ts';
import type { AppSettings } from '../../stores/settings.ts';
import { useSettings } from '../../stores/settings.ts';
import { Banner, Button, CheckIcon, Field, errorMessage } from '../../ui/index.ts';

interface Bounds {
  minimum: number;
  maximum: number;
}

/** The limits come from the contract, the same schema main validates against. */
const REFRESH = EditableSettings.properties.catalogRefreshMinutes as unknown as Bounds;
const RETENTION = EditableSettings.properties.auditRetentionDays as unknown as Bounds;

function wholeNumberProblem(text: string, { minimum, maximum }: Bounds, what: string, unit: string): string | null {
  const trimmed = text.trim();
  if (trimmed === '') return `Enter ${what} in ${unit}.`;
  if (!/^\d+$/.test(trimmed)) return `${capitalise(what)} must be a whole number of ${unit}.`;
  const value = Number(trimmed);
  if (value < minimum || value > maximum) return `${capitalise(what)} must be between ${minimum} and ${maximum} ${unit}.`;
  return null;
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * Number settings are edited as text and saved together, so a half-typed
 * value is never sent. Main checks again and its refusal is shown as is.
 */
export function GeneralSection({ settings }: { settings: AppSettings }) {
  const update = useSettings((s) => s.update);
  const headingId = useId();
  const [refresh, setRefresh] = useState(String(settings.catalogRefreshMinutes));
  const [retention, setRetention] = useState(String(settings.auditRetentionDays));
  const [showErrors, setShowErrors] = useState(false);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);

  const dirty = refresh.trim() !== String(settings.catalogRefreshMinutes) || retention.trim() !== String(settings.auditRetentionDays);
  // Values from main the fields last showed. When another window saves, a field still showing
  // the old value takes the new one; a field the user is editing keeps what they typed.
  const shown = useRef({ refresh: settings.catalogRefreshMinutes, retention: settings.auditRetentionDays });
  useEffect(() => {
    const before = shown.current;
    setRefresh((text) => (text.trim() === String(before.refresh) ? String(settings.catalogRefreshMinutes) : text));
    setRetention((text) => (text.trim() === String(before.retention) ? String(settings.auditRetentionDays) : text));
    shown.current = { refresh: settings.catalogRefreshMinutes, retention: settings.auditRetentionDays };
  }, [settings.catalogRefreshMinutes, settings.auditRetentionDays]);

  const refreshError = wholeNumberProblem(refresh, REFRESH, 'catalog refresh interval', 'minutes');
  const retentionError = wholeNumberProblem(retention, RETENTION, 'audit retention', 'days');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShowErrors(true);
    setSaved(false);
    setServerError(null);
    if (refreshError || retentionError) return;
    setSaving(true);
    try {
      await update({ catalogRefreshMinutes: Number(refresh.trim()), auditRetentionDays: Number(retention.trim()) });
      setShowErrors(false);
      setSaved(true);
    } catch (e) {
      setServerError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    setRefresh(String(settings.catalogRefreshMinutes));
    setRetention(String(settings.auditRetentionDays));
    setShowErrors(false);
    setServerError(null);
  };

  return (
    <section className="panel" aria-labelledby={headingId}>
      <header className="panel-header">
        <h2 id={headingId}>General</h2>
      </header>
      <form className="panel-body" onSubmit={submit} noValidate>
        <Field
          inline
          label="Catalog refresh interval"
          hint={`How often the plugin marketplace is checked for updates, in minutes (${REFRESH.minimum}–${REFRESH.maximum}).`}
          error={showErrors ? refreshError : null}
        >
          <input className="input" inputMode="numeric" value={refresh} onChange={(e) => { setRefresh(e.target.value); setSaved(false); }} />
        </Field>
        <Field
          inline
          label="Audit log retention"
          hint={`Days to keep audit entries; older ones are removed at start-up (${RETENTION.minimum}–${RETENTION.maximum}).`}
          error={showErrors ? retentionError : null}
        >
          <input className="input" inputMode="numeric" value={retention} onChange={(e) => { setRetention(e.target.value); setSaved(false); }} />
        </Field>
        <Field inline label="Data folder" hint="Where Switchboard keeps its database, logs and plugins. Set by the system; read-only.">
          <input className="input mono" readOnly value={settings.dataFolder} title={settings.dataFolder} />
        </Field>
        {serverError ? (
          <Banner tone="danger" title="Switchboard did not save these settings">
            {serverError}
          </Banner>
        ) : null}
        <div className="form-actions">
          {saved && !dirty ? (
            <span className="saved-note" role="status">
              <CheckIcon size={14} /> Saved
            </span>
          ) : null}
          <Button onClick={discard} disabled={!dirty || saving}>
            Discard
          </Button>
          <Button type="submit" variant="primary" disabled={!dirty} busy={saving}>
            Save changes
          </Button>
        </div>
      </form>
    </section>
  );
}
