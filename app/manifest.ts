import { Type, type Static } from '@sinclair/typebox';
import { ActivationEventsSchema, ContributesSchema, type ContributedCommand } from './activation.ts';
import { PERMISSIONS, type Permission } from './permissions.ts';
import { EMPTY_WORDS, NUMBER_WORDS, rangeWords, tooLongWords, tooShortWords } from './contract/fields.ts';

/**
 * `plugin.json`, the manifest every plugin folder carries. The JSON Schema
 * below is published as schemas/plugin.schema.json so authors get editor help;
 * main validates every manifest against it with ajv before anything runs.
 */

/** Plugin ids double as folder names and storage prefixes, so they are kept to a safe alphabet. */
export const PLUGIN_ID_PATTERN_SOURCE = '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$';
export const PLUGIN_ID_PATTERN = new RegExp(PLUGIN_ID_PATTERN_SOURCE);

export function isSafePluginId(id: string): boolean {
  return PLUGIN_ID_PATTERN.test(id) && !id.includes('..');
}

const SEMVER = '^(0|[1-9]\\d*)\\.(0|[1-9]\\d*)\\.(0|[1-9]\\d*)(?:-[0-9A-Za-z.-]+)?(?:\\+[0-9A-Za-z.-]+)?$';

export const UI_FIELD_TYPES = ['text', 'number', 'boolean', 'select', 'textarea', 'array'] as const;
export type UiFieldType = (typeof UI_FIELD_TYPES)[number];

const JsonScalar = Type.Union([Type.String({ maxLength: 10_000 }), Type.Number(), Type.Boolean(), Type.Null()]);

export const SelectOption = Type.Union([
  Type.String({ maxLength: 200 }),
  Type.Object({ value: Type.String({ maxLength: 200 }), label: Type.String({ maxLength: 200 }) }, { additionalProperties: false }),
]);

export const UiSchemaEntry = Type.Object(
  {
    key: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]{0,63}$', description: 'The setting this field edits (agor.settings.get(key)).' }),
    type: Type.Unsafe<UiFieldType>({ type: 'string', enum: [...UI_FIELD_TYPES], description: 'text, number, boolean, select, textarea or array (a list of strings).' }),
    label: Type.String({ minLength: 1, maxLength: 100 }),
    description: Type.Optional(Type.String({ maxLength: 500 })),
    default: Type.Optional(Type.Union([JsonScalar, Type.Array(Type.String({ maxLength: 1000 }), { maxItems: 200 })])),
    options: Type.Optional(Type.Array(SelectOption, { minItems: 1, maxItems: 100, description: 'The choices of a select.' })),
    min: Type.Optional(Type.Number({ description: 'number: smallest value; text/textarea: shortest length; array: fewest items.' })),
    max: Type.Optional(Type.Number({ description: 'number: largest value; text/textarea: longest length; array: most items.' })),
  },
  { additionalProperties: false },
);

export const PluginManifestSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Type.Optional(Type.String({ pattern: PLUGIN_ID_PATTERN_SOURCE, description: 'Unique id; also the folder name. Defaults to `name`.' })),
    name: Type.String({ minLength: 1, maxLength: 100, description: 'Shown to people; used as the id when `id` is absent.' }),
    version: Type.String({ pattern: SEMVER, description: 'Semantic version, e.g. 1.2.0.' }),
    description: Type.Optional(Type.String({ maxLength: 1000 })),
    main: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'The script to run, relative to the plugin folder.' })),
    entry: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'Same as `main`; either spelling is accepted.' })),
    permissions: Type.Optional(
      Type.Array(Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] }), { uniqueItems: true, description: 'What the plugin asks the user to grant.' }),
    ),
    optionalPermissions: Type.Optional(
      Type.Array(Type.Unsafe<Permission>({ type: 'string', enum: [...PERMISSIONS] }), {
        uniqueItems: true,
        description: 'Permissions the plugin asks for later, with agor.permissions.request(name, reason), when a feature needs them.',
      }),
    ),
    network: Type.Optional(
      Type.Object(
        {
          hosts: Type.Array(Type.String({ minLength: 1, maxLength: 253 }), {
            maxItems: 20,
            uniqueItems: true,
            description: 'The hosts agor.net.fetch may reach: names (hooks.slack.com), domains with their subdomains (*.example.com) or addresses. The consent dialog names them.',
          }),
        },
        { additionalProperties: false },
      ),
    ),
    config: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { description: 'Default values of settings.' })),
    ui_schema: Type.Optional(Type.Array(UiSchemaEntry, { maxItems: 50, description: 'The settings form on the plugin page.' })),
    hooks: Type.Optional(
      Type.Object(
        {
          failure: Type.Optional(
            Type.Unsafe<'open' | 'closed'>({
              type: 'string',
              enum: ['open', 'closed'],
              description: 'open (default): a hook that times out or throws is skipped. closed: it blocks the prompt or reply.',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    minAppVersion: Type.Optional(Type.String({ pattern: SEMVER, description: 'The oldest Switchboard version the plugin runs on.' })),
    activationEvents: Type.Optional(ActivationEventsSchema),
    contributes: Type.Optional(ContributesSchema),
  },
  { additionalProperties: true, title: 'Switchboard plugin manifest (plugin.json)' },
);

export type RawPluginManifest = Static<typeof PluginManifestSchema>;
export type UiSchema = Static<typeof UiSchemaEntry>[];
export type UiSchemaField = Static<typeof UiSchemaEntry>;

/** A manifest after validation, with both spellings folded into one. */
export interface PluginManifest {
  id: string;
  name: string;
  version: string;
  description: string;
  /** Relative to the plugin folder. */
  entry: string;
  permissions: Permission[];
  /** Asked for at run time, never granted at install. */
  optionalPermissions: Permission[];
  /** The hosts `network` reaches (lower case, as written). */
  networkHosts: string[];
  config: Record<string, unknown>;
  uiSchema: UiSchema;
  hookFailure: 'open' | 'closed';
  minAppVersion: string | null;
  /** Empty: it starts with the app (app/activation.ts). */
  activationEvents: string[];
  /** Listed in the palette while it sleeps. */
  contributedCommands: ContributedCommand[];
}

/** Folds `id`/`name` and `main`/`entry` into one shape; call only on a schema-valid manifest. */
export function normalizeManifest(raw: RawPluginManifest): PluginManifest | { error: string } {
  const id = raw.id ?? raw.name;
  if (!isSafePluginId(id)) {
    return { error: `"name" is used as the id when "id" is absent, and "${id.slice(0, 60)}" is not a valid id (letters, digits, . _ - only)` };
  }
  const entry = raw.main ?? raw.entry;
  if (!entry) return { error: 'plugin.json needs "main" (or "entry"): the script to run' };
  if (raw.main && raw.entry && raw.main !== raw.entry) return { error: `"main" (${raw.main}) and "entry" (${raw.entry}) name different scripts` };
  return {
    id,
    name: raw.name,
    version: raw.version,
    description: raw.description ?? '',
    entry,
    permissions: [...(raw.permissions ?? [])],
    optionalPermissions: (raw.optionalPermissions ?? []).filter((p) => !(raw.permissions ?? []).includes(p)),
    networkHosts: [...(raw.network?.hosts ?? [])],
    config: { ...(raw.config ?? {}) },
    uiSchema: raw.ui_schema ?? [],
    hookFailure: raw.hooks?.failure ?? 'open',
    minAppVersion: raw.minAppVersion ?? null,
    activationEvents: [...(raw.activationEvents ?? [])],
    contributedCommands: (raw.contributes?.commands ?? []).map((c) => ({ label: c.label, takesArgument: c.takesArgument ?? false })),
  };
}

export type SettingValue = string | number | boolean | null | string[];

function optionValues(field: UiSchemaField): string[] {
  return (field.options ?? []).map((o) => (typeof o === 'string' ? o : o.value));
}

/**
 * Checks one value of the settings form. Returns a sentence for the field
 * (the words of app/contract/fields.ts, the same every form shows), or null
 * when the value is fine. The renderer and main run the same check; main's
 * is the one that counts.
 */
export function checkSettingValue(field: UiSchemaField, value: unknown): string | null {
  const { min, max } = field;
  switch (field.type) {
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) return min !== undefined || max !== undefined ? `${NUMBER_WORDS} ${lowerFirst(rangeWords(min, max))}` : NUMBER_WORDS;
      if ((min !== undefined && value < min) || (max !== undefined && value > max)) return rangeWords(min, max);
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'Choose on or off';
    case 'select': {
      const allowed = optionValues(field);
      return typeof value === 'string' && allowed.includes(value) ? null : `Choose one of: ${allowed.join(', ')}`;
    }
    case 'array':
      if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) return 'A list of text items';
      if (value.some((v: string) => v.length > 1000)) return `Each item: ${lowerFirst(tooLongWords(1000))}`;
      if (min !== undefined && value.length < min) return `At least ${min} item${min === 1 ? '' : 's'}`;
      if (max !== undefined && value.length > max) return `At most ${max} item${max === 1 ? '' : 's'}`;
      return null;
    case 'text':
    case 'textarea': {
      if (typeof value !== 'string') return 'Enter text';
      const longest = max ?? (field.type === 'text' ? 1000 : 20_000);
      if (min !== undefined && value.length < min) return value.length === 0 ? EMPTY_WORDS : tooShortWords(min);
      if (value.length > longest) return tooLongWords(longest);
      return null;
    }
  }
}

const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/** Validates a whole form; `errors` maps each bad key to its message (unknown keys included). */
export function checkSettings(uiSchema: UiSchema, values: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  const fields = new Map(uiSchema.map((f) => [f.key, f]));
  for (const [key, value] of Object.entries(values)) {
    const field = fields.get(key);
    const problem = field ? checkSettingValue(field, value) : `This plugin has no setting called "${key}"`;
    if (problem) errors[key] = problem;
  }
  return errors;
}
