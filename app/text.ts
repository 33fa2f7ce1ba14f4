/**
 * Text from strangers (plugin names and descriptions, authors, catalog
 * source names, session titles, transcripts) must not be able to rearrange
 * or hide what the app shows around it. Bidirectional controls
 * (U+202A–U+202E, U+2066–U+2069, the marks U+200E, U+200F, U+061C) and the
 * other invisible format characters (zero-width spaces and joiners, word
 * joiners, the byte-order mark, soft hyphens, tag characters…: Unicode's
 * category Cf) are shown as a visible code instead of being obeyed.
 *
 * The one exception is the zero-width joiner between two pictographs, which
 * is how an emoji like 👩‍💻 is spelled and reorders nothing.
 */

const EMOJI_JOINER = /(?<=\p{Extended_Pictographic}\uFE0F?)\u200D(?=\p{Extended_Pictographic})/gu;
const FORMAT = /\p{Cf}/gu;

const NAMES: Record<number, string> = {
  0x202a: 'left-to-right embedding',
  0x202b: 'right-to-left embedding',
  0x202c: 'pop directional formatting',
  0x202d: 'left-to-right override',
  0x202e: 'right-to-left override',
  0x2066: 'left-to-right isolate',
  0x2067: 'right-to-left isolate',
  0x2068: 'first strong isolate',
  0x2069: 'pop directional isolate',
  0x200e: 'left-to-right mark',
  0x200f: 'right-to-left mark',
  0x061c: 'Arabic letter mark',
  0x200b: 'zero-width space',
  0x200c: 'zero-width non-joiner',
  0x200d: 'zero-width joiner',
  0x2060: 'word joiner',
  0xfeff: 'zero-width no-break space',
  0x00ad: 'soft hyphen',
};

export const codeOf = (char: string): string => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** "right-to-left override", or "invisible formatting character" for the rest of the category. */
export const hiddenCharName = (char: string): string => NAMES[char.codePointAt(0)!] ?? 'invisible formatting character';

export type TextPart = { text: string } | { hidden: string };

/** The text cut into what is shown as is and each hidden character, in order. */
export function splitHidden(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  const keep = new Set<number>();
  for (const m of text.matchAll(EMOJI_JOINER)) keep.add(m.index);
  for (const m of text.matchAll(FORMAT)) {
    if (keep.has(m.index)) continue;
    if (m.index > last) parts.push({ text: text.slice(last, m.index) });
    parts.push({ hidden: m[0] });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push({ text: text.slice(last) });
  return parts;
}

export const hasHidden = (text: string): boolean => splitHidden(text).some((p) => 'hidden' in p);

/** For places that take a plain string (a title, an aria-label, an option): each hidden character as "[U+202E]". */
export function revealHidden(text: string): string {
  return splitHidden(text)
    .map((p) => ('hidden' in p ? `[${codeOf(p.hidden)}]` : p.text))
    .join('');
}
