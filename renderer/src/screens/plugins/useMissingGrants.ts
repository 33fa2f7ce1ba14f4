import { useEffect, useState } from 'react';
import type { PluginSummaryValue } from '../../../../app/contract/plugins.ts';
import type { Permission } from '../../../../app/permissions.ts';
import { api } from '../../api.ts';
import { missingGrants } from './PermissionsSection.tsx';

/**
 * What a running plugin asks for but was not granted, for its card. The
 * summary carries only the grants, so the card asks for the detail when the
 * plugin is running and whenever its grants change.
 */
export function useMissingGrants(plugin: PluginSummaryValue): Permission[] {
  const [missing, setMissing] = useState<Permission[]>([]);
  const running = plugin.state === 'running';
  const grants = plugin.grants.join();
  useEffect(() => {
    if (!running) {
      setMissing([]);
      return;
    }
    let current = true;
    api.invoke('plugins.get', { id: plugin.id }).then(
      (detail) => current && setMissing(missingGrants(detail)),
      // A plugin that went away meanwhile has nothing to warn about; its row leaves with the next list.
      () => current && setMissing([]),
    );
    return () => {
      current = false;
    };
  }, [plugin.id, running, grants]);
  return missing;
}
