import { Type, type Static } from '@sinclair/typebox';
import { PERMISSIONS } from '../permissions.ts';
import { UiSchemaEntry } from '../manifest.ts';
import { NoArgs } from './app.ts';

/**
 * The plugin runtime as the window sees it: installed plugins and their
 * health, their settings forms, panels and logs, and the command palette.
 */

export const PLUGIN_STATES = ['starting', 'running', 'stopping', 'stopped', 'crashed', 'disabled', 'error'] as const;
export type PluginState = (typeof PLUGIN_STATES)[number];

export const PluginStateSchema = Type.Union(PLUGIN_STATES.map((s) => Type.Literal(s)));
export const PermissionSchema = Type.Union(PERMISSIONS.map((p) => Type.Literal(p)));

const PluginIdArg = Type.String({ minLength: 1, maxLength: 128 });

export const PluginCommand = Type.Object({
  /** What palette.run takes. */
  id: Type.String(),
  label: Type.String(),
  /** True when the handler declares a parameter: the palette asks for the text before running it. */
  takesArgument: Type.Boolean(),
});

/** One line of a plugin's log: its console output, or something the supervisor did to it. */
export const PluginLogLine = Type.Object({
  at: Type.String({ description: 'ISO 8601' }),
  level: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')]),
  /** `plugin`: its console; `system`: lifecycle, kills, denials and stderr. */
  source: Type.Union([Type.Literal('plugin'), Type.Literal('system')]),
  text: Type.String(),
});

export const PLUGIN_LOG_LIMIT = 1000;

/** A kill, crash or refusal the plugin page lists under health. */
export const PluginIncident = Type.Object({
  at: Type.String(),
  kind: Type.Union([Type.Literal('crashed'), Type.Literal('killed'), Type.Literal('start_failed'), Type.Literal('disabled')]),
  reason: Type.String(),
});

export const PluginSummary = Type.Object({
  id: Type.String(),
  name: Type.String(),
  version: Type.String(),
  description: Type.String(),
  state: PluginStateSchema,
  enabled: Type.Boolean(),
  /** What the user granted at install (the registry), not what the manifest asks. */
  grants: Type.Array(PermissionSchema),
  /** Why the manifest or folder cannot be used; a plugin with errors is in state `error` and never starts. */
  errors: Type.Array(Type.String()),
  /** Why the plugin last stopped or failed, in words; null while it is healthy. */
  stateReason: Type.Union([Type.String(), Type.Null()]),
  uptimeMs: Type.Union([Type.Number(), Type.Null()]),
  /** Resident memory of its process in bytes, from the last sample. */
  memoryBytes: Type.Union([Type.Number(), Type.Null()]),
  restarts: Type.Integer(),
  /** Filled by the marketplace once it knows of newer versions; the runtime always reports false. */
  hasUpdate: Type.Boolean(),
  commands: Type.Array(PluginCommand),
  /** True when a previous version is kept and rollback can restore it. */
  canRollback: Type.Boolean(),
});

const PanelTitle = Type.Optional(Type.String({ maxLength: 200 }));
const TableCell = Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean(), Type.Null()]);

/** What a plugin may show on its page: data the app renders, never plugin HTML. */
export const PanelContent = Type.Union([
  Type.Object(
    { type: Type.Literal('markdown'), title: PanelTitle, markdown: Type.String({ maxLength: 64 * 1024 }) },
    { additionalProperties: false, description: 'Rendered with raw HTML stripped and only http(s) links.' },
  ),
  Type.Object(
    {
      type: Type.Literal('table'),
      title: PanelTitle,
      columns: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 20 }),
      rows: Type.Array(Type.Array(TableCell, { maxItems: 20 }), { maxItems: 500 }),
    },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('diff'), title: PanelTitle, diff: Type.String({ maxLength: 256 * 1024 }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('sparkline'),
      title: PanelTitle,
      values: Type.Array(Type.Number(), { maxItems: 1000 }),
      label: Type.Optional(Type.String({ maxLength: 200 })),
    },
    { additionalProperties: false },
  ),
]);
export type Panel = Static<typeof PanelContent>;

export const PluginDetail = Type.Composite([
  PluginSummary,
  Type.Object({
    /** What the manifest asks for; compare with `grants`. */
    requestedPermissions: Type.Array(PermissionSchema),
    folder: Type.String(),
    uiSchema: Type.Array(UiSchemaEntry),
    /** Current value of every ui_schema key (stored value, else manifest config, else field default). */
    settings: Type.Record(Type.String(), Type.Unknown()),
    panel: Type.Union([PanelContent, Type.Null()]),
    logs: Type.Array(PluginLogLine),
    incidents: Type.Array(PluginIncident),
    installedAt: Type.Union([Type.String(), Type.Null()]),
    previousVersion: Type.Union([Type.String(), Type.Null()]),
  }),
]);

export const PaletteEntry = Type.Object({
  id: Type.String(),
  label: Type.String(),
  source: Type.Union([Type.Literal('app'), Type.Literal('plugin')]),
  pluginId: Type.Union([Type.String(), Type.Null()]),
  /** The plugin's name, shown beside the label; null for app commands. */
  pluginName: Type.Union([Type.String(), Type.Null()]),
  takesArgument: Type.Boolean(),
});

export const SettingsSaveResult = Type.Union([
  Type.Object({ saved: Type.Literal(true), values: Type.Record(Type.String(), Type.Unknown()) }),
  /** Nothing was saved; `errors` maps each bad key to a sentence for the form. */
  Type.Object({ saved: Type.Literal(false), errors: Type.Record(Type.String(), Type.String()) }),
]);

export const pluginChannels = {
  'plugins.list': { args: NoArgs, result: Type.Object({ plugins: Type.Array(PluginSummary) }) },
  'plugins.get': { args: Type.Object({ id: PluginIdArg }, { additionalProperties: false }), result: PluginDetail },
  /** Records the choice and starts or gracefully stops the process. */
  'plugins.setEnabled': {
    args: Type.Object({ id: PluginIdArg, enabled: Type.Boolean() }, { additionalProperties: false }),
    result: PluginSummary,
  },
  'plugins.restart': { args: Type.Object({ id: PluginIdArg }, { additionalProperties: false }), result: PluginSummary },
  /**
   * Re-reads the plugin from disk and restarts it. If the new code does not
   * start, the previous code runs again and the call fails with the reason.
   */
  'plugins.reload': { args: Type.Object({ id: PluginIdArg }, { additionalProperties: false }), result: PluginSummary },
  'plugins.updateSettings': {
    args: Type.Object(
      { id: PluginIdArg, values: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 50 }) },
      { additionalProperties: false },
    ),
    result: SettingsSaveResult,
  },
  'plugins.logs': { args: Type.Object({ id: PluginIdArg }, { additionalProperties: false }), result: Type.Object({ lines: Type.Array(PluginLogLine) }) },
  /** App commands and the commands of every running plugin holding `palette`. */
  'palette.list': { args: NoArgs, result: Type.Object({ commands: Type.Array(PaletteEntry) }) },
  /** Runs a command; a plugin command that throws or times out fails with its message. */
  'palette.run': {
    args: Type.Object(
      { commandId: Type.String({ minLength: 1, maxLength: 300 }), argument: Type.Optional(Type.String({ maxLength: 10_000 })) },
      { additionalProperties: false },
    ),
    result: Type.Object({ ok: Type.Literal(true) }),
  },
} as const;

export const pluginEvents = {
  /** One plugin's summary changed (state, enabled, commands, memory); `plugin` is null once it is gone. */
  'plugins.changed': Type.Object({ id: Type.String(), plugin: Type.Union([PluginSummary, Type.Null()]) }),
  'plugins.log': Type.Object({ id: Type.String(), line: PluginLogLine }),
  'plugins.panel': Type.Object({ id: Type.String(), panel: Type.Union([PanelContent, Type.Null()]) }),
} as const;

export type PluginSummaryValue = Static<typeof PluginSummary>;
export type PluginDetailValue = Static<typeof PluginDetail>;
export type PluginLogLineValue = Static<typeof PluginLogLine>;
export type PluginIncidentValue = Static<typeof PluginIncident>;
export type PaletteEntryValue = Static<typeof PaletteEntry>;
