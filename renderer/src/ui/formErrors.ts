import { useCallback, useMemo, useState } from 'react';
import { summarizeFields } from '../../../app/contract/fields.ts';
import { errorMessage } from './format.ts';

export interface FormErrors {
  /** The message for one field (its key in the call's argument: "name", "auditRetentionDays"), or null. */
  field(name: string): string | null;
  /** What belongs to no field of this form: shown once above or below it. */
  form: string | null;
  /** Takes a refusal from `api.invoke`: each field's words go to that field, the rest to `form`. */
  fail(error: unknown): void;
  clear(): void;
}

interface Shown {
  fields: Record<string, string>;
  form: string | null;
}

const NONE: Shown = { fields: {}, form: null };

/** The field messages main sends with `invalid_argument` (see app/contract/fields.ts). */
export function fieldsOf(error: unknown): Record<string, string> {
  const fields = (error as { fields?: unknown } | null)?.fields;
  return fields && typeof fields === 'object' ? (fields as Record<string, string>) : {};
}

/**
 * Every form's errors, one way: main words each refused field, the form
 * shows the words on that field, and only what the form has no field for
 * lands in the form's banner.
 */
export function useFormErrors(known: readonly string[]): FormErrors {
  const [shown, setShown] = useState<Shown>(NONE);
  const key = known.join('\n');
  const fail = useCallback(
    (error: unknown) => {
      const names = new Set(key.split('\n'));
      const fields = fieldsOf(error);
      const mine = Object.fromEntries(Object.entries(fields).filter(([name]) => names.has(name)));
      const rest = Object.fromEntries(Object.entries(fields).filter(([name]) => !names.has(name)));
      const form = Object.keys(fields).length === 0 ? errorMessage(error) : Object.keys(rest).length ? summarizeFields(rest) : null;
      setShown({ fields: mine, form });
    },
    [key],
  );
  const clear = useCallback(() => setShown(NONE), []);
  return useMemo(() => ({ field: (name: string) => shown.fields[name] ?? null, form: shown.form, fail, clear }), [shown, fail, clear]);
}
