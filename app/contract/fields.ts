/**
 * The one place that turns a refused value into plain words for the field
 * that holds it. Main's dispatcher feeds it every JSON Schema validation
 * problem of a call's argument; services that check meaning (a name of
 * spaces, an address that is not https) and the plugin settings form use the
 * same sentences, so a person reads "Between 1 and 3650 days", never
 * "must be >= 1".
 *
 * A schema can say how its field reads with `words` (see FieldWords): the
 * sentence for an empty value, a noun for the unit of a number, or a sentence
 * for a value of the wrong shape.
 */

export interface FieldWords {
  /** When the value is empty or missing: "Give the source a name". */
  empty?: string;
  /** Unit of a number, plural: "days", "minutes". */
  unit?: string;
  /** When the value does not have the right form (pattern, format, one of a list). */
  invalid?: string;
  /** When a number is under its minimum, if that says more than the range: "A price cannot be negative". */
  below?: string;
}

/** One validation problem, as ajv reports it with `verbose: true` (only the parts used here). */
export interface SchemaProblem {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  /** The schema that holds the failed keyword. */
  parentSchema?: unknown;
  /** The refused value. */
  data?: unknown;
}

export const rangeWords = (min: number | undefined, max: number | undefined, unit?: string): string => {
  const tail = unit ? ` ${unit}` : '';
  if (min !== undefined && max !== undefined) return `Between ${min} and ${max}${tail}`;
  if (min !== undefined) return `At least ${min}${tail}`;
  return `At most ${max}${tail}`;
};

export const tooLongWords = (max: number): string => `At most ${max.toLocaleString('en-US')} characters`;
export const tooShortWords = (min: number): string => `At least ${min.toLocaleString('en-US')} character${min === 1 ? '' : 's'}`;
export const EMPTY_WORDS = 'Fill this in';
export const WHOLE_NUMBER_WORDS = 'A whole number';
export const NUMBER_WORDS = 'A number';

interface SchemaLike {
  type?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  words?: FieldWords;
  errorMessage?: unknown;
}

/** Keywords an empty value fails, where "fill this in" says more than the rule it broke. */
const EMPTY_KEYWORDS = new Set(['type', 'minLength', 'pattern', 'format']);

const isEmpty = (value: unknown): boolean => value === undefined || value === null || (typeof value === 'string' && value.trim() === '');

function numberWords(schema: SchemaLike, wantsInteger: boolean): string {
  const min = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + (wantsInteger ? 1 : 0) : undefined);
  const max = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - (wantsInteger ? 1 : 0) : undefined);
  const kind = wantsInteger ? WHOLE_NUMBER_WORDS : NUMBER_WORDS;
  if (min === undefined && max === undefined) return schema.words?.unit ? `${kind} of ${schema.words.unit}` : kind;
  const range = rangeWords(min, max, schema.words?.unit);
  return `${kind} ${range.charAt(0).toLowerCase()}${range.slice(1)}`;
}

/** The sentence for one problem, on the field it belongs to. */
export function problemWords(problem: SchemaProblem): string {
  const schema = (problem.parentSchema ?? {}) as SchemaLike;
  const words = schema.words ?? {};
  const legacy = typeof schema.errorMessage === 'string' ? schema.errorMessage : undefined;
  const { keyword, params } = problem;
  if (keyword === 'required') return EMPTY_WORDS;
  if (keyword === 'additionalProperties') return 'This is not something you can set here';
  if (problem.instancePath !== '' && isEmpty(problem.data) && EMPTY_KEYWORDS.has(keyword)) return words.empty ?? EMPTY_WORDS;
  switch (keyword) {
    case 'minLength':
      return tooShortWords(Number(params.limit));
    case 'maxLength':
      return tooLongWords(Number(params.limit));
    case 'minimum':
    case 'exclusiveMinimum':
      return words.below ?? rangeWords(schema.minimum, schema.maximum, words.unit);
    case 'maximum':
    case 'exclusiveMaximum':
      return rangeWords(schema.minimum, schema.maximum, words.unit);
    case 'type': {
      const type = String(params.type);
      if (type.includes('integer')) return numberWords(schema, true);
      if (type.includes('number')) return numberWords(schema, false);
      if (type.includes('boolean')) return 'Choose on or off';
      if (type.includes('string')) return words.invalid ?? legacy ?? 'Enter text';
      return words.invalid ?? legacy ?? 'This value has the wrong form';
    }
    case 'multipleOf':
      return numberWords(schema, true);
    case 'maxItems':
      return `At most ${String(params.limit)} items`;
    case 'minItems':
      return `At least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`;
    default:
      return words.invalid ?? legacy ?? 'This value is not accepted';
  }
}

/** "name", "values.maxItems": the field a problem belongs to, as the form names it. */
export function problemField(problem: SchemaProblem): string {
  const segments = problem.instancePath.split('/').slice(1).map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  if (problem.keyword === 'required') segments.push(String(problem.params.missingProperty));
  if (problem.keyword === 'additionalProperties') segments.push(String(problem.params.additionalProperty));
  return segments.join('.');
}

function wordedInvalid(schema: unknown): string | undefined {
  const s = (schema ?? {}) as SchemaLike;
  return s.words?.invalid ?? (typeof s.errorMessage === 'string' ? s.errorMessage : undefined);
}

/** Problems that only say "none of the union's branches matched" are noise next to the branch that explains. */
const SUMMARY_KEYWORDS = new Set(['anyOf', 'oneOf', 'if']);

/**
 * One message per field, the first worded problem winning. Problems about
 * the argument as a whole land on the field "" (shown above the form).
 */
export function fieldMessages(problems: readonly SchemaProblem[]): Record<string, string> {
  const fields: Record<string, string> = {};
  const byField = new Map<string, SchemaProblem[]>();
  for (const p of problems) {
    const field = problemField(p);
    byField.set(field, [...(byField.get(field) ?? []), p]);
  }
  for (const [field, group] of byField) {
    // A union (theme: light | dark | system) words itself on the union, not on each refused branch.
    const union = group.find((p) => SUMMARY_KEYWORDS.has(p.keyword) && wordedInvalid(p.parentSchema));
    if (union) {
      fields[field] = wordedInvalid(union.parentSchema)!;
      continue;
    }
    // A wrong type explains more than a range it also misses (2.5 is "a whole number between 5 and 1440").
    const specific = group.find((p) => p.keyword === 'type') ?? group.find((p) => !SUMMARY_KEYWORDS.has(p.keyword)) ?? group[0]!;
    fields[field] = problemWords(specific);
  }
  return fields;
}

/** "auditRetentionDays" → "Audit retention days", for a summary where no form shows the field. */
export function fieldLabel(field: string): string {
  const words = field
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .join(' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** "Name: Give the source a name. Url: …" for places without the form (a banner, a plugin's error). */
export function summarizeFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([field, message]) => (field ? `${fieldLabel(field)}: ${message}` : message))
    .join('. ');
}
