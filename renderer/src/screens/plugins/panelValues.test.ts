import { describe, expect, it } from 'vitest';
import { fieldProblem, initialValue, plainValue, type FormField } from './panelValues.ts';

const minutes: FormField = { key: 'minutes', type: 'number', label: 'Minutes spent', min: 1, max: 120, required: true };

describe("a plugin form's values", () => {
  it('says what is wrong with a field in words, before the plugin hears of it', () => {
    expect(fieldProblem(minutes, '')).toBe('Minutes spent is required.');
    expect(fieldProblem(minutes, 'soon')).toBe('Minutes spent must be a number.');
    expect(fieldProblem(minutes, '0')).toBe('Minutes spent must be at least 1.');
    expect(fieldProblem(minutes, '121')).toBe('Minutes spent must be at most 120.');
    expect(fieldProblem(minutes, '30')).toBeNull();
    expect(fieldProblem({ key: 'title', type: 'text', label: 'Title', required: true }, '   ')).toBe('Title is required.');
  });

  it('shows hidden characters of a plugin label in its error', () => {
    expect(fieldProblem({ key: 't', type: 'text', label: 'Title\u202E', required: true }, '')).not.toContain('\u202E');
  });

  it('sends numbers as numbers, checkboxes as booleans and the rest as text', () => {
    expect(plainValue(minutes, '30')).toBe(30);
    expect(plainValue(minutes, '')).toBe('');
    expect(plainValue({ key: 'shared', type: 'checkbox', label: 'Share' }, true)).toBe(true);
    expect(plainValue({ key: 'title', type: 'text', label: 'Title' }, 'Ship it')).toBe('Ship it');
  });

  it("starts from the plugin's values, a select from its first option", () => {
    expect(initialValue({ ...minutes, value: 15 })).toBe(15);
    expect(initialValue({ key: 'p', type: 'select', label: 'Priority', options: [{ value: 'low', label: 'Low' }, { value: 'high', label: 'High' }] })).toBe('low');
    expect(initialValue({ key: 'shared', type: 'checkbox', label: 'Share' })).toBe(false);
    expect(initialValue({ key: 'title', type: 'text', label: 'Title' })).toBe('');
  });
});
