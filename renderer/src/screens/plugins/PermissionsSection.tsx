import { useState } from 'react';
import type { PluginDetailValue, PluginSummaryValue } from '../../../../app/contract/plugins.ts';
import { networkConsent, PERMISSION_TEXT, type Permission } from '../../../../app/permissions.ts';
import { api } from '../../api.ts';
import { Badge, Banner, errorMessage, SafeText, Spinner } from '../../ui/index.ts';
import { PERMISSION_ICON } from '../marketplace/permissions.tsx';
import './interactive.css';

/** What the manifest asks for that the user has not granted. */
export function missingGrants(plugin: Pick<PluginDetailValue, 'requestedPermissions' | 'grants'>): Permission[] {
  return plugin.requestedPermissions.filter((p) => !plugin.grants.includes(p));
}

export function missingGrantsText(missing: readonly Permission[]): string {
  return `Running without ${missing.length === 1 ? 'a permission' : `${missing.length} permissions`} it asks for: ${missing.map((p) => PERMISSION_TEXT[p].title).join(', ')}.`;
}

/**
 * Every permission the plugin asks for or may ask for, each with a switch:
 * granting or revoking takes effect from the plugin's next call (main checks
 * the registry every time) and is an audit row.
 */
export function PermissionsSection({ detail, approved, onChanged }: { detail: PluginDetailValue; approved: boolean; onChanged(summary: PluginSummaryValue): Promise<void> }) {
  /** The switch being changed and where it is going, shown until main's answer arrives. */
  const [busy, setBusy] = useState<{ permission: Permission; granted: boolean } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const listed = [...new Set<Permission>([...detail.requestedPermissions, ...detail.optionalPermissions, ...detail.grants])];
  const missing = missingGrants(detail);

  const change = async (permission: Permission, granted: boolean) => {
    setBusy({ permission, granted });
    setError(null);
    try {
      // The switch shows where it is going until the page holds main's answer.
      await onChanged(await api.invoke('plugins.setPermission', { id: detail.id, permission, granted }));
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(null);
    }
  };

  return (
    <>
      {detail.state === 'running' && missing.length ? (
        <Banner tone="warning" title={missingGrantsText(missing)}>
          What needs {missing.length === 1 ? 'it' : 'them'} will fail until you allow {missing.length === 1 ? 'it' : 'them'} below.
        </Banner>
      ) : null}
      {error ? <Banner tone="danger" title="The permission was not changed.">{error}</Banner> : null}
      {!approved ? <p className="plugin-muted">Approve this sideloaded plugin first (its Enable switch); then you can change each permission here.</p> : null}
      {listed.length === 0 ? (
        <p className="plugin-muted">It asks for nothing: it can keep its own storage and nothing else.</p>
      ) : (
        <ul className="plugin-permissions plugin-permission-switches">
          {listed.map((p) => {
            const Icon = PERMISSION_ICON[p];
            const granted = busy?.permission === p ? busy.granted : detail.grants.includes(p);
            const optional = !detail.requestedPermissions.includes(p);
            return (
              <li key={p} className={granted ? 'is-granted' : undefined}>
                <Icon size={16} />
                <div>
                  <strong>{PERMISSION_TEXT[p].title}</strong>
                  {optional ? <Badge>Optional</Badge> : null}
                  <p>{PERMISSION_TEXT[p].description}</p>
                  {p === 'network' ? <p className="plugin-permission-hosts"><SafeText text={networkConsent(detail.networkHosts)} /></p> : null}
                </div>
                <label className="plugin-permission-toggle">
                  {busy?.permission === p ? <Spinner /> : null}
                  <span>{granted ? 'Allowed' : 'Not allowed'}</span>
                  <input
                    type="checkbox"
                    role="switch"
                    className="switch"
                    aria-label={PERMISSION_TEXT[p].title}
                    checked={granted}
                    disabled={!approved || busy !== null}
                    onChange={(e) => void change(p, e.target.checked)}
                  />
                </label>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
