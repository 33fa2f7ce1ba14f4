import type { PanelBlockValue } from '../../../../app/contract/plugins.ts';
import { revealHidden as safeString } from '../../../../app/text.ts';

/** What a plugin's form holds and sends: plain values, checked here before the plugin hears of them. */
export type FormBlock = Extract<PanelBlockValue, { type: 'form' }>;
export type FormField = FormBlock['fields'][number];
export type Value = string | number | boolean;

export function initialValue(field: FormField): Value {
  if (field.type === 'checkbox') return field.value === true;
  if (field.value === undefined) return field.type === 'select' ? (field.options?.[0]?.value ?? '') : '';
  return typeof field.value === 'boolean' ? String(field.value) : field.value;
}

/** What the form's own check says about a field before the plugin sees it. */
export function fieldProblem(field: FormField, value: Value): string | null {
  if (field.type === 'checkbox') return null;
  const text = String(value).trim();
  if (field.required && text === '') return `${safeString(field.label)} is required.`;
  if (field.type === 'number' && text !== '') {
    const n = Number(text);
    if (!Number.isFinite(n)) return `${safeString(field.label)} must be a number.`;
    if (field.min !== undefined && n < field.min) return `${safeString(field.label)} must be at least ${field.min}.`;
    if (field.max !== undefined && n > field.max) return `${safeString(field.label)} must be at most ${field.max}.`;
  }
  return null;
}

/** What the plugin receives: numbers as numbers, a checkbox as a boolean, the rest as text. */
export function plainValue(field: FormField, value: Value): Value {
  if (field.type === 'checkbox') return value === true;
  if (field.type === 'number') return String(value).trim() === '' ? '' : Number(value);
  return String(value);
}

