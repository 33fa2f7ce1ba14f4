import type { CatalogEntryData } from '../../../../app/catalog.ts';
import type { Permission } from '../../../../app/permissions.ts';
import { api } from '../../api.ts';
import { errorMessage } from '../../ui/index.ts';
import { entryKey, useMarketplace, type InstalledValue } from './useMarketplace.ts';

/** Runs an action for one card; its error is shown on that card, never thrown. */
async function guarded(key: string, action: () => Promise<unknown>): Promise<boolean> {
  const { setError } = useMarketplace.getState();
  setError(key, null);
  try {
    await action();
    return true;
  } catch (err) {
    setError(key, errorMessage(err));
    return false;
  } finally {
    await useMarketplace.getState().reloadInstalled();
  }
}

export const installEntry = (entry: CatalogEntryData, accepted: readonly Permission[]) =>
  guarded(entryKey(entry), () => api.invoke('marketplace.install', { pluginId: entry.id, sourceId: entry.sourceId, acceptedPermissions: [...accepted] }));

export const cancelOperation = (pluginId: string) => api.invoke('marketplace.cancel', { pluginId });

/** Returns the permissions that wait for approval, or null when the update ran (or failed: see the card). */
export async function updatePlugin(key: string, plugin: InstalledValue): Promise<Permission[] | null> {
  let waiting: Permission[] | null = null;
  await guarded(key, async () => {
    const result = await api.invoke('marketplace.update', { pluginId: plugin.id });
    if (result.status === 'needs_approval') waiting = result.newPermissions;
  });
  return waiting;
}

export const approveUpdate = (key: string, pluginId: string, accepted: readonly Permission[]) =>
  guarded(key, () => api.invoke('marketplace.approveUpdate', { pluginId, acceptedPermissions: [...accepted] }));

export const rollbackPlugin = (key: string, pluginId: string) => guarded(key, () => api.invoke('marketplace.rollback', { pluginId }));

export const uninstallPlugin = (key: string, pluginId: string) => guarded(key, () => api.invoke('marketplace.uninstall', { pluginId }));

export const saveLicenseKey = (entry: CatalogEntryData, licenseKey: string | null) =>
  guarded(entryKey(entry), async () => {
    await api.invoke('marketplace.setLicenseKey', { pluginId: entry.id, sourceId: entry.sourceId, key: licenseKey });
    await useMarketplace.getState().load();
  });

export const openLink = (key: string, url: string) => guarded(key, () => api.invoke('app.openExternal', { url }));
