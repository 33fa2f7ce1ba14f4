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

/** Plugin ids double as folder names, so they are kept to a safe alphabet (defined with the manifest schema). */
export { PLUGIN_ID_PATTERN, isSafePluginId } from '../../app/manifest.ts';
