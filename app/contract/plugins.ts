import { Type, type Static } from '@sinclair/typebox';
import { PERMISSIONS } from '../permissions.ts';
import { UiSchemaEntry } from '../manifest.ts';
import { NoArgs } from './app.ts';

/**
 * The plugin runtime as the window sees it: installed plugins and their
 * health, their settings forms, panels and logs, and the command palette.
 */

/** `sleeping`: enabled, not running, and started again by one of its activation events (app/activation.ts); stateReason says which. */
export const PLUGIN_STATES = ['starting', 'running', 'stopping', 'stopped', 'sleeping', 'crashed', 'disabled', 'error'] as const;
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
  /** Installed from no catalog: placed in plugins/ by hand or loaded unpacked. */
  sideloaded: Type.Boolean(),
  /** Its status bar item, while it runs. */
  status: Type.Union([Type.Object({ text: Type.String(), tooltip: Type.Union([Type.String(), Type.Null()]) }), Type.Null()]),
});

const PanelTitle = Type.Optional(Type.String({ maxLength: 200 }));
const TableCell = Type.Union([Type.String({ maxLength: 2000 }), Type.Number(), Type.Boolean(), Type.Null()]);

const Markdown = (title: typeof PanelTitle) =>
  Type.Object(
    { type: Type.Literal('markdown'), title, markdown: Type.String({ maxLength: 64 * 1024 }) },
    { additionalProperties: false, description: 'Rendered with raw HTML stripped and only http(s) links.' },
  );
const Table = (title: typeof PanelTitle) =>
  Type.Object(
    {
      type: Type.Literal('table'),
      title,
      columns: Type.Array(Type.String({ maxLength: 200 }), { minItems: 1, maxItems: 20 }),
      rows: Type.Array(Type.Array(TableCell, { maxItems: 20 }), { maxItems: 500 }),
    },
    { additionalProperties: false },
  );
const Diff = (title: typeof PanelTitle) =>
  Type.Object(
    {
      type: Type.Literal('diff'),
      title,
      diff: Type.String({ maxLength: 256 * 1024 }),
      /** Highlights the code by its file name's language. */
      language: Type.Optional(Type.String({ maxLength: 40 })),
    },
    { additionalProperties: false },
  );
const Sparkline = (title: typeof PanelTitle) =>
  Type.Object(
    { type: Type.Literal('sparkline'), title, values: Type.Array(Type.Number(), { maxItems: 1000 }), label: Type.Optional(Type.String({ maxLength: 200 })) },
    { additionalProperties: false },
  );

/** Ids a plugin gives its forms, buttons and list items; the app sends them back when the user acts. */
const BlockId = Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' });
const Label = Type.String({ minLength: 1, maxLength: 100 });

export const FORM_FIELD_TYPES = ['text', 'number', 'select', 'checkbox', 'textarea'] as const;

export const PanelFormField = Type.Object(
  {
    key: BlockId,
    type: Type.Union(FORM_FIELD_TYPES.map((t) => Type.Literal(t))),
    label: Label,
    value: Type.Optional(Type.Union([Type.String({ maxLength: 100_000 }), Type.Number(), Type.Boolean()])),
    placeholder: Type.Optional(Type.String({ maxLength: 200 })),
    help: Type.Optional(Type.String({ maxLength: 300 })),
    options: Type.Optional(Type.Array(Type.Object({ value: Type.String({ maxLength: 200 }), label: Label }, { additionalProperties: false }), { maxItems: 200 })),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    required: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const Button = Type.Object(
  { id: BlockId, label: Label, tone: Type.Optional(Type.Union([Type.Literal('primary'), Type.Literal('danger'), Type.Literal('default')])) },
  { additionalProperties: false },
);

/** One part of an interactive panel. Forms, buttons and list item actions call the plugin's handler with plain values. */
export const PanelBlock = Type.Union([
  Markdown(PanelTitle),
  Table(PanelTitle),
  Diff(PanelTitle),
  Sparkline(PanelTitle),
  Type.Object(
    { type: Type.Literal('form'), id: BlockId, title: PanelTitle, fields: Type.Array(PanelFormField, { minItems: 1, maxItems: 30 }), submitLabel: Type.Optional(Label) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('actions'), id: BlockId, buttons: Type.Array(Button, { minItems: 1, maxItems: 10 }) }, { additionalProperties: false }),
  Type.Object(
    {
      type: Type.Literal('list'),
      id: BlockId,
      title: PanelTitle,
      empty: Type.Optional(Type.String({ maxLength: 300 })),
      items: Type.Array(
        Type.Object(
          {
            id: BlockId,
            title: Type.String({ minLength: 1, maxLength: 300 }),
            subtitle: Type.Optional(Type.String({ maxLength: 1000 })),
            badge: Type.Optional(Type.String({ maxLength: 40 })),
            actions: Type.Optional(Type.Array(Button, { maxItems: 5 })),
          },
          { additionalProperties: false },
        ),
        { maxItems: 500 },
      ),
    },
    { additionalProperties: false },
  ),
]);
export type PanelBlockValue = Static<typeof PanelBlock>;

/** What a plugin may show on its page: data the app renders, never plugin HTML. */
export const PanelContent = Type.Union([
  Markdown(PanelTitle),
  Table(PanelTitle),
  Diff(PanelTitle),
  Sparkline(PanelTitle),
  Type.Object({ type: Type.Literal('blocks'), title: PanelTitle, blocks: Type.Array(PanelBlock, { minItems: 1, maxItems: 50 }) }, { additionalProperties: false }),
]);
export type Panel = Static<typeof PanelContent>;

export const PluginDetail = Type.Composite([
  PluginSummary,
  Type.Object({
    /** What the manifest asks for; compare with `grants`. */
    requestedPermissions: Type.Array(PermissionSchema),
    /** What it may ask for while running (agor.permissions.request). */
    optionalPermissions: Type.Array(PermissionSchema),
    /** The hosts its `network` permission reaches. */
    networkHosts: Type.Array(Type.String()),
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

export const StatusEntry = Type.Object({ pluginId: Type.String(), pluginName: Type.String(), text: Type.String(), tooltip: Type.Union([Type.String(), Type.Null()]) });

export const ConsentQuestion = Type.Union([
  Type.Object({
    requestId: Type.String(),
    askedAt: Type.String(),
    kind: Type.Literal('permission'),
    pluginId: Type.String(),
    pluginName: Type.String(),
    permission: PermissionSchema,
    reason: Type.String(),
  }),
  Type.Object({
    requestId: Type.String(),
    askedAt: Type.String(),
    kind: Type.Literal('agent_run'),
    pluginId: Type.String(),
    pluginName: Type.String(),
    projectName: Type.String(),
    prompt: Type.String(),
  }),
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
  /** Grants or revokes one permission of an installed plugin, at once (audited as permission_granted / permission_revoked). */
  'plugins.setPermission': {
    args: Type.Object({ id: PluginIdArg, permission: PermissionSchema, granted: Type.Boolean() }, { additionalProperties: false }),
    result: PluginSummary,
  },
  /** Enables a sideloaded plugin with the permissions the user approved in the consent dialog. */
  'plugins.approveSideload': {
    args: Type.Object({ id: PluginIdArg, acceptedPermissions: Type.Array(PermissionSchema, { maxItems: 50 }) }, { additionalProperties: false }),
    result: PluginSummary,
  },
  /**
   * "Load unpacked…": a plugin folder anywhere on disk (its full path), copied
   * into plugins/ as a sideloaded plugin (it runs once its permissions are
   * approved) and reloaded whenever its files change.
   */
  'plugins.loadUnpacked': {
    args: Type.Object({ folder: Type.String({ minLength: 1, maxLength: 4096 }) }, { additionalProperties: false }),
    result: PluginSummary,
  },
  /** The user submitted a form, pressed a button or a list item's action on a plugin's panel. */
  'plugins.panelAction': {
    args: Type.Object(
      {
        id: PluginIdArg,
        blockId: Type.String({ minLength: 1, maxLength: 64 }),
        actionId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        values: Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.String({ maxLength: 100_000 }), Type.Number(), Type.Boolean()]), { maxProperties: 30 }),
      },
      { additionalProperties: false },
    ),
    /** A failed handler's message is for the form it came from. */
    result: Type.Union([Type.Object({ ok: Type.Literal(true) }), Type.Object({ ok: Type.Literal(false), error: Type.String() })]),
  },
  'plugins.statusItems': { args: NoArgs, result: Type.Object({ items: Type.Array(StatusEntry) }) },
  /** Questions plugins are waiting on (a permission asked for at run time, a first agent run). */
  'plugins.consents': { args: NoArgs, result: Type.Object({ pending: Type.Array(ConsentQuestion) }) },
  'plugins.answerConsent': {
    args: Type.Object({ requestId: Type.String({ minLength: 1, maxLength: 100 }), allow: Type.Boolean() }, { additionalProperties: false }),
    result: Type.Object({ answered: Type.Boolean() }),
  },
  /** What the user is looking at, for plugins holding `sessions` (agor.sessions.current). */
  'plugins.setViewContext': {
    args: Type.Object(
      { sessionId: Type.Union([Type.String({ maxLength: 300 }), Type.Null()]), projectId: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]) },
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
  'plugins.status': Type.Object({ items: Type.Array(StatusEntry) }),
  /** A question was asked, or (`answered`) is no longer open. */
  'plugins.consent': Type.Union([ConsentQuestion, Type.Object({ requestId: Type.String(), answered: Type.Literal(true) })]),
} as const;

export type PluginSummaryValue = Static<typeof PluginSummary>;
export type PluginDetailValue = Static<typeof PluginDetail>;
export type PluginLogLineValue = Static<typeof PluginLogLine>;
export type PluginIncidentValue = Static<typeof PluginIncident>;
export type PaletteEntryValue = Static<typeof PaletteEntry>;
