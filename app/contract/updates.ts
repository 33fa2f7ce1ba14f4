import { Type } from '@sinclair/typebox';
import { NoArgs } from './app.ts';

/** on: check and download by itself; ask: check, and download only when told; off: only "Check for updates". */
export const UpdateCheckMode = Type.Union([Type.Literal('on'), Type.Literal('ask'), Type.Literal('off')], {
  errorMessage: 'Update checks must be on, ask or off',
});

export const UpdateState = Type.Union([
  /** This build cannot update itself (the browser harness, a development run, no update feed); `message` says why. */
  Type.Literal('unsupported'),
  Type.Literal('idle'),
  Type.Literal('checking'),
  Type.Literal('not-available'),
  /** A newer version exists and waits for "Download". */
  Type.Literal('available'),
  Type.Literal('downloading'),
  /** Downloaded and verified; it installs when the user restarts (or quits, if they chose that). */
  Type.Literal('downloaded'),
  Type.Literal('error'),
]);

export const UpdateStatus = Type.Object({
  state: UpdateState,
  currentVersion: Type.String(),
  /** The version offered, once a check found one. */
  version: Type.Union([Type.String(), Type.Null()]),
  /** Download progress, 0–100, while downloading. */
  percent: Type.Union([Type.Number(), Type.Null()]),
  transferredBytes: Type.Union([Type.Number(), Type.Null()]),
  totalBytes: Type.Union([Type.Number(), Type.Null()]),
  /** Why updates are unsupported, or what went wrong, in words for the user. */
  message: Type.Union([Type.String(), Type.Null()]),
  /** The user agreed to install the downloaded version when the app quits. */
  installOnQuit: Type.Boolean(),
  checkedAt: Type.Union([Type.String(), Type.Null()]),
});

export const updateChannels = {
  'updates.status': { args: NoArgs, result: UpdateStatus },
  'updates.check': { args: NoArgs, result: UpdateStatus },
  'updates.download': { args: NoArgs, result: UpdateStatus },
  /** The user's consent: restart now, or install when the app quits. */
  'updates.install': {
    args: Type.Object({ when: Type.Union([Type.Literal('now'), Type.Literal('on-quit')], { errorMessage: 'Install when must be now or on-quit' }) }, { additionalProperties: false }),
    result: UpdateStatus,
  },
} as const;

export const updateEvents = {
  'updates.changed': UpdateStatus,
} as const;
