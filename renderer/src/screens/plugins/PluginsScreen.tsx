import { useEffect, useState } from 'react';
import type { PluginDetailValue, PluginSummaryValue } from '../../../../app/contract/plugins.ts';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { arrowKeys, Badge, Banner, Button, EmptyState, errorMessage, PuzzleIcon, SafeText, safeString, Spinner } from '../../ui/index.ts';
import type { ScreenProps } from '../types.ts';
import { STATE_LABEL, STATE_TONE } from './format.ts';
import { missingGrantsText } from './PermissionsSection.tsx';
import { PluginPage } from './PluginPage.tsx';
import { needsApproval, SideloadDialog } from './SideloadDialog.tsx';
import { useMissingGrants } from './useMissingGrants.ts';
import { followPluginList, usePluginList } from './usePlugins.ts';
import { LoadUnpackedDialog } from './LoadUnpackedDialog.tsx';
import './plugins.css';

/** Installed plugins, or one plugin's page when opened with `{ pluginId }`. */
export function PluginsScreen({ params }: ScreenProps) {
  return params.pluginId ? <PluginPage key={params.pluginId} id={params.pluginId} /> : <InstalledList />;
}

function InstalledList() {
  const { plugins, updates, loaded, loadError } = usePluginList();
  const [loadingUnpacked, setLoadingUnpacked] = useState(false);
  useEffect(() => followPluginList(), []);

  return (
    <div className="screen">
      <header className="screen-header">
        <div>
          <h1>Plugins</h1>
          <p>Every installed plugin runs in its own sandboxed process and can do only what you granted it.</p>
        </div>
        <Button onClick={() => setLoadingUnpacked(true)}>Load unpacked…</Button>
      </header>
      {loadingUnpacked ? <LoadUnpackedDialog onClose={() => setLoadingUnpacked(false)} /> : null}
      {loadError ? (
        <Banner tone="danger" title="The plugin list could not be loaded." action={<Button size="sm" onClick={() => void usePluginList.getState().load()}>Try again</Button>}>
          {loadError}
        </Banner>
      ) : null}
      {!loaded ? (
        <div className="plugins-loading"><Spinner label="Loading plugins" /></div>
      ) : plugins.length === 0 && !loadError ? (
        <EmptyState icon={PuzzleIcon} title="No plugins installed">Plugins you install from the marketplace appear here.</EmptyState>
      ) : (
        <ul className="plugin-list" aria-label="Installed plugins" onKeyDown={arrowKeys({ selector: '.plugin-row-main' })}>
          {plugins.map((plugin) => <PluginRow key={plugin.id} plugin={plugin} latestVersion={updates[plugin.id] ?? null} />)}
        </ul>
      )}
    </div>
  );
}

function PluginRow({ plugin, latestVersion }: { plugin: PluginSummaryValue; latestVersion: string | null }) {
  const [busy, setBusy] = useState(false);
  // The state the user asked for, shown until main has answered (then the summary says what happened).
  const [asked, setAsked] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [approving, setApproving] = useState<PluginDetailValue | null>(null);
  const missing = useMissingGrants(plugin);
  const broken = plugin.errors.length > 0;

  const toggle = async (enabled: boolean) => {
    setBusy(true);
    setAsked(enabled);
    setError(null);
    try {
      // A sideloaded plugin nobody approved yet opens the install's consent dialog instead.
      const detail = enabled && plugin.sideloaded ? await api.invoke('plugins.get', { id: plugin.id }) : null;
      if (detail && needsApproval(detail)) setApproving(detail);
      else await api.invoke('plugins.setEnabled', { id: plugin.id, enabled });
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
      setAsked(null);
    }
  };

  return (
    <li className="plugin-row" aria-label={safeString(plugin.name)}>
      <button type="button" className="plugin-row-main" onClick={() => navigate('plugins', { pluginId: plugin.id })}>
        <span className="plugin-row-icon" aria-hidden="true"><PuzzleIcon size={18} /></span>
        <span className="plugin-row-text">
          <span className="plugin-row-title">
            <SafeText as="strong" text={plugin.name} truncate />
            <span className="plugin-row-version">v{plugin.version}</span>
          </span>
          <span className="plugin-row-description">
            <SafeText text={broken ? plugin.errors[0]! : plugin.stateReason && plugin.state !== 'running' ? plugin.stateReason : plugin.description || plugin.id} />
          </span>
          {error ? <span className="plugin-row-error" role="alert">{error}</span> : null}
        </span>
      </button>
      <span className="plugin-row-badges">
        {plugin.sideloaded ? <Badge tone="warning">Sideloaded</Badge> : null}
        {missing.length ? <Badge tone="warning" label={missingGrantsText(missing)}>Missing permissions</Badge> : null}
        {latestVersion ? <Badge tone="warning">Update to v{latestVersion}</Badge> : plugin.hasUpdate ? <Badge tone="warning">Update available</Badge> : null}
        <Badge tone={STATE_TONE[plugin.state]} label={`State: ${STATE_LABEL[plugin.state]}`}>{busy ? <Spinner /> : null}{STATE_LABEL[plugin.state]}</Badge>
      </span>
      <input
        type="checkbox"
        role="switch"
        className="switch"
        aria-label={`Enable ${safeString(plugin.name)}`}
        checked={asked ?? plugin.enabled}
        disabled={busy || (broken && !plugin.enabled)}
        title={broken && !plugin.enabled ? 'This plugin cannot start until its problem is fixed.' : undefined}
        onChange={(e) => void toggle(e.target.checked)}
      />
      {approving ? <SideloadDialog detail={approving} onClose={() => setApproving(null)} onApproved={() => setApproving(null)} /> : null}
    </li>
  );
}
