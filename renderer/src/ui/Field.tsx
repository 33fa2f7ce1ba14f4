import { useId, type ReactElement, type ReactNode } from 'react';
import { cloneElement } from 'react';
import './ui.css';

export interface FieldProps {
  label: string;
  /** One control (input, select…); it gets the id, aria-invalid and aria-describedby. */
  children: ReactElement<Record<string, unknown>>;
  hint?: ReactNode;
  error?: string | null;
  /** Puts the label beside the control instead of above it (switches, short selects). */
  inline?: boolean;
}

/** A labelled form control with its hint and its error message, wired for screen readers. */
export function Field({ label, children, hint, error, inline = false }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : null, error ? errorId : null].filter(Boolean).join(' ') || undefined;
  const control = cloneElement(children, {
    id,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  });
  return (
    <div className={`field${inline ? ' field-inline' : ''}${error ? ' field-has-error' : ''}`}>
      <div className="field-text">
        <label htmlFor={id} className="field-label">{label}</label>
        {hint ? <div id={hintId} className="field-hint">{hint}</div> : null}
      </div>
      <div className="field-control">
        {control}
        {error ? <div id={errorId} className="field-error" role="alert">{error}</div> : null}
      </div>
    </div>
  );
}
