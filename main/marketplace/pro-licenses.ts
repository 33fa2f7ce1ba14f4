import { AppError } from '../../app/contract/envelope.ts';
import type { AuditLog } from '../audit/audit.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { PluginRegistry, RegistryRow } from '../plugins/registry.ts';
import type { SecretsManager } from '../secrets/secrets.ts';
import { BUILTIN_SOURCE_ID } from './builtin.ts';
import type { MarketplaceEntry } from './catalog.ts';
import { checkLicense, covers, PRO_LICENSE_PUBLIC_KEY, type LicenseCheck, type ProLicense } from './license.ts';
import { parsePublicKey } from './signing.ts';

export const licenseSecretName = (sourceId: string, pluginId: string) => `marketplace:license:${sourceId}:${pluginId}`;

/** What the plugin page shows about an installed Pro plugin's licence. */
export interface LicenseStatus {
  licensee: string | null;
  expires: string | null;
  valid: boolean;
  /** Why it is not valid, in the user's words; null when it is. */
  message: string | null;
}

export interface ProLicenseDeps {
  secrets: SecretsManager;
  registry: PluginRegistry;
  audit: AuditLog;
  notifications: NotificationService;
  /** The built-in catalog's entries, read from the app's own files. */
  builtinEntries: () => readonly MarketplaceEntry[];
  now: () => Date;
  /** base64 of the ed25519 public key; the app's own by default. */
  publicKey?: string;
}

/**
 * The licences of the built-in catalog's Pro plugins: checked offline, kept
 * in the keyring under each plugin they cover, checked again at every start.
 */
export class ProLicenses {
  readonly #d: ProLicenseDeps;
  readonly #key: ReturnType<typeof parsePublicKey>;

  constructor(deps: ProLicenseDeps) {
    this.#d = deps;
    this.#key = parsePublicKey(deps.publicKey ?? PRO_LICENSE_PUBLIC_KEY);
  }

  /**
   * Checks `token` for the Pro entry `entry` and keeps it for every built-in
   * Pro plugin it covers; throws the licence's own words and stores nothing
   * when it is not valid. Returns the ids it was kept for.
   */
  store(entry: MarketplaceEntry, token: string): { license: ProLicense; covered: string[] } {
    if (entry.tier !== 'paid') throw new AppError('invalid_argument', `"${entry.name}" is free; it needs no licence.`);
    const check = checkLicense(token, entry.id, entry.name, this.#d.now(), this.#key);
    if (!check.ok) throw new AppError('invalid_argument', check.message);
    const covered = this.#d.builtinEntries().filter((e) => e.tier === 'paid' && covers(check.license, e.id)).map((e) => e.id);
    for (const id of covered) this.#d.secrets.store(licenseSecretName(BUILTIN_SOURCE_ID, id), token.trim(), 'user');
    this.#d.audit.append('pro_license_added', 'user', entry.id, { licensee: check.license.licensee, expires: check.license.expires, plugins: covered });
    return { license: check.license, covered };
  }

  /** The stored licence of a built-in Pro plugin, checked now. */
  check(pluginId: string, pluginName: string): LicenseCheck {
    const token = this.#d.secrets.get(licenseSecretName(BUILTIN_SOURCE_ID, pluginId));
    if (!token) {
      return { ok: false, reason: 'missing', message: `${pluginName} is a Pro plugin and no licence for it is saved. Enter your licence key in its Marketplace details.`, license: null };
    }
    return checkLicense(token, pluginId, pluginName, this.#d.now(), this.#key);
  }

  /** Whether an installed plugin is one of the built-in catalog's Pro plugins. */
  isBuiltinPro(row: RegistryRow): boolean {
    return row.sourceId === BUILTIN_SOURCE_ID && this.#d.builtinEntries().some((e) => e.id === row.id && e.tier === 'paid');
  }

  /** The licence of an installed built-in Pro plugin, for its page; null for every other plugin. */
  status(pluginId: string): LicenseStatus | null {
    const row = this.#d.registry.get(pluginId);
    if (!row || !this.isBuiltinPro(row)) return null;
    const check = this.check(row.id, row.name);
    return { licensee: check.license?.licensee ?? null, expires: check.license?.expires ?? null, valid: check.ok, message: check.ok ? null : check.message };
  }

  /** Throws the licence's own words when a built-in Pro plugin may not run now (the enable switch). */
  require(pluginId: string): void {
    const row = this.#d.registry.get(pluginId);
    if (!row || !this.isBuiltinPro(row)) return;
    const check = this.check(row.id, row.name);
    if (!check.ok) throw new AppError('permission_denied', check.message);
  }

  /**
   * Start-up, before any plugin starts: every built-in Pro plugin whose
   * licence is missing, expired or no longer valid is disabled, with a
   * notification that says why. Its settings, storage and files are kept.
   */
  enforce(): string[] {
    const disabled: string[] = [];
    for (const row of this.#d.registry.list()) {
      if (!row.enabled || !this.isBuiltinPro(row)) continue;
      const check = this.check(row.id, row.name);
      if (check.ok) continue;
      this.#d.registry.setEnabled(row.id, false);
      this.#d.audit.append('plugin_license_invalid', 'app', row.id, { reason: check.reason, ...(check.license ? { licensee: check.license.licensee, expires: check.license.expires } : {}) });
      this.#d.notifications.notify({ type: 'warning', title: `${row.name} is disabled`, message: check.message, source: 'app' });
      disabled.push(row.id);
    }
    return disabled;
  }

  /** Whether a disabled plugin was disabled for want of a licence (so a valid one turns it back on). */
  disabledForLicense(pluginId: string): boolean {
    const row = this.#d.registry.get(pluginId);
    return Boolean(row && !row.enabled && this.#d.audit.list({ eventType: 'plugin_license_invalid' }).some((a) => a.subject === pluginId));
  }
}
