import { useRef, useState, type FormEvent, type ReactNode } from 'react';
import type { CatalogEntryData } from '../../../../app/catalog.ts';
import type { Permission } from '../../../../app/permissions.ts';
import { navigate } from '../../stores/navigation.ts';
import { Badge, Banner, Button, Dialog, Field, LockIcon, SafeText } from '../../ui/index.ts';
import { MarkdownPanel } from '../plugins/PanelStatic.tsx';
import { openLink, rollbackPlugin, saveLicenseKey, uninstallPlugin } from './actions.ts';
import { formatBytes, PermissionList } from './permissions.tsx';
import { entryKey, useMarketplace, type InstalledValue } from './useMarketplace.ts';

export interface PermissionConsentProps {
  title: string;
  description: string;
  permissions: readonly Permission[];
  /** The hosts `network` reaches, named under it. */
  networkHosts?: readonly string[];
  confirmLabel: string;
  busy?: boolean;
  /** Why confirming failed, shown in the dialog. */
  error?: string | null;
  onConfirm: () => void;
  onClose: () => void;
  /** Warnings under the list (an unverified source, a sideloaded folder). */
  children?: ReactNode;
}

/**
 * The one consent dialog: what the plugin will be able to do, in plain
 * words. An install and the approval of a sideloaded plugin both show it;
 * confirming sends exactly that list to main, which checks it.
 */
export function PermissionConsentDialog({ title, description, permissions, networkHosts, confirmLabel, busy = false, error = null, onConfirm, onClose, children }: PermissionConsentProps) {
  return (
    <Dialog
      title={title}
      description={description}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Cancel</Button>
          <Button variant="primary" onClick={onConfirm} busy={busy} data-autofocus>
            {confirmLabel}
          </Button>
        </>
      }
    >
      {permissions.length ? <p className="market-dialog-lead">It will be able to:</p> : null}
      <PermissionList permissions={permissions} networkHosts={networkHosts} />
      {error ? <Banner tone="danger">{error}</Banner> : null}
      {children}
    </Dialog>
  );
}

/** Lists exactly what the install will grant; confirming sends that list to main, which checks it. */
export function ConsentDialog({ entry, onConfirm, onClose }: { entry: CatalogEntryData; onConfirm: () => void; onClose: () => void }) {
  return (
    <PermissionConsentDialog
      title={`Install ${entry.name}?`}
      description={`${entry.name} ${entry.version} by ${entry.author}, from ${entry.sourceName}${entry.verified ? ' (verified)' : ' (unverified source)'}.`}
      permissions={entry.permissions}
      networkHosts={entry.networkHosts}
      confirmLabel={entry.permissions.length ? 'Allow and install' : 'Install'}
      onConfirm={onConfirm}
      onClose={onClose}
    >
      {!entry.verified ? (
        <Banner tone="warning" title="Unverified source: nobody vouches for this plugin">
          <p>
            This catalog is not signed, so Switchboard cannot tell who published {entry.name} or whether someone changed it on the way. The download is
            only checked against the checksum that same catalog gives.
          </p>
          <p>
            In the desktop app a plugin’s process has no operating-system sandbox: what holds it back is its locked-down JavaScript compartment and
            the permissions above, which Switchboard checks on every request. Install it only if you trust where it comes from.
          </p>
        </Banner>
      ) : null}
    </PermissionConsentDialog>
  );
}

/** An update that asks for more than the installed version was granted. */
export function ApproveUpdateDialog({
  plugin,
  entry,
  newPermissions,
  onConfirm,
  onClose,
}: {
  plugin: InstalledValue;
  entry: CatalogEntryData;
  newPermissions: readonly Permission[];
  onConfirm: () => void;
  onClose: () => void;
}) {
  return (
    <Dialog
      title={`${plugin.name} ${entry.version} asks for more`}
      description={`Version ${plugin.version} keeps running until you decide.`}
      onClose={onClose}
      footer={
        <>
          <Button onClick={onClose}>Not now</Button>
          <Button variant="primary" onClick={onConfirm} data-autofocus>
            Allow and update
          </Button>
        </>
      }
    >
      <p className="market-dialog-lead">After the update it will be able to:</p>
      <PermissionList permissions={entry.permissions} highlight={newPermissions} networkHosts={entry.networkHosts} />
    </Dialog>
  );
}

/** Everything about one entry, with the actions that fit its state. */
export function DetailDialog({
  entry,
  installed,
  onInstall,
  onUpdate,
  onClose,
}: {
  entry: CatalogEntryData;
  installed: InstalledValue | null;
  onInstall: () => void;
  onUpdate: () => void;
  onClose: () => void;
}) {
  const key = entryKey(entry);
  const error = useMarketplace((s) => s.errors[key]);
  const licensed = useMarketplace((s) => s.view?.licensed.includes(key) ?? false);
  const builtinSource = useMarketplace((s) => s.view?.sources.find((source) => source.id === entry.sourceId)?.builtin ?? false);
  const [busy, setBusy] = useState<string | null>(null);
  const [confirmRemove, setConfirmRemove] = useState(false);
  const licenseInput = useRef<HTMLInputElement>(null);
  const fromHere = installed?.sourceId === entry.sourceId;

  /** Resolves to whether the action succeeded; a failure is already shown in the dialog. */
  const run = async (what: string, action: () => Promise<boolean>): Promise<boolean> => {
    setBusy(what);
    const ok = await action();
    setBusy(null);
    return ok;
  };

  const submitLicense = async (event: FormEvent) => {
    event.preventDefault();
    const value = licenseInput.current?.value.trim() ?? '';
    if (!value) return;
    if ((await run('license', () => saveLicenseKey(entry, value))) && licenseInput.current) licenseInput.current.value = '';
  };

  const facts: [string, string][] = [
    ['Version', entry.version],
    ['Author', entry.author],
    ['Source', `${entry.sourceName}${entry.verified ? ' (verified)' : ' (unverified)'}`],
    ['Size', formatBytes(entry.size)],
    ['License', entry.license ?? 'Not stated'],
    ...(entry.minAppVersion ? ([['Needs Switchboard', `${entry.minAppVersion} or newer`]] as [string, string][]) : []),
    ...(installed ? ([['Installed', `${installed.version}${fromHere ? '' : ` from ${installed.sourceName ?? 'elsewhere'}`}`]] as [string, string][]) : []),
  ];

  const footer = (
    <>
      <Button onClick={onClose}>Close</Button>
      {!installed ? (
        <Button variant="primary" disabled={Boolean(entry.unavailableReason)} onClick={onInstall}>
          Install
        </Button>
      ) : installed && fromHere && installed.hasUpdate ? (
        <Button variant="primary" onClick={onUpdate}>
          Update to {installed.latestVersion}
        </Button>
      ) : (
        <Button variant="primary" onClick={() => navigate('plugins', { pluginId: installed.id })}>
          Open plugin page
        </Button>
      )}
    </>
  );

  return (
    <Dialog title={entry.name} description={entry.description || undefined} onClose={onClose} width="lg" footer={footer}>
      <div className="market-detail">
        <div className="market-detail-badges">
          {entry.tier === 'paid' ? <Badge tone="accent">Pro</Badge> : <Badge>Free</Badge>}
          {entry.verified ? <Badge tone="success">Verified</Badge> : <Badge tone="warning">Unverified</Badge>}
          {entry.tags.map((t) => (
            <Badge key={t}>
              <SafeText text={t} />
            </Badge>
          ))}
        </div>
        <dl className="market-facts">
          {facts.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd>
                <SafeText text={value} />
              </dd>
            </div>
          ))}
        </dl>
        <div className="market-links">
          {entry.homepage ? (
            <Button size="sm" variant="ghost" onClick={() => void openLink(key, entry.homepage!)}>
              Homepage
            </Button>
          ) : null}
          {entry.changelogUrl ? (
            <Button size="sm" variant="ghost" onClick={() => void openLink(key, entry.changelogUrl!)}>
              Changelog
            </Button>
          ) : null}
          {entry.repository ? (
            <Button size="sm" variant="ghost" onClick={() => void openLink(key, entry.repository!)}>
              Source code
            </Button>
          ) : null}
        </div>
        {entry.readme ? (
          <section aria-label="Readme" className="market-doc">
            <MarkdownPanel markdown={entry.readme} />
          </section>
        ) : null}
        <section>
          <h3 className="market-section-title">Permissions</h3>
          <PermissionList permissions={entry.permissions} networkHosts={entry.networkHosts} />
        </section>
        {entry.changelog ? (
          <section aria-label="Changelog" className="market-doc market-changelog">
            <MarkdownPanel markdown={entry.changelog} />
          </section>
        ) : null}
        {entry.tier === 'paid' ? (
          <section>
            <h3 className="market-section-title">License</h3>
            {licensed ? (
              <div className="market-license-set">
                <LockIcon size={14} /> A license key is saved in your keyring.
                <Button size="sm" variant="ghost" busy={busy === 'license'} onClick={() => void run('license', () => saveLicenseKey(entry, null))}>
                  Remove key
                </Button>
              </div>
            ) : (
              <form className="market-license-form" onSubmit={(e) => void submitLicense(e)}>
                <Field
                  label="License key"
                  hint={
                    builtinSource
                      ? 'Your Switchboard Pro licence (it starts with SBL1.). Checked on this computer and never sent anywhere; kept in your system keyring.'
                      : 'Kept in your system keyring and sent only with this plugin’s download.'
                  }
                >
                  <input ref={licenseInput} className="input" type="password" autoComplete="off" />
                </Field>
                <Button type="submit" busy={busy === 'license'}>
                  Save key
                </Button>
              </form>
            )}
          </section>
        ) : null}
        {error ? <Banner tone="danger">{error}</Banner> : null}
        {entry.unavailableReason ? <Banner tone="warning">{entry.unavailableReason}</Banner> : null}
        <div className="market-detail-actions">
          {installed?.previousVersion ? (
            <Button busy={busy === 'rollback'} onClick={() => void run('rollback', () => rollbackPlugin(key, installed.id))}>
              Roll back to {installed.previousVersion}
            </Button>
          ) : null}
          {installed ? (
            confirmRemove ? (
              <span className="market-confirm">
                Remove <SafeText text={installed.name} /> and everything it stored?
                <Button variant="danger" busy={busy === 'remove'} onClick={() => void run('remove', () => uninstallPlugin(key, installed.id)).then((ok) => ok && onClose())}>
                  Uninstall
                </Button>
                <Button variant="ghost" onClick={() => setConfirmRemove(false)}>
                  Keep it
                </Button>
              </span>
            ) : (
              <Button variant="danger" onClick={() => setConfirmRemove(true)}>
                Uninstall…
              </Button>
            )
          ) : null}
        </div>
      </div>
    </Dialog>
  );
}
