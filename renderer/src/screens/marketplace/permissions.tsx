import { networkConsent, PERMISSION_TEXT, type Permission } from '../../../../app/permissions.ts';
import {
  ActivityIcon, AuditIcon, BellIcon, BranchIcon, CommandIcon, DatabaseIcon, FileIcon, FilterIcon, GlobeIcon, MetricsIcon, PlayIcon, SendIcon, SessionsIcon, SettingsIcon, TasksIcon,
  SafeText, Tip, type IconComponent,
} from '../../ui/index.ts';

export const PERMISSION_ICON: Record<Permission, IconComponent> = {
  palette: CommandIcon,
  messages: SessionsIcon,
  tasks: TasksIcon,
  events: SendIcon,
  notifications: BellIcon,
  settings: SettingsIcon,
  panels: AuditIcon,
  hooks: FilterIcon,
  network: GlobeIcon,
  files: FileIcon,
  git: BranchIcon,
  sessions: DatabaseIcon,
  audit: ActivityIcon,
  agents: PlayIcon,
  status: MetricsIcon,
};

/** A row of small icons, each announced by name, with its name as a tooltip on hover and keyboard focus. */
export function PermissionIcons({ permissions }: { permissions: readonly Permission[] }) {
  if (permissions.length === 0) return <span className="market-perm-none">No permissions</span>;
  return (
    <span className="market-perms" role="group" aria-label="Permissions">
      {permissions.map((p) => {
        const Icon = PERMISSION_ICON[p];
        return (
          <Tip key={p} label={PERMISSION_TEXT[p].title} focusable className="market-perm">
            <Icon size={14} />
          </Tip>
        );
      })}
    </span>
  );
}

/** The permissions in plain words, as the consent dialog and the detail view list them; `network` names the hosts it reaches when they are known. */
export function PermissionList({ permissions, highlight = [], networkHosts }: { permissions: readonly Permission[]; highlight?: readonly Permission[]; networkHosts?: readonly string[] }) {
  if (permissions.length === 0) return <p className="market-muted">It asks for no permissions: it cannot read your sessions or change anything.</p>;
  return (
    <ul className="market-perm-list">
      {permissions.map((p) => {
        const Icon = PERMISSION_ICON[p];
        return (
          <li key={p} className={highlight.includes(p) ? 'market-perm-new' : undefined}>
            <Icon size={16} />
            <div>
              <strong>{PERMISSION_TEXT[p].title}</strong>
              {highlight.includes(p) ? <span className="badge badge-warning">New</span> : null}
              <p>{PERMISSION_TEXT[p].description}</p>
              {p === 'network' && networkHosts ? <p className="market-perm-hosts"><SafeText text={networkConsent(networkHosts)} /></p> : null}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
