import { useState, type FormEvent } from 'react';
import { checkSettingValue, type UiSchema, type UiSchemaField } from '../../../../app/manifest.ts';
import { api } from '../../api.ts';
import { Banner, Button, errorMessage, Field, fieldsOf } from '../../ui/index.ts';

type Draft = Record<string, string | boolean>;

/** What the form shows for a stored value: inputs hold text, switches hold booleans. */
function toDraft(field: UiSchemaField, value: unknown): string | boolean {
  if (field.type === 'boolean') return value === true;
  if (field.type === 'array') return Array.isArray(value) ? value.join('\n') : '';
  if (value === undefined || value === null) return '';
  return String(value);
}

/** What main receives: numbers as numbers, a list as one item per non-empty line. */
function fromDraft(field: UiSchemaField, draft: string | boolean): unknown {
  if (field.type === 'boolean') return draft === true;
  const text = String(draft);
  if (field.type === 'number') return text.trim() === '' ? null : Number(text);
  if (field.type === 'array') return text.split('\n').map((line) => line.trim()).filter(Boolean);
  return text;
}

function isChanged(field: UiSchemaField, draft: string | boolean, stored: unknown): boolean {
  return JSON.stringify(fromDraft(field, draft)) !== JSON.stringify(fromDraft(field, toDraft(field, stored)));
}

function optionsOf(field: UiSchemaField): { value: string; label: string }[] {
  return (field.options ?? []).map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
}

function hintOf(field: UiSchemaField): string | undefined {
  const range =
    field.type === 'number' && (field.min !== undefined || field.max !== undefined)
      ? [field.min !== undefined ? `from ${field.min}` : null, field.max !== undefined ? `to ${field.max}` : null].filter(Boolean).join(' ')
      : null;
  const parts = [field.description, range ? `A number ${range}.` : null, field.type === 'array' ? 'One item per line.' : null].filter(Boolean);
  return parts.length ? parts.join(' ') : undefined;
}

/**
 * The plugin's settings, generated from its ui_schema. The same check main
 * runs gives instant feedback here; main's answer is the one that counts and
 * its messages land on the fields they are about.
 */
export function SettingsForm({ pluginId, uiSchema, values, onSaved }: { pluginId: string; uiSchema: UiSchema; values: Record<string, unknown>; onSaved(values: Record<string, unknown>): void }) {
  const initial = (): Draft => Object.fromEntries(uiSchema.map((f) => [f.key, toDraft(f, values[f.key])]));
  const [draft, setDraft] = useState<Draft>(initial);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [failure, setFailure] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  const dirty = uiSchema.some((f) => isChanged(f, draft[f.key]!, values[f.key]));

  const set = (key: string, value: string | boolean) => {
    setDraft((d) => ({ ...d, [key]: value }));
    setSaved(false);
    setErrors(({ [key]: _fixed, ...rest }) => rest);
  };

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setFailure(null);
    // Only what the person changed is sent, so a field left as it was never blocks the others.
    const changed = uiSchema.filter((f) => isChanged(f, draft[f.key]!, values[f.key]));
    const next = Object.fromEntries(changed.map((f) => [f.key, fromDraft(f, draft[f.key]!)]));
    const problems: Record<string, string> = {};
    for (const field of changed) {
      const problem = checkSettingValue(field, next[field.key]);
      if (problem) problems[field.key] = problem;
    }
    setErrors(problems);
    if (Object.keys(problems).length) return;
    setBusy(true);
    try {
      const result = await api.invoke('plugins.updateSettings', { id: pluginId, values: next });
      if (result.saved) {
        setSaved(true);
        onSaved(result.values);
        setDraft(Object.fromEntries(uiSchema.map((f) => [f.key, toDraft(f, result.values[f.key])])));
      } else {
        setErrors(result.errors);
      }
    } catch (error) {
      // A value main refused by its shape comes back worded per field, under `values.<key>`.
      const onFields = Object.fromEntries(Object.entries(fieldsOf(error)).flatMap(([k, v]) => (k.startsWith('values.') ? [[k.slice('values.'.length), v]] : [])));
      if (Object.keys(onFields).length) setErrors(onFields);
      else setFailure(errorMessage(error));
    } finally {
      setBusy(false);
    }
  };

  const control = (field: UiSchemaField) => {
    const value = draft[field.key]!;
    switch (field.type) {
      case 'boolean':
        return <input type="checkbox" role="switch" className="switch" checked={value === true} onChange={(e) => set(field.key, e.target.checked)} />;
      case 'select':
        return (
          <select className="select" value={String(value)} onChange={(e) => set(field.key, e.target.value)}>
            {optionsOf(field).map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        );
      case 'textarea':
      case 'array':
        return <textarea className="input plugin-settings-textarea" rows={field.type === 'array' ? 4 : 5} value={String(value)} onChange={(e) => set(field.key, e.target.value)} />;
      case 'number':
        return <input className="input" inputMode="decimal" value={String(value)} onChange={(e) => set(field.key, e.target.value)} />;
      default:
        return <input className="input" value={String(value)} onChange={(e) => set(field.key, e.target.value)} />;
    }
  };

  return (
    <form className="plugin-settings" onSubmit={(e) => void save(e)} noValidate aria-label="Plugin settings">
      {failure ? <Banner tone="danger" title="The settings were not saved.">{failure}</Banner> : null}
      {uiSchema.map((field) => (
        <Field key={field.key} label={field.label} hint={hintOf(field)} error={errors[field.key] ?? null} inline={field.type === 'boolean'}>
          {control(field)}
        </Field>
      ))}
      <div className="plugin-settings-actions">
        {saved && !dirty ? <span className="plugin-settings-saved" role="status">Saved.</span> : null}
        <Button variant="ghost" disabled={!dirty || busy} onClick={() => { setDraft(initial()); setErrors({}); }}>Discard</Button>
        <Button variant="primary" type="submit" busy={busy} disabled={!dirty}>Save settings</Button>
      </div>
    </form>
  );
}
