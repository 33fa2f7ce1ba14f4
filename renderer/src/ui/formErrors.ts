import { useCallback, useMemo, useState } from 'react';
import { summarizeFields } from '../../../app/contract/fields.ts';
import { errorMessage } from './format.ts';

export interface FormErrors {
  /**
   * The message for one field (its key in the call's argument: "name", "auditRetentionDays"), or null.
   * A field also shows what was refused inside it: "permissions.allowedTools" shows "permissions.allowedTools.3".
   */
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
      const names = key.split('\n');
      const owner = (field: string) => names.find((name) => field === name || field.startsWith(`${name}.`));
      const fields = fieldsOf(error);
      const mine: Record<string, string> = {};
      const rest: Record<string, string> = {};
      for (const [field, message] of Object.entries(fields)) {
        const name = owner(field);
        if (name === undefined) rest[field] = message;
        else mine[name] ??= message;
      }
      const form = Object.keys(fields).length === 0 ? errorMessage(error) : Object.keys(rest).length ? summarizeFields(rest) : null;
      setShown({ fields: mine, form });
    },
    [key],
  );
  const clear = useCallback(() => setShown(NONE), []);
  return useMemo(() => ({ field: (name: string) => shown.fields[name] ?? null, form: shown.form, fail, clear }), [shown, fail, clear]);
}

/**
 * What a number field holds, as main should judge it: a number when it reads
 * as one, otherwise the text itself, so main's words fit what was typed
 * ("Enter a number of days" for nothing, "A whole number…" for "soon").
 */
export function typedNumber(text: string): number {
  const trimmed = text.trim();
  return (/^-?(\d+(\.\d*)?|\.\d+)$/.test(trimmed) ? Number(trimmed) : trimmed) as number;
}
