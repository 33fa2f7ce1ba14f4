import { Type } from '@sinclair/typebox';
import { NoArgs } from './app.ts';
import { UpdateCheckMode } from './updates.ts';

export const Theme = Type.Union([Type.Literal('light'), Type.Literal('dark'), Type.Literal('system')], {
  words: { invalid: 'Choose light, dark or system' },
});

/** Everything the user can change. The data folder is derived and read-only. */
export const EditableSettings = Type.Object(
  {
    theme: Theme,
    catalogRefreshMinutes: Type.Integer({ minimum: 5, maximum: 1440, words: { unit: 'minutes', empty: 'Enter a number of minutes' } }),
    desktopNotifications: Type.Boolean(),
    auditRetentionDays: Type.Integer({ minimum: 1, maximum: 3650, words: { unit: 'days', empty: 'Enter a number of days' } }),
    updateChecks: UpdateCheckMode,
    /** A plugin with activation events (none of them onStartup) is stopped after this long without use. */
    pluginIdleMinutes: Type.Integer({ minimum: 1, maximum: 1440, words: { unit: 'minutes', empty: 'Enter a number of minutes' } }),
  },
  { additionalProperties: false },
);

export const Settings = Type.Composite([EditableSettings, Type.Object({ dataFolder: Type.String() })]);

export const DEFAULT_SETTINGS = {
  theme: 'system',
  catalogRefreshMinutes: 60,
  desktopNotifications: true,
  auditRetentionDays: 90,
  updateChecks: 'on',
  pluginIdleMinutes: 10,
} as const;

export const settingsChannels = {
  'settings.get': { args: NoArgs, result: Settings },
  'settings.update': { args: Type.Partial(EditableSettings, { additionalProperties: false }), result: Settings },
} as const;

export const settingsEvents = {
  'settings.changed': Settings,
} as const;
