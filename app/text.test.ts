import { describe, expect, it } from 'vitest';
import { hasHidden, revealHidden, splitHidden } from './text.ts';

describe('text from strangers', () => {
  it.each([
    ['a right-to-left override that turns "evil" into "live"', 'ev\u202Elive', 'ev[U+202E]live'],
    ['every embedding and override', '\u202A\u202B\u202C\u202D\u202E', '[U+202A][U+202B][U+202C][U+202D][U+202E]'],
    ['every isolate', 'a\u2066b\u2067c\u2068d\u2069', 'a[U+2066]b[U+2067]c[U+2068]d[U+2069]'],
    ['marks and zero-width characters', 'Ac\u200Bme\u200E\u200F\uFEFF\u2060\u00AD', 'Ac[U+200B]me[U+200E][U+200F][U+FEFF][U+2060][U+00AD]'],
    ['a zero-width joiner between letters', 'pay\u200Dpal', 'pay[U+200D]pal'],
    ['a tag character', 'flag\u{E0041}', 'flag[U+E0041]'],
  ])('shows %s as visible codes', (_what, input, shown) => {
    expect(revealHidden(input)).toBe(shown);
    expect(hasHidden(input)).toBe(true);
  });

  it('leaves plain text, right-to-left letters and emoji joined with a zero-width joiner as they are', () => {
    for (const text of ['Standup helper', 'שלום עולם', 'مرحبا', 'coder 👩‍💻 and family 👨‍👩‍👧', 'tab\tand newline\n']) {
      expect(revealHidden(text)).toBe(text);
      expect(hasHidden(text)).toBe(false);
    }
  });

  it('cuts text into shown parts and hidden characters in order', () => {
    expect(splitHidden('a\u202Eb')).toEqual([{ text: 'a' }, { hidden: '\u202E' }, { text: 'b' }]);
  });
});
