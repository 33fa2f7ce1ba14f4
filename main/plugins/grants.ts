import { AppError } from '../../app/contract/envelope.ts';
import type { PluginSummaryValue } from '../../app/contract/plugins.ts';
import type { Permission } from '../../app/permissions.ts';
import type { AuditActor, AuditLog } from '../audit/audit.ts';
import { manifestOf, nameOf, type Entry } from './entry.ts';
import type { PluginRegistry } from './registry.ts';

/** What permission management reaches in the supervisor. */
export interface GrantsHost {
  registry: PluginRegistry;
  audit: AuditLog;
  /** The entry, refreshed from disk and the registry; throws not_found. */
  entry(id: string): Entry;
  entries(): Iterable<Entry>;
  start(id: string): Promise<void>;
  summary(entry: Entry): PluginSummaryValue;
  log(entry: Entry, text: string): void;
  changed(entry: Entry): void;
}

export interface StatusBarItem {
  pluginId: string;
  pluginName: string;
  text: string;
  tooltip: string | null;
}

/**
 * The permissions a plugin holds: read from the registry on every check,
 * changed by the user (grant, revoke, sideload approval) or by a prompt the
 * user answered, every change an audit row.
 */
export class PluginGrants {
  readonly #h: GrantsHost;

  constructor(host: GrantsHost) {
    this.#h = host;
  }

  /**
   * Whether the registry grants `permission` to the plugin. Read through a
   * copy refreshed whenever the registry has been written since, so a revoked
   * grant holds from the next call.
   */
  granted(entry: Entry, permission: Permission): boolean {
    const revision = this.#h.registry.revision;
    if (entry.grants.revision !== revision) entry.grants = { revision, set: new Set(this.#h.registry.grants(entry.id)) };
    return entry.grants.set.has(permission);
  }

  /**
   * A plugin placed in plugins/ by hand (or loaded unpacked) runs only after
   * the user approved exactly the permissions its manifest asks for, in the
   * same consent dialog an install shows.
   */
  async approveSideload(id: string, accepted: readonly Permission[]): Promise<PluginSummaryValue> {
    const entry = this.#h.entry(id);
    if (this.#h.registry.get(id)) throw new AppError('conflict', `${nameOf(entry)} is installed already; change its permissions on its page.`);
    if (!entry.discovered.ok) throw new AppError('conflict', `${entry.discovered.name} cannot be enabled: ${entry.discovered.errors[0]}`);
    const { manifest } = entry.discovered;
    const asked = [...manifest.permissions].sort();
    if (asked.join() !== [...new Set(accepted)].sort().join()) {
      throw new AppError('conflict', `${manifest.name} asks for ${asked.join(', ') || 'no permissions'}; approve exactly those to enable it.`);
    }
    this.#h.registry.put({ id, name: manifest.name, version: manifest.version, sourceId: null, previousVersion: null, grants: asked as Permission[], enabled: true });
    this.#h.audit.append('plugin_sideload_approved', 'user', id, { permissions: asked, folder: entry.discovered.folder });
    for (const permission of asked) this.#h.audit.append('permission_granted', 'user', id, { permission });
    await this.#h.start(id);
    return this.#h.summary(entry);
  }

  /** Grants or revokes one permission the manifest asks for (or may ask for); it holds from the plugin's next call. */
  setPermission(id: string, permission: Permission, granted: boolean): PluginSummaryValue {
    const entry = this.#h.entry(id);
    if (!this.#h.registry.get(id)) throw new AppError('conflict', `${nameOf(entry)} is not installed; approve it first.`);
    const manifest = manifestOf(entry);
    if (granted && !manifest?.permissions.includes(permission) && !manifest?.optionalPermissions.includes(permission)) {
      throw new AppError('invalid_argument', `${nameOf(entry)} does not ask for '${permission}', so it cannot be granted.`);
    }
    this.set(entry, permission, granted, 'user');
    return this.#h.summary(entry);
  }

  set(entry: Entry, permission: Permission, granted: boolean, actor: AuditActor): void {
    const changed = granted ? this.#h.registry.grant(entry.id, permission) : this.#h.registry.revoke(entry.id, permission);
    if (!changed) return;
    this.#h.audit.append(granted ? 'permission_granted' : 'permission_revoked', actor, entry.id, { permission });
    this.#h.log(entry, `Permission '${permission}' ${granted ? 'granted' : 'revoked'}`);
    if (!granted && permission === 'status' && entry.status) entry.api.setStatus(null);
    this.#h.changed(entry);
  }

  /** Every running plugin's status bar item that still holds `status`. */
  statusItems(): StatusBarItem[] {
    return [...this.#h.entries()]
      .filter((e) => e.status && e.state === 'running' && this.granted(e, 'status'))
      .map((e) => ({ pluginId: e.id, pluginName: nameOf(e), text: e.status!.text, tooltip: e.status!.tooltip }))
      .sort((a, b) => a.pluginName.localeCompare(b.pluginName));
  }
}
