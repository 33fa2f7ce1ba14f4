import { useRef, useState, type FormEvent } from 'react';
import type { PanelBlockValue } from '../../../../app/contract/plugins.ts';
import { api } from '../../api.ts';
import { Badge, Banner, Button, errorMessage, Field, SafeText, safeString } from '../../ui/index.ts';
import { fieldProblem, initialValue, plainValue, type FormBlock, type FormField, type Value } from './panelValues.ts';
import './interactive.css';

type ActionsBlock = Extract<PanelBlockValue, { type: 'actions' }>;
type ListBlock = Extract<PanelBlockValue, { type: 'list' }>;
type ButtonTone = NonNullable<ActionsBlock['buttons'][number]['tone']>;

const VARIANT: Record<ButtonTone, 'primary' | 'danger' | 'secondary'> = { primary: 'primary', danger: 'danger', default: 'secondary' };

/**
 * Sends what the user did on a panel to the plugin's handler. `pending` names
 * the button (or form) waiting for its answer; a failed handler's message is
 * kept for the block it came from.
 */
function usePanelAction(pluginId: string, blockId: string) {
  const [pending, setPending] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  /** `pendingKey` tells apart the same button on different list items. */
  const run = async (actionId: string | null, values: Record<string, Value>, pendingKey = actionId ?? blockId): Promise<boolean> => {
    setPending(pendingKey);
    setError(null);
    try {
      const result = await api.invoke('plugins.panelAction', { id: pluginId, blockId, ...(actionId ? { actionId } : {}), values });
      if (!result.ok) setError(result.error);
      return result.ok;
    } catch (err) {
      setError(errorMessage(err));
      return false;
    } finally {
      setPending(null);
    }
  };
  return { pending, error, run };
}

/** `wiring`: the id, aria-invalid and aria-describedby Field gives its control. */
function FieldControl({ field, value, onChange, ...wiring }: { field: FormField; value: Value; onChange(value: Value): void; id?: string; 'aria-invalid'?: boolean; 'aria-describedby'?: string }) {
  switch (field.type) {
    case 'select':
      return (
        <select {...wiring} className="select" value={String(value)} onChange={(e) => onChange(e.target.value)} required={field.required}>
          {(field.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {safeString(o.label)}
            </option>
          ))}
        </select>
      );
    case 'textarea':
      return <textarea {...wiring} className="input plugin-settings-textarea" rows={4} value={String(value)} placeholder={field.placeholder ? safeString(field.placeholder) : undefined} required={field.required} onChange={(e) => onChange(e.target.value)} />;
    case 'number':
      return (
        <input {...wiring} className="input" type="number" inputMode="decimal" value={String(value)} min={field.min} max={field.max} placeholder={field.placeholder ? safeString(field.placeholder) : undefined} required={field.required} onChange={(e) => onChange(e.target.value)} />
      );
    default:
      return <input {...wiring} className="input" value={String(value)} placeholder={field.placeholder ? safeString(field.placeholder) : undefined} required={field.required} onChange={(e) => onChange(e.target.value)} />;
  }
}

const initialValues = (block: FormBlock): Record<string, Value> => Object.fromEntries(block.fields.map((f) => [f.key, initialValue(f)]));

/**
 * A plugin's form: the app draws the controls; Submit sends plain values to
 * the plugin's handler. Once the handler took them, the form shows the
 * values the plugin gives it again (its redraw, if it made one).
 */
export function PanelForm({ pluginId, block }: { pluginId: string; block: FormBlock }) {
  const [values, setValues] = useState<Record<string, Value>>(() => initialValues(block));
  const latest = useRef(block);
  latest.current = block;
  const [problems, setProblems] = useState<Record<string, string>>({});
  const { pending, error, run } = usePanelAction(pluginId, block.id);
  const title = block.title ? safeString(block.title) : 'Plugin form';

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const found = Object.fromEntries(block.fields.map((f) => [f.key, fieldProblem(f, values[f.key]!)]).filter(([, p]) => p !== null)) as Record<string, string>;
    setProblems(found);
    if (Object.keys(found).length) return;
    if (await run(null, Object.fromEntries(block.fields.map((f) => [f.key, plainValue(f, values[f.key]!)])))) setValues(initialValues(latest.current));
  };

  return (
    <form className="plugin-panel-form" aria-label={title} aria-busy={pending !== null || undefined} noValidate onSubmit={(e) => void submit(e)}>
      {block.title ? <h4 className="plugin-panel-block-title"><SafeText text={block.title} /></h4> : null}
      {error ? (
        <div className="banner banner-danger plugin-panel-form-error" role="alert">
          <div className="banner-text">
            <strong>The plugin could not take this.</strong>
            <div><SafeText text={error} /></div>
          </div>
        </div>
      ) : null}
      {block.fields.map((field) => {
        const change = (value: Value) => {
          setValues((v) => ({ ...v, [field.key]: value }));
          setProblems(({ [field.key]: _fixed, ...rest }) => rest);
        };
        // A checkbox sits before its own words, as people expect; the other controls go under their label.
        return field.type === 'checkbox' ? (
          <div key={field.key} className="plugin-panel-check">
            <label>
              <input type="checkbox" checked={values[field.key] === true} onChange={(e) => change(e.target.checked)} />
              {safeString(field.label)}
            </label>
            {field.help ? <div className="field-hint"><SafeText text={field.help} /></div> : null}
          </div>
        ) : (
          <Field key={field.key} label={safeString(field.label)} hint={field.help ? <SafeText text={field.help} /> : undefined} error={problems[field.key] ?? null}>
            <FieldControl field={field} value={values[field.key]!} onChange={change} />
          </Field>
        );
      })}
      <div className="plugin-panel-form-actions">
        <Button variant="primary" type="submit" busy={pending !== null}>
          {block.submitLabel ? safeString(block.submitLabel) : 'Submit'}
        </Button>
      </div>
    </form>
  );
}

/** A row of the plugin's buttons. */
export function PanelActions({ pluginId, block }: { pluginId: string; block: ActionsBlock }) {
  const { pending, error, run } = usePanelAction(pluginId, block.id);
  return (
    <div className="plugin-panel-actions-block">
      <div className="plugin-panel-buttons" role="group" aria-label="Plugin actions">
        {block.buttons.map((b) => (
          <Button key={b.id} variant={VARIANT[b.tone ?? 'default']} busy={pending === b.id} disabled={pending !== null} onClick={() => void run(b.id, {})}>
            {safeString(b.label)}
          </Button>
        ))}
      </div>
      {error ? <Banner tone="danger"><SafeText text={error} /></Banner> : null}
    </div>
  );
}

/**
 * The plugin's list: a title, subtitle and badge per item, and its buttons;
 * `empty` says why there is nothing. An item's button calls the list's
 * handler with the button's id and `{ item: <item id> }`.
 */
export function PanelList({ pluginId, block }: { pluginId: string; block: ListBlock }) {
  const { pending, error, run } = usePanelAction(pluginId, block.id);
  const label = block.title ? safeString(block.title) : 'Plugin list';
  return (
    <div className="plugin-panel-list-block">
      {block.title ? <h4 className="plugin-panel-block-title"><SafeText text={block.title} /></h4> : null}
      {error ? <Banner tone="danger"><SafeText text={error} /></Banner> : null}
      {block.items.length === 0 ? (
        <p className="plugin-panel-empty">{block.empty ? <SafeText text={block.empty} /> : 'Nothing here yet.'}</p>
      ) : (
        <ul className="plugin-panel-list" aria-label={label}>
          {block.items.map((item) => (
            <li key={item.id} aria-label={safeString(item.title)}>
              <div className="plugin-panel-list-text">
                <span className="plugin-panel-list-title">
                  <SafeText as="strong" text={item.title} truncate />
                  {item.badge ? <Badge><SafeText text={item.badge} /></Badge> : null}
                </span>
                {item.subtitle ? <span className="plugin-panel-list-subtitle"><SafeText text={item.subtitle} /></span> : null}
              </div>
              {item.actions?.length ? (
                <span className="plugin-panel-buttons">
                  {item.actions.map((a) => (
                    <Button key={a.id} size="sm" variant={VARIANT[a.tone ?? 'default']} busy={pending === `${item.id}:${a.id}`} disabled={pending !== null} onClick={() => void run(a.id, { item: item.id }, `${item.id}:${a.id}`)}>
                      {safeString(a.label)}
                    </Button>
                  ))}
                </span>
              ) : null}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
