import { Type } from '@sinclair/typebox';

export const NoArgs = Type.Object({}, { additionalProperties: false });

export const AppStatus = Type.Union([
  Type.Object({ state: Type.Literal('ready'), version: Type.String(), dataFolder: Type.String() }),
  Type.Object({
    state: Type.Literal('database_error'),
    version: Type.String(),
    dataFolder: Type.String(),
    databasePath: Type.String(),
    message: Type.String(),
  }),
]);

export const appChannels = {
  'app.status': { args: NoArgs, result: AppStatus },
  /** Moves an unreadable database aside (never deletes it) and starts with a fresh one. */
  'app.resetDatabase': {
    args: NoArgs,
    result: Type.Object({ movedTo: Type.String(), status: AppStatus }),
  },
} as const;

export const appEvents = {
  'app.statusChanged': AppStatus,
} as const;
