import { useState } from 'react';
import type { PluginDetailValue, PluginSummaryValue } from '../../../../app/contract/plugins.ts';
import { api } from '../../api.ts';
import { Banner, errorMessage } from '../../ui/index.ts';
import { PermissionConsentDialog } from '../marketplace/dialogs.tsx';

/** A plugin placed in plugins/ by hand (or loaded unpacked) that nobody has approved yet: it has no registry row. */
export function needsApproval(detail: Pick<PluginDetailValue, 'sideloaded' | 'installedAt' | 'errors'>): boolean {
  return detail.sideloaded && detail.installedAt === null && detail.errors.length === 0;
}

/**
 * The install's consent dialog, for a sideloaded plugin: approving sends
 * exactly the permissions its manifest asks for, and main enables it.
 */
export function SideloadDialog({ detail, onApproved, onClose }: { detail: PluginDetailValue; onApproved(summary: PluginSummaryValue): void; onClose(): void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const approve = async () => {
    setBusy(true);
    setError(null);
    try {
      onApproved(await api.invoke('plugins.approveSideload', { id: detail.id, acceptedPermissions: detail.requestedPermissions }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <PermissionConsentDialog
      title={`Enable ${detail.name}?`}
      description={`${detail.name} ${detail.version} was placed in your plugins folder by hand, not installed from a catalog.`}
      permissions={detail.requestedPermissions}
      networkHosts={detail.networkHosts}
      confirmLabel={detail.requestedPermissions.length ? 'Allow and enable' : 'Enable'}
      busy={busy}
      error={error}
      onConfirm={() => void approve()}
      onClose={onClose}
    >
      <Banner tone="warning" title="Sideloaded: nobody vouches for this plugin">
        <p>
          No catalog lists it, so nothing checked who wrote it or whether its files were changed. It runs from <span className="mono">{detail.folder}</span>.
        </p>
        <p>Enable it only if you trust whoever put it there.</p>
      </Banner>
    </PermissionConsentDialog>
  );
}
