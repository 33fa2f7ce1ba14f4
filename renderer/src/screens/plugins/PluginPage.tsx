import { useEffect, useState, type ReactNode } from 'react';
import type { PluginDetailValue } from '../../../../app/contract/plugins.ts';
import { api } from '../../api.ts';
import { navigate } from '../../stores/navigation.ts';
import { Badge, Banner, Button, Dialog, EmptyState, errorMessage, PuzzleIcon, RefreshIcon, SafeText, Spinner, Time, TrashIcon } from '../../ui/index.ts';
import { formatMemory, formatUptime, STATE_LABEL, STATE_TONE } from './format.ts';
import { LicenseFacts } from './LicenseFacts.tsx';
import { LogView } from './LogView.tsx';
import { missingGrants, missingGrantsText, PermissionsSection } from './PermissionsSection.tsx';
import { PluginPanel } from './PluginPanel.tsx';
import { SettingsForm } from './SettingsForm.tsx';
import { needsApproval, SideloadDialog } from './SideloadDialog.tsx';
import { usePluginList, usePluginPage } from './usePlugins.ts';

type Action = 'restart' | 'reload' | 'rollback' | 'uninstall' | 'enable' | 'disable';

const ACTION_DONE: Record<Action, string> = {
  restart: 'Restarted.',
  reload: 'Reloaded from disk.',
  rollback: 'Rolled back to the previous version.',
  uninstall: 'Uninstalled.',
  enable: 'Enabled.',
  disable: 'Disabled.',
};

function Section({ title, description, children, actions }: { title: string; description?: string; children: ReactNode; actions?: ReactNode }) {
  return (
    <section className="panel plugin-section" aria-label={title}>
      <header className="panel-header">
        <div>
          <h2>{title}</h2>
          {description ? <p>{description}</p> : null}
        </div>
        {actions}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}

/** Uptime counted on from the last summary, so it moves without asking main every second. */
function useLiveUptime(detail: PluginDetailValue | null): number | null {
  const [now, setNow] = useState(() => Date.now());
  const [base, setBase] = useState<{ ms: number | null; at: number }>({ ms: null, at: Date.now() });
  useEffect(() => setBase({ ms: detail?.uptimeMs ?? null, at: Date.now() }), [detail?.uptimeMs, detail?.state]);
  useEffect(() => {
    if (detail?.state !== 'running') return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [detail?.state]);
  return base.ms === null ? null : base.ms + Math.max(0, now - base.at);
}

export function PluginPage({ id }: { id: string }) {
  const { detail, logs, error, gone, reload } = usePluginPage(id);
  const [busy, setBusy] = useState<Action | null>(null);
  const [outcome, setOutcome] = useState<{ tone: 'info' | 'danger'; text: string } | null>(null);
  const [confirmUninstall, setConfirmUninstall] = useState(false);
  const [approving, setApproving] = useState(false);
  const uptime = useLiveUptime(detail);
  const latestVersion = usePluginList((s) => s.updates[id]) ?? null;
  useEffect(() => {
    void usePluginList.getState().loadUpdates();
  }, [id]);

  const act = async (action: Action, call: () => Promise<unknown>) => {
    setBusy(action);
    setOutcome(null);
    try {
      await call();
      setOutcome({ tone: 'info', text: ACTION_DONE[action] });
      if (action === 'uninstall') navigate('plugins');
      else await reload();
    } catch (err) {
      setOutcome({ tone: 'danger', text: errorMessage(err) });
      await reload();
    } finally {
      setBusy(null);
    }
  };

  const back = <Button variant="ghost" size="sm" onClick={() => navigate('plugins')}>← All plugins</Button>;

  if (gone) {
    return (
      <div className="screen">
        {back}
        <EmptyState icon={PuzzleIcon} title="This plugin is no longer installed" />
      </div>
    );
  }
  if (!detail) {
    return (
      <div className="screen">
        {back}
        {error ? <Banner tone="danger" title="This plugin could not be loaded.">{error}</Banner> : <div className="plugins-loading"><Spinner label="Loading plugin" /></div>}
      </div>
    );
  }

  const unapproved = needsApproval(detail);
  const missing = detail.state === 'running' ? missingGrants(detail) : [];

  return (
    <div className="screen plugin-page">
      {back}
      <header className="screen-header">
        <div>
          <h1>
            <SafeText text={detail.name} />
          </h1>
          <p className="plugin-page-subtitle">
            <span>v{detail.version}</span>
            <span className="mono">{detail.id}</span>
            <Badge tone={STATE_TONE[detail.state]} label={`State: ${STATE_LABEL[detail.state]}`}>{STATE_LABEL[detail.state]}</Badge>
            {detail.sideloaded ? <Badge tone="warning">Sideloaded</Badge> : null}
            {missing.length ? <Badge tone="warning" label={missingGrantsText(missing)}>Missing permissions</Badge> : null}
            {latestVersion ? <Badge tone="warning">Update to v{latestVersion} available</Badge> : null}
          </p>
        </div>
        <div className="screen-actions plugin-page-actions">
          <label className="plugin-enable">
            <input
              type="checkbox"
              role="switch"
              className="switch"
              checked={busy === 'enable' ? true : busy === 'disable' ? false : detail.enabled}
              disabled={busy !== null}
              onChange={(e) => {
                const enabled = e.target.checked;
                if (enabled && unapproved) {
                  setApproving(true);
                  return;
                }
                void act(enabled ? 'enable' : 'disable', () => api.invoke('plugins.setEnabled', { id, enabled }));
              }}
            />
            Enabled
          </label>
          <Button icon={RefreshIcon} busy={busy === 'restart'} disabled={busy !== null || !detail.enabled} onClick={() => void act('restart', () => api.invoke('plugins.restart', { id }))}>Restart</Button>
          <Button busy={busy === 'reload'} disabled={busy !== null || !detail.enabled} onClick={() => void act('reload', () => api.invoke('plugins.reload', { id }))}>Reload from disk</Button>
          {detail.canRollback ? (
            <Button busy={busy === 'rollback'} disabled={busy !== null} onClick={() => void act('rollback', () => api.invoke('marketplace.rollback', { pluginId: id }))}>
              Roll back to v{detail.previousVersion}
            </Button>
          ) : null}
          <Button variant="danger" icon={TrashIcon} disabled={busy !== null} onClick={() => setConfirmUninstall(true)}>Uninstall</Button>
        </div>
      </header>

      {outcome ? <Banner tone={outcome.tone}>{outcome.text}</Banner> : null}
      {detail.errors.length ? (
        <Banner tone="danger" title="This plugin cannot start.">
          <ul className="plugin-errors">{detail.errors.map((e) => <li key={e}><SafeText text={e} /></li>)}</ul>
        </Banner>
      ) : null}

      <div className="plugin-overview">
        <Section title="Overview">
          <p>{detail.description ? <SafeText text={detail.description} /> : 'No description.'}</p>
          <dl className="plugin-facts">
            <dt>Installed</dt>
            <dd>{detail.installedAt ? <Time iso={detail.installedAt} /> : 'Placed by hand'}</dd>
            <dt>Folder</dt>
            <dd className="mono">{detail.folder}</dd>
            {detail.previousVersion ? (
              <>
                <dt>Previous version</dt>
                <dd>v{detail.previousVersion}</dd>
              </>
            ) : null}
            <dt>Commands</dt>
            <dd>{detail.commands.length ? detail.commands.map((c) => c.label).join(', ') : 'None'}</dd>
          </dl>
          <LicenseFacts id={id} revision={detail.enabled} />
        </Section>
        <Section title="Health">
          <dl className="plugin-facts plugin-health">
            <dt>State</dt>
            <dd>
              {STATE_LABEL[detail.state]}
              {detail.stateReason ? <span className="plugin-state-reason"> — {detail.stateReason}</span> : null}
            </dd>
            <dt>Uptime</dt>
            <dd>{detail.state === 'running' ? formatUptime(uptime) : '—'}</dd>
            <dt>Memory</dt>
            <dd>{formatMemory(detail.memoryBytes)}</dd>
            <dt>Restarts</dt>
            <dd>{detail.restarts}</dd>
          </dl>
          {detail.incidents.length ? (
            <ul className="plugin-incidents" aria-label="Incidents">
              {detail.incidents.slice(-5).reverse().map((incident, i) => (
                <li key={i}>
                  <Badge tone="danger">{incident.kind.replace('_', ' ')}</Badge> <SafeText text={incident.reason} /> <Time iso={incident.at} />
                </li>
              ))}
            </ul>
          ) : null}
        </Section>
      </div>

      <Section title="Panel" description="What the plugin shows here, drawn by Switchboard from its data.">
        {detail.panel ? <PluginPanel pluginId={id} panel={detail.panel} /> : <p className="plugin-muted">This plugin has not shown a panel.</p>}
      </Section>

      <Section title="Settings">
        {detail.uiSchema.length ? (
          <SettingsForm key={detail.version} pluginId={id} uiSchema={detail.uiSchema} values={detail.settings} onSaved={() => void reload()} />
        ) : (
          <p className="plugin-muted">This plugin has no settings.</p>
        )}
      </Section>

      <Section title="Permissions" description="Allow or revoke each one; a change holds from the plugin's next request. Main refuses everything not allowed.">
        <PermissionsSection detail={detail} approved={!unapproved} onChanged={reload} />
      </Section>

      <Section title="Log" description="Its console output and what Switchboard did to it; the last 1,000 lines.">
        <LogView lines={logs} />
      </Section>

      {approving ? (
        <SideloadDialog
          detail={detail}
          onClose={() => setApproving(false)}
          onApproved={() => {
            setApproving(false);
            setOutcome({ tone: 'info', text: ACTION_DONE.enable });
            void reload();
          }}
        />
      ) : null}

      {confirmUninstall ? (
        <Dialog
          title={`Uninstall ${detail.name}?`}
          role="alertdialog"
          width="sm"
          onClose={() => setConfirmUninstall(false)}
          footer={
            <>
              <Button variant="ghost" onClick={() => setConfirmUninstall(false)}>Cancel</Button>
              <Button
                variant="danger"
                onClick={() => {
                  setConfirmUninstall(false);
                  void act('uninstall', () => api.invoke('marketplace.uninstall', { pluginId: id }));
                }}
              >
                Uninstall
              </Button>
            </>
          }
        >
          <p>Its process is stopped, its files removed and everything it stored is deleted. Tasks it created stay on the board.</p>
        </Dialog>
      ) : null}
    </div>
  );
}
