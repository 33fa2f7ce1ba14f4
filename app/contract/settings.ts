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
    /** Opt-in: send per-session usage figures (never message content) to the team's Hub. The token lives in the keyring. */
    teamUsage: Type.Object({ enabled: Type.Boolean(), hubUrl: Type.String({ maxLength: 2000 }) }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

/** The keyring entry that holds the personal access token for the team Hub (never the database or a log). */
export const TEAM_HUB_TOKEN_SECRET = 'team-hub-token';

export const Settings = Type.Composite([EditableSettings, Type.Object({ dataFolder: Type.String() })]);

export const DEFAULT_SETTINGS = {
  theme: 'system',
  catalogRefreshMinutes: 60,
  desktopNotifications: true,
  auditRetentionDays: 90,
  updateChecks: 'on',
  pluginIdleMinutes: 10,
  teamUsage: { enabled: false, hubUrl: '' },
} as const;

export const settingsChannels = {
  'settings.get': { args: NoArgs, result: Settings },
  'settings.update': { args: Type.Partial(EditableSettings, { additionalProperties: false }), result: Settings },
  /** Sends the team Hub the usage of finished sessions it does not have yet; how many went. */
  'settings.sendTeamUsage': { args: NoArgs, result: Type.Object({ sent: Type.Integer({ minimum: 0 }) }) },
} as const;

export const settingsEvents = {
  'settings.changed': Settings,
} as const;
