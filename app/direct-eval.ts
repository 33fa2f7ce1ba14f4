/**
 * Finds a direct `eval(...)` call in a plugin's script, reading past comments,
 * strings, template text and regular expression literals. SES refuses any
 * source whose text matches `eval(` anywhere — a string in a secret scanner's
 * pattern list included — so main makes this finer check instead and the
 * host evaluates with SES's own textual check off. That is safe either way:
 * SES never lets eval inside a Compartment reach the host realm (a direct
 * eval there is the Compartment's own evaluator), so a call this scanner
 * missed would still run confined; refusing the ones it finds keeps authors
 * from relying on semantics SES cannot give them.
 *
 * Returns the 1-based line of the first direct eval, or null.
 */
export function findDirectEval(source: string): number | null {
  let i = 0;
  let line = 1;
  /** Whether a `/` here starts a regular expression (no value just ended). */
  let regexAllowed = true;
  /** Brace depth at which each open template's `${` began. */
  const templates: number[] = [];
  let braces = 0;
  let previous = '';
  const n = source.length;

  const skipString = (quote: string) => {
    i += 1;
    while (i < n && source[i] !== quote) {
      if (source[i] === '\\') i += 1;
      else if (source[i] === '\n') line += 1;
      i += 1;
    }
    i += 1;
  };
  /** Template text up to its end (returns) or a `${` (pushes the brace depth). */
  const skipTemplateText = () => {
    while (i < n) {
      const c = source[i]!;
      if (c === '\\') i += 2;
      else if (c === '`') {
        i += 1;
        return;
      } else if (c === '$' && source[i + 1] === '{') {
        i += 2;
        templates.push(braces);
        braces += 1;
        return;
      } else {
        if (c === '\n') line += 1;
        i += 1;
      }
    }
  };
  const skipRegex = () => {
    i += 1;
    let inClass = false;
    while (i < n && source[i] !== '\n') {
      const c = source[i]!;
      if (c === '\\') i += 1;
      else if (c === '[') inClass = true;
      else if (c === ']') inClass = false;
      else if (c === '/' && !inClass) break;
      i += 1;
    }
    i += 1;
    while (i < n && /[a-z]/i.test(source[i]!)) i += 1;
  };

  while (i < n) {
    const c = source[i]!;
    const next = source[i + 1];
    if (c === '\n') {
      line += 1;
      i += 1;
    } else if (/\s/.test(c)) i += 1;
    else if (c === '/' && next === '/') {
      while (i < n && source[i] !== '\n') i += 1;
    } else if (c === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      for (let k = i; k < stop; k++) if (source[k] === '\n') line += 1;
      i = stop;
    } else if (c === '"' || c === "'") {
      skipString(c);
      regexAllowed = false;
      previous = 'string';
    } else if (c === '`') {
      i += 1;
      skipTemplateText();
      regexAllowed = false;
      previous = 'string';
    } else if (c === '/' && regexAllowed) {
      skipRegex();
      regexAllowed = false;
      previous = 'regex';
    } else if (/[A-Za-z_$\\]/.test(c) || c.charCodeAt(0) > 127) {
      let j = i;
      while (j < n && (/[\w$\\]/.test(source[j]!) || source.charCodeAt(j) > 127)) j += 1;
      const word = source.slice(i, j);
      i = j;
      if (word === 'eval' && previous !== '.' && nextCodeChar(source, i) === '(') return line;
      // After these a `/` divides; after keywords such as return or typeof it starts a regex.
      regexAllowed = /^(return|typeof|instanceof|in|of|new|delete|void|throw|case|do|else|yield|await)$/.test(word);
      previous = 'word';
    } else if (/\d/.test(c)) {
      while (i < n && /[\w.]/.test(source[i]!)) i += 1;
      regexAllowed = false;
      previous = 'number';
    } else {
      if (c === '{') braces += 1;
      else if (c === '}') {
        braces -= 1;
        if (templates.length && templates.at(-1) === braces) {
          templates.pop();
          i += 1;
          skipTemplateText();
          regexAllowed = false;
          previous = 'string';
          continue;
        }
      }
      // `)` and `]` end a value; `?.` is a member access like `.`.
      regexAllowed = c !== ')' && c !== ']';
      previous = c === '.' || (c === '?' && next === '.') ? '.' : c;
      i += c === '?' && next === '.' ? 2 : 1;
    }
  }
  return null;
}

/** The next character that is not whitespace or inside a comment. */
function nextCodeChar(source: string, from: number): string | undefined {
  let i = from;
  for (;;) {
    while (i < source.length && /\s/.test(source[i]!)) i += 1;
    if (source.startsWith('//', i)) {
      const end = source.indexOf('\n', i);
      if (end < 0) return undefined;
      i = end;
    } else if (source.startsWith('/*', i)) {
      const end = source.indexOf('*/', i + 2);
      if (end < 0) return undefined;
      i = end + 2;
    } else return source[i];
  }
}
