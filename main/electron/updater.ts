import { join } from 'node:path';
import type { Updater } from '../updates/updates.ts';

export interface UpdaterEnvironment {
  isPackaged: boolean;
  resourcesPath: string;
  /** Reads a file, or undefined when it does not exist. */
  readFile(path: string): string | undefined;
  /** electron-updater's autoUpdater; loaded only when this build can update. */
  load(): Updater;
}

/** The feed electron-builder wrote into app-update.yml, if it is an https URL. */
export function feedProblem(appUpdateYml: string): string | null {
  const provider = /^provider:\s*(\S+)\s*$/m.exec(appUpdateYml)?.[1];
  const url = /^url:\s*(\S+)\s*$/m.exec(appUpdateYml)?.[1]?.replace(/^['"]|['"]$/g, '');
  if (provider !== 'generic') return `The update feed in app-update.yml is "${provider ?? 'missing'}", not the generic HTTPS provider this app uses.`;
  if (!url || !/^https:\/\//.test(url)) return `The update feed must be an https URL; app-update.yml has ${url ? `"${url}"` : 'none'}.`;
  return null;
}

/**
 * The updater of the installed app: electron-updater over Electron's net
 * (system proxy and trust store), verifying the sha512 from latest.yml and,
 * on Windows and macOS, the code signature. A development run or a build
 * packaged without a feed says why it does not update.
 */
export function electronUpdater(env: UpdaterEnvironment): Updater | { unsupported: string } {
  if (!env.isPackaged) return { unsupported: 'This is a development run; only the installed app updates itself.' };
  const config = env.readFile(join(env.resourcesPath, 'app-update.yml'));
  if (config === undefined) return { unsupported: 'This build was packaged without an update feed (SWITCHBOARD_UPDATE_URL), so it does not update itself.' };
  const problem = feedProblem(config);
  if (problem) return { unsupported: problem };
  return env.load();
}
