import { join } from 'node:path';

/**
 * Where plugins live in the data folder. Only `plugins/<id>/` is ever
 * started; the other folders exist so that install, update and rollback can
 * be made atomic with renames on one file system.
 */
export interface PluginPaths {
  /** `plugins/<id>/`: the installed version of each plugin. */
  root: string;
  /** `plugin-backups/<id>/`: the version an update replaced, for rollback. */
  backups: string;
  /** `plugin-staging/<random>/`: downloads and extractions in progress; emptied at start-up. */
  staging: string;
}

export function pluginPaths(dataDir: string): PluginPaths {
  return { root: join(dataDir, 'plugins'), backups: join(dataDir, 'plugin-backups'), staging: join(dataDir, 'plugin-staging') };
}

/** Plugin ids double as folder names, so they are kept to a safe alphabet. */
export const PLUGIN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,127}$/i;

export function isSafePluginId(id: string): boolean {
  return PLUGIN_ID_PATTERN.test(id) && id !== '.' && id !== '..' && !id.includes('..');
}
