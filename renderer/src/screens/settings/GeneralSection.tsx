import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { EditableSettings } from '../../../../app/contract/settings.ts';
import type { AppSettings } from '../../stores/settings.ts';
import { useSettings } from '../../stores/settings.ts';
import { Banner, Button, CheckIcon, Field, typedNumber, useFormErrors } from '../../ui/index.ts';

const GENERAL_FIELDS = ['catalogRefreshMinutes', 'auditRetentionDays'];

interface Bounds {
  minimum: number;
  maximum: number;
}

/** The limits come from the contract, the same schema main validates against. */
const REFRESH = EditableSettings.properties.catalogRefreshMinutes as unknown as Bounds;
const RETENTION = EditableSettings.properties.auditRetentionDays as unknown as Bounds;

/**
 * Number settings are edited as text and saved together, so a half-typed
 * value is never sent. Main judges them and words each refused field.
 */
export function GeneralSection({ settings }: { settings: AppSettings }) {
  const update = useSettings((s) => s.update);
  const headingId = useId();
  const [refresh, setRefresh] = useState(String(settings.catalogRefreshMinutes));
  const [retention, setRetention] = useState(String(settings.auditRetentionDays));
  const errors = useFormErrors(GENERAL_FIELDS);
  const [saving, setSaving] = useState(false);
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

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    errors.clear();
    setSaving(true);
    try {
      await update({ catalogRefreshMinutes: typedNumber(refresh), auditRetentionDays: typedNumber(retention) });
      setSaved(true);
    } catch (e) {
      errors.fail(e);
    } finally {
      setSaving(false);
    }
  };

  const discard = () => {
    setRefresh(String(settings.catalogRefreshMinutes));
    setRetention(String(settings.auditRetentionDays));
    errors.clear();
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
          error={errors.field('catalogRefreshMinutes')}
        >
          <input className="input" inputMode="numeric" value={refresh} onChange={(e) => { setRefresh(e.target.value); setSaved(false); }} />
        </Field>
        <Field
          inline
          label="Audit log retention"
          hint={`Days to keep audit entries; older ones are removed at start-up (${RETENTION.minimum}–${RETENTION.maximum}).`}
          error={errors.field('auditRetentionDays')}
        >
          <input className="input" inputMode="numeric" value={retention} onChange={(e) => { setRetention(e.target.value); setSaved(false); }} />
        </Field>
        <Field inline label="Data folder" hint="Where Switchboard keeps its database, logs and plugins. Set by the system; read-only.">
          <input className="input mono" readOnly value={settings.dataFolder} title={settings.dataFolder} />
        </Field>
        {errors.form ? (
          <Banner tone="danger" title="Switchboard did not save these settings">
            {errors.form}
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
