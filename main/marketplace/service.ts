import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import semver from 'semver';
import type { CatalogEntryData } from '../../app/catalog.ts';
import type { CatalogView, InstalledPlugin, MarketplaceProgress, PluginUpdate, UpdateResult } from '../../app/contract/marketplace.ts';
import { AppError } from '../../app/contract/envelope.ts';
import { PERMISSION_TEXT, type Permission } from '../../app/permissions.ts';
import type { AuditLog } from '../audit/audit.ts';
import type { Db } from '../db/database.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { PluginProcessControl } from '../plugins/control.ts';
import { isSafePluginId, type PluginPaths } from '../plugins/paths.ts';
import type { PluginRegistry, RegistryRow } from '../plugins/registry.ts';
import type { SecretsManager } from '../secrets/secrets.ts';
import { publicEntry, type MarketplaceEntry } from './catalog.ts';
import { BUILTIN_SOURCE_ID } from './builtin.ts';
import { cancelled, downloadArchive, downloadDeadlineMs } from './download.ts';
import { DEFAULT_EXTRACT_LIMITS, extractArchive, type ExtractLimits } from './extract.ts';
import type { HttpFetch } from './http.ts';
import { checkManifest, findPluginRoot, MANIFEST_FILE, type CheckedManifest } from './manifest.ts';
import { PluginPlacement, type StepHook } from './placement.ts';
import { licenseSecretName, ProLicenses, type LicenseStatus } from './pro-licenses.ts';
import { CatalogSources, errorText, type LoadedSource, type SourceInfo, type SourceInput } from './sources.ts';
import { MarketplaceStore } from './store.ts';

export type InstalledPluginData = Static<typeof InstalledPlugin>;
export type PluginUpdateData = Static<typeof PluginUpdate>;
export type UpdateResultData = Static<typeof UpdateResult>;
export type CatalogViewData = Static<typeof CatalogView>;
type Progress = Static<typeof MarketplaceProgress>;

export interface MarketplaceDeps {
  db: Db;
  registry: PluginRegistry;
  paths: PluginPaths;
  audit: AuditLog;
  secrets: SecretsManager;
  notifications: NotificationService;
  events: AppEvents;
  log: Logger;
  appVersion: string;
  fetch: HttpFetch;
  /** The folder with the signed built-in catalog; null runs without one. */
  builtinDir: string | null;
  refreshMinutes: () => number;
  /** The plugin runtime, read at call time: it may be wired after the marketplace. */
  control: () => PluginProcessControl | undefined;
  limits?: Partial<ExtractLimits>;
  /** Per catalog request (headers and body). */
  timeoutMs?: number;
  /** A download gives up when no byte arrives for this long. */
  downloadIdleTimeoutMs?: number;
  /** The most a download of `size` bytes may take in all. */
  downloadDeadlineMs?: (size: number) => number;
  afterStep?: StepHook;
  now?: () => Date;
  /** The key Pro licences of the built-in catalog are checked against (base64); tests pass their own. */
  licensePublicKey?: string;
}

export { licenseSecretName } from './pro-licenses.ts';

const PROGRESS_STEP_BYTES = 256 * 1024;

/**
 * Browse, install, update, roll back and remove plugins. Everything that
 * decides safety happens here in main: which entry a request means, whether
 * the user consented to exactly its permissions, what was downloaded, what
 * was unpacked and what the manifest asks for. The window only ever sends
 * ids.
 */
export class MarketplaceService {
  readonly sources: CatalogSources;
  readonly #d: MarketplaceDeps;
  readonly #store: MarketplaceStore;
  readonly #placement: PluginPlacement;
  readonly #limits: ExtractLimits;
  readonly #timeoutMs: number;
  readonly #downloadIdleTimeoutMs: number;
  readonly #downloadDeadlineMs: (size: number) => number;
  readonly #licenses: ProLicenses;
  /** Plugins with an operation under way; the controller is null where the operation cannot be cancelled. */
  readonly #busy = new Map<string, AbortController | null>();
  #loaded: LoadedSource[] | null = null;
  #loading: { promise: Promise<LoadedSource[]>; refresh: boolean } | null = null;

  constructor(deps: MarketplaceDeps) {
    this.#d = deps;
    this.#store = new MarketplaceStore(deps.db);
    this.#placement = new PluginPlacement(deps.paths, this.#store, deps.log, deps.afterStep);
    this.#limits = { ...DEFAULT_EXTRACT_LIMITS, ...deps.limits };
    this.#timeoutMs = deps.timeoutMs ?? 30_000;
    this.#downloadIdleTimeoutMs = deps.downloadIdleTimeoutMs ?? 30_000;
    this.#downloadDeadlineMs = deps.downloadDeadlineMs ?? downloadDeadlineMs;
    const now = deps.now ?? (() => new Date());
    this.sources = new CatalogSources({
      store: this.#store,
      secrets: deps.secrets,
      audit: deps.audit,
      log: deps.log,
      fetch: deps.fetch,
      appVersion: deps.appVersion,
      builtinDir: deps.builtinDir,
      refreshMinutes: deps.refreshMinutes,
      now,
      timeoutMs: this.#timeoutMs,
    });
    this.#licenses = new ProLicenses({
      secrets: deps.secrets,
      registry: deps.registry,
      audit: deps.audit,
      notifications: deps.notifications,
      builtinEntries: () => this.sources.builtin()?.entries ?? [],
      now,
      ...(deps.licensePublicKey ? { publicKey: deps.licensePublicKey } : {}),
    });
  }

  /** Start-up: finish or undo what a crash interrupted, before any plugin starts. */
  recover(): { rolledBack: string[]; failed: { id: string; message: string }[]; cleaned: number } {
    const result = this.#placement.recover(new Set(this.#d.registry.list().map((r) => r.id)));
    for (const id of result.rolledBack) this.#d.audit.append('plugin_operation_recovered', 'app', id, {});
    for (const { id, message } of result.failed) {
      this.#d.audit.append('plugin_operation_recovery_failed', 'app', id, { reason: message });
      this.#d.notifications.notify({
        type: 'warning',
        title: `${id} may be incomplete`,
        message: `An interrupted install or update of ${id} could not be undone (${message}). Switchboard tries again at the next start.`,
        source: 'app',
      });
    }
    return result;
  }

  // ── catalogs ──────────────────────────────────────────────────────────

  async fetchCatalog(refresh = false): Promise<CatalogViewData> {
    const loaded = await this.#load(refresh);
    const entries = loaded.flatMap((s) => s.entries);
    const licensed = new Set(this.#d.secrets.list().map((s) => s.name));
    const isLicensed = (e: MarketplaceEntry) =>
      licensed.has(licenseSecretName(e.sourceId, e.id)) && (e.sourceId !== BUILTIN_SOURCE_ID || this.#licenses.check(e.id, e.name).ok);
    return {
      entries: entries.map(publicEntry),
      sources: loaded.map((s) => s.status),
      licensed: entries.filter((e) => e.tier === 'paid' && isLicensed(e)).map((e) => `${e.sourceId}/${e.id}`),
    };
  }

  async #load(refresh: boolean): Promise<LoadedSource[]> {
    // A refresh must reach the servers: a load already under way only counts if it is one too.
    while (this.#loading) {
      if (this.#loading.refresh || !refresh) return this.#loading.promise;
      await this.#loading.promise.catch(() => undefined);
    }
    const loading = { promise: this.sources.load(refresh), refresh };
    this.#loading = loading;
    try {
      this.#loaded = await loading.promise;
      return this.#loaded;
    } finally {
      if (this.#loading === loading) this.#loading = null;
    }
  }

  async #entries(): Promise<MarketplaceEntry[]> {
    if (this.#loading) await this.#loading.promise;
    return (this.#loaded ?? (await this.#load(false))).flatMap((s) => s.entries);
  }

  async #entry(sourceId: string, pluginId: string): Promise<MarketplaceEntry> {
    const entry = (await this.#entries()).find((e) => e.sourceId === sourceId && e.id === pluginId);
    if (!entry) {
      const source = this.sources.name(sourceId);
      throw new AppError('not_found', source ? `"${pluginId}" is not in the ${source} catalog (any more).` : 'That catalog source no longer exists.');
    }
    return entry;
  }

  addSource(input: SourceInput): SourceInfo {
    const info = this.sources.add(input);
    this.#changed(null);
    return info;
  }

  editSource(id: string, input: Partial<SourceInput>): SourceInfo {
    const info = this.sources.edit(id, input);
    this.#changed(null);
    return info;
  }

  removeSource(id: string): boolean {
    this.sources.remove(id);
    this.#loaded = this.#loaded?.filter((s) => s.status.id !== id) ?? null;
    this.#changed(null);
    return true;
  }

  /**
   * Remote catalogs check their keys themselves (sent as a bearer token). A
   * key for the built-in catalog is a signed Pro licence, checked here before
   * anything is stored, and kept for every built-in Pro plugin it covers.
   */
  async setLicenseKey(sourceId: string, pluginId: string, key: string | null): Promise<boolean> {
    const name = licenseSecretName(sourceId, pluginId);
    if (key === null) {
      this.#d.secrets.delete(name, 'user');
      return false;
    }
    if (sourceId !== BUILTIN_SOURCE_ID) {
      this.#d.secrets.store(name, key.trim(), 'user');
      return true;
    }
    const { covered } = this.#licenses.store(await this.#entry(sourceId, pluginId), key);
    // A Pro plugin disabled for want of a licence runs again.
    for (const id of covered) {
      if (!this.#licenses.disabledForLicense(id)) continue;
      this.#d.registry.setEnabled(id, true);
      await this.#start(id);
    }
    this.#changed(pluginId);
    return true;
  }

  /** The licence of an installed built-in Pro plugin, for its page; null for every other plugin. */
  licenseStatus(pluginId: string): LicenseStatus | null {
    return this.#licenses.status(pluginId);
  }

  /** Throws the licence's own words when a built-in Pro plugin may not run now (the enable switch). */
  requireLicense(pluginId: string): void {
    this.#licenses.require(pluginId);
  }

  /** Start-up, before any plugin starts: built-in Pro plugins without a valid licence are disabled, their data kept. */
  enforceLicenses(): string[] {
    return this.#licenses.enforce();
  }

  // ── installed plugins ─────────────────────────────────────────────────

  async listInstalled(): Promise<InstalledPluginData[]> {
    const entries = await this.#entries();
    return this.#d.registry.list().map((row) => this.#installed(row, entries));
  }

  async checkUpdates(): Promise<PluginUpdateData[]> {
    const entries = (await this.#load(false)).flatMap((s) => s.entries);
    const updates: PluginUpdateData[] = [];
    for (const row of this.#d.registry.list()) {
      const latest = offeredUpdate(row, entries);
      if (!latest) continue;
      updates.push({
        id: row.id,
        currentVersion: row.version,
        latestVersion: latest.version,
        changelogUrl: latest.changelogUrl,
        newPermissions: latest.permissions.filter((p) => !row.grants.includes(p)),
      });
    }
    return updates;
  }

  #installed(row: RegistryRow, entries: MarketplaceEntry[]): InstalledPluginData {
    const latest = offeredUpdate(row, entries);
    const meta = this.#store.meta(row.id);
    const control = this.#d.control();
    return {
      id: row.id,
      name: row.name,
      version: row.version,
      installedAt: row.installedAt,
      updatedAt: row.updatedAt,
      isActive: control ? control.isRunning(row.id) : row.enabled,
      hasUpdate: latest !== null,
      latestVersion: latest?.version ?? null,
      sourceId: row.sourceId,
      sourceName: row.sourceId ? this.sources.name(row.sourceId) : null,
      previousVersion: row.previousVersion,
      grants: row.grants,
      pendingUpdate:
        meta.pendingVersion && latest && latest.version === meta.pendingVersion
          ? { version: meta.pendingVersion, newPermissions: meta.pendingPermissions ?? [] }
          : null,
    };
  }

  async #installedById(id: string): Promise<InstalledPluginData> {
    const row = this.#d.registry.get(id);
    if (!row) throw new AppError('not_found', `"${id}" is not installed.`);
    return this.#installed(row, await this.#entries());
  }

  // ── install ───────────────────────────────────────────────────────────

  async install(pluginId: string, sourceId: string, acceptedPermissions: readonly Permission[] = []): Promise<InstalledPluginData> {
    const entry = await this.#entry(sourceId, pluginId);
    const existing = this.#d.registry.get(pluginId);
    if (existing) {
      const from = existing.sourceId ? this.sources.name(existing.sourceId) : null;
      throw new AppError('conflict', `"${entry.name}" is already installed (version ${existing.version}${from ? ` from ${from}` : ''}). Use Update instead.`);
    }
    if (existsSync(this.#placement.current(pluginId))) {
      throw new AppError('conflict', `A folder named "${pluginId}" already exists in the plugins folder; remove it before installing "${entry.name}".`);
    }
    if (entry.unavailableReason) throw new AppError('conflict', `"${entry.name}" cannot be installed: ${entry.unavailableReason}`);
    requireConsent(entry, entry.permissions, acceptedPermissions);
    const authorization = this.#authorization(entry);

    await this.#exclusive(pluginId, 'install', entry.size, async (signal, progress) => {
      const { staging, root, manifest } = await this.#fetchAndUnpack(entry, authorization, signal, progress);
      progress('installing');
      this.#placement.placeNew(pluginId, 'install', staging, root, () =>
        this.#d.db.transaction(() => {
          this.#d.registry.put({ id: pluginId, name: manifest.name, version: manifest.version, sourceId, previousVersion: null, grants: manifest.permissions });
          this.#store.forget(pluginId);
          this.#d.audit.append('plugin_installed', 'user', pluginId, { version: manifest.version, source: sourceId, name: manifest.name });
          for (const permission of manifest.permissions) this.#d.audit.append('permission_granted', 'user', pluginId, { permission });
          this.#store.closeJournal(pluginId);
        })(),
      );
    });
    await this.#start(pluginId);
    this.#changed(pluginId);
    return this.#installedById(pluginId);
  }

  cancel(pluginId: string): boolean {
    // Rollback and uninstall are a few renames that must not stop half-way, so they have nothing to cancel.
    const op = this.#busy.get(pluginId);
    if (!op) return false;
    op.abort(cancelled());
    return true;
  }

  /** Download, verify, unpack and check; leaves nothing behind when it throws. */
  async #fetchAndUnpack(
    entry: MarketplaceEntry,
    authorization: string | undefined,
    signal: AbortSignal,
    progress: (phase: Progress['phase'], received?: number) => void,
  ): Promise<{ staging: string; root: string; manifest: CheckedManifest }> {
    if (!entry.location) throw new AppError('conflict', `"${entry.name}" has no download.`);
    const staging = this.#placement.newStaging();
    try {
      let reported = 0;
      const archive = await downloadArchive(
        {
          location: entry.location,
          size: entry.size,
          checksum: entry.checksum,
          authorization,
          deniedMessage:
            entry.tier === 'paid'
              ? `The catalog did not accept the license key for "${entry.name}". Check the key and try again.`
              : `The server refused the download of "${entry.name}". Check the source's token.`,
        },
        {
          fetch: this.#d.fetch,
          signal,
          idleTimeoutMs: this.#downloadIdleTimeoutMs,
          deadlineMs: this.#downloadDeadlineMs(entry.size),
          onProgress: (received, total) => {
            // About fifty updates per download, never more than one per 256 KB.
            if (received - reported >= Math.min(PROGRESS_STEP_BYTES, total / 50) || received === total) {
              reported = received;
              progress('downloading', received);
            }
          },
        },
      );
      this.#placement.step('downloaded', entry.id);
      progress('extracting', entry.size);
      const unpacked = join(staging, 'unpacked');
      mkdirSync(unpacked);
      await extractArchive(archive, unpacked, this.#limits);
      this.#placement.step('extracted', entry.id);
      progress('verifying', entry.size);
      const root = await findPluginRoot(unpacked);
      const manifest = await checkManifest(root, entry, this.#d.appVersion);
      this.#placement.step('validated', entry.id);
      if (signal.aborted) throw signal.reason;
      return { staging, root, manifest };
    } catch (err) {
      this.#placement.discardStaging(staging);
      throw err;
    }
  }

  #authorization(entry: MarketplaceEntry): string | undefined {
    if (entry.tier === 'paid' && entry.sourceId === BUILTIN_SOURCE_ID) {
      const check = this.#licenses.check(entry.id, entry.name);
      if (!check.ok) throw new AppError('permission_denied', check.message);
      return undefined;
    }
    if (entry.tier === 'paid') {
      const key = this.#d.secrets.get(licenseSecretName(entry.sourceId, entry.id));
      if (!key) throw new AppError('permission_denied', `"${entry.name}" requires a license. Enter your license key in its details, then install it.`);
      return `Bearer ${key}`;
    }
    const token = this.sources.token(entry.sourceId);
    const catalogUrl = this.sources.url(entry.sourceId);
    if (!token || !catalogUrl || entry.location?.kind !== 'https') return undefined;
    // The source's token is for the source's own server, not for wherever its entries point.
    return new URL(entry.location.url).origin === new URL(catalogUrl).origin ? `Bearer ${token}` : undefined;
  }

  /** One operation per plugin at a time, with progress events and Cancel. */
  async #exclusive(
    pluginId: string,
    operation: Progress['operation'],
    total: number,
    work: (signal: AbortSignal, progress: (phase: Progress['phase'], received?: number) => void) => Promise<void>,
  ): Promise<void> {
    if (this.#busy.has(pluginId)) throw new AppError('conflict', `"${pluginId}" is already being installed or changed; wait for it to finish.`);
    const control = new AbortController();
    this.#busy.set(pluginId, control);
    let received = 0;
    const progress = (phase: Progress['phase'], bytes?: number, error?: string) => {
      if (bytes !== undefined) received = bytes;
      this.#d.events.emit('marketplace.progress', { pluginId, operation, phase, received, total, ...(error ? { error } : {}) });
    };
    try {
      progress('downloading', 0);
      await work(control.signal, progress);
      progress('done', total);
    } catch (err) {
      const isCancel = err instanceof AppError && err.code === 'cancelled';
      progress(isCancel ? 'cancelled' : 'failed', undefined, errorText(err));
      if (!isCancel) {
        this.#d.log.warn(`marketplace: ${operation} of ${pluginId} failed: ${errorText(err)}`);
        if (err instanceof AppError && err.code === 'refused') {
          this.#d.audit.append('plugin_install_refused', 'app', pluginId, { operation, reason: err.message });
        }
      }
      throw err;
    } finally {
      this.#busy.delete(pluginId);
    }
  }

  // ── update, rollback, uninstall ───────────────────────────────────────

  async update(pluginId: string, approved: readonly Permission[] | null = null): Promise<UpdateResultData> {
    if (!this.#d.registry.get(pluginId)) throw new AppError('not_found', `"${pluginId}" is not installed.`);
    const entries = (await this.#load(false)).flatMap((s) => s.entries);
    // Read only after the catalog wait (an uninstall, rollback or other update may have finished
    // meanwhile); from here to #exclusive taking the lock there is no await, so nothing can change it.
    const row = this.#d.registry.get(pluginId);
    if (!row) throw new AppError('not_found', `"${pluginId}" was uninstalled while its update was being prepared; nothing was installed.`);
    const latest = latestFor(row, entries);
    if (!latest) {
      return { status: 'up_to_date', plugin: this.#installed(row, entries), newPermissions: [] };
    }
    if (latest.unavailableReason) throw new AppError('conflict', `Version ${latest.version} of "${row.name}" cannot be installed: ${latest.unavailableReason}`);
    const newPermissions = latest.permissions.filter((p) => !row.grants.includes(p));
    if (newPermissions.length > 0 && approved === null) {
      // Like Chrome and Firefox: the old version keeps running until the user says yes.
      const meta = this.#store.meta(pluginId);
      if (meta.pendingVersion !== latest.version) {
        this.#store.setPending(pluginId, latest.version, newPermissions);
        this.#d.audit.append('plugin_update_awaiting_approval', 'app', pluginId, { version: latest.version, newPermissions });
        this.#changed(pluginId);
      }
      return { status: 'needs_approval', plugin: this.#installed(row, entries), newPermissions };
    }
    if (approved !== null) requireConsent(latest, latest.permissions, approved);
    const authorization = this.#authorization(latest);

    const control = this.#d.control();
    await this.#exclusive(pluginId, 'update', latest.size, async (signal, progress) => {
      const { staging, root, manifest } = await this.#fetchAndUnpack(latest, authorization, signal, progress);
      progress('installing');
      const wasRunning = control?.isRunning(pluginId) ?? false;
      try {
        if (control && wasRunning) await control.stop(pluginId, 'update');
        this.#placement.step('stopped', pluginId);
        this.#placement.placeNew(pluginId, 'update', staging, root, () =>
          this.#d.db.transaction(() => {
            this.#d.registry.put({
              id: pluginId,
              name: manifest.name,
              version: manifest.version,
              sourceId: latest.sourceId,
              previousVersion: row.version,
              grants: manifest.permissions,
              enabled: row.enabled,
            });
            this.#store.setBackup(pluginId, row.grants, row.sourceId);
            this.#store.setPending(pluginId, null, null);
            this.#d.audit.append('plugin_updated', 'user', pluginId, { from: row.version, to: manifest.version, source: latest.sourceId });
            auditGrantChanges(this.#d.audit, pluginId, row.grants, manifest.permissions);
            this.#store.closeJournal(pluginId);
          })(),
        );
      } catch (err) {
        this.#placement.discardStaging(staging);
        if (control && wasRunning) await this.#start(pluginId);
        throw err;
      }
    });
    if (row.enabled) await this.#start(pluginId);
    this.#changed(pluginId);
    return { status: 'updated', plugin: await this.#installedById(pluginId), newPermissions };
  }

  async approveUpdate(pluginId: string, accepted: readonly Permission[]): Promise<UpdateResultData> {
    return this.update(pluginId, accepted);
  }

  async updateAll(): Promise<{ updated: string[]; waiting: string[]; failed: { id: string; message: string }[] }> {
    const result = { updated: [] as string[], waiting: [] as string[], failed: [] as { id: string; message: string }[] };
    for (const update of await this.checkUpdates()) {
      try {
        const r = await this.update(update.id);
        if (r.status === 'updated') result.updated.push(update.id);
        if (r.status === 'needs_approval') result.waiting.push(update.id);
      } catch (err) {
        result.failed.push({ id: update.id, message: errorText(err) });
      }
    }
    return result;
  }

  async rollback(pluginId: string): Promise<InstalledPluginData> {
    const row = this.#d.registry.get(pluginId);
    if (!row) throw new AppError('not_found', `"${pluginId}" is not installed.`);
    const backup = this.#placement.backup(pluginId);
    if (!row.previousVersion || !existsSync(backup)) throw new AppError('conflict', `No earlier version of "${row.name}" is kept, so there is nothing to roll back to.`);
    const meta = this.#store.meta(pluginId);
    const backupName = manifestName(backup) ?? row.name;
    const backupGrants = meta.backupGrants ?? row.grants;
    if (this.#busy.has(pluginId)) throw new AppError('conflict', `"${pluginId}" is already being installed or changed; wait for it to finish.`);
    this.#busy.set(pluginId, null);
    const control = this.#d.control();
    try {
      if (control?.isRunning(pluginId)) await control.stop(pluginId, 'rollback');
      this.#placement.step('stopped', pluginId);
      const staging = this.#placement.newStaging();
      this.#placement.swapWithBackup(pluginId, staging, () =>
        this.#d.db.transaction(() => {
          this.#d.registry.put({
            id: pluginId,
            name: backupName,
            version: row.previousVersion!,
            sourceId: meta.backupSourceId ?? row.sourceId,
            previousVersion: row.version,
            grants: backupGrants,
            enabled: row.enabled,
          });
          this.#store.setBackup(pluginId, row.grants, row.sourceId);
          this.#store.setPending(pluginId, null, null);
          this.#d.audit.append('plugin_rolled_back', 'user', pluginId, { from: row.version, to: row.previousVersion });
          auditGrantChanges(this.#d.audit, pluginId, row.grants, backupGrants);
          this.#store.closeJournal(pluginId);
        })(),
      );
    } catch (err) {
      if (row.enabled) await this.#start(pluginId);
      throw err;
    } finally {
      this.#busy.delete(pluginId);
    }
    if (row.enabled) await this.#start(pluginId);
    this.#changed(pluginId);
    return this.#installedById(pluginId);
  }

  async uninstall(pluginId: string): Promise<boolean> {
    if (!isSafePluginId(pluginId)) throw new AppError('invalid_argument', 'That is not a plugin id.');
    const row = this.#d.registry.get(pluginId);
    if (!row) throw new AppError('not_found', `"${pluginId}" is not installed.`);
    if (this.#busy.has(pluginId)) throw new AppError('conflict', `"${pluginId}" is already being installed or changed; wait for it to finish.`);
    this.#busy.set(pluginId, null);
    const control = this.#d.control();
    const wasRunning = control?.isRunning(pluginId) ?? false;
    try {
      if (control && wasRunning) await control.stop(pluginId, 'uninstall');
      this.#placement.step('stopped', pluginId);
      const staging = this.#placement.newStaging();
      this.#placement.remove(pluginId, staging, () =>
        this.#d.db.transaction(() => {
          this.#d.registry.remove(pluginId);
          this.#store.forget(pluginId);
          this.#d.audit.append('plugin_uninstalled', 'user', pluginId, { version: row.version });
          this.#store.closeJournal(pluginId);
        })(),
      );
    } catch (err) {
      // Nothing was removed, so the plugin goes back to running as it was.
      if (wasRunning) await this.#start(pluginId);
      this.#d.log.warn(`marketplace: uninstall of ${pluginId} failed: ${errorText(err)}`);
      if (err instanceof AppError) throw err;
      throw new AppError('internal', `"${row.name}" could not be removed (${errorText(err)}); it is still installed.`);
    } finally {
      this.#busy.delete(pluginId);
    }
    this.#changed(pluginId);
    return true;
  }

  async #start(pluginId: string): Promise<void> {
    const control = this.#d.control();
    if (!control) return;
    try {
      await control.start(pluginId);
    } catch (err) {
      this.#d.log.warn(`marketplace: ${pluginId} is installed but did not start: ${errorText(err)}`);
      this.#d.notifications.notify({
        type: 'warning',
        title: `${pluginId} did not start`,
        message: `It is installed, but starting it failed: ${errorText(err)}`,
        source: 'app',
      });
    }
  }

  #changed(pluginId: string | null): void {
    this.#d.events.emit('marketplace.changed', { pluginId });
  }
}

/** The newest installable version of an installed plugin in the catalog it came from, if newer. */
function latestFor(row: RegistryRow, entries: readonly MarketplaceEntry[]): MarketplaceEntry | null {
  if (!row.sourceId) return null;
  const candidate = entries.find((e) => e.id === row.id && e.sourceId === row.sourceId);
  if (!candidate || !semver.valid(row.version) || !semver.gt(candidate.version, row.version)) return null;
  return candidate;
}

/** The update shown and offered to "Update all": a version that cannot be installed (its catalog expired, it needs a newer app) is not. */
function offeredUpdate(row: RegistryRow, entries: readonly MarketplaceEntry[]): MarketplaceEntry | null {
  const latest = latestFor(row, entries);
  return latest && !latest.unavailableReason ? latest : null;
}

function requireConsent(entry: CatalogEntryData, asked: readonly Permission[], accepted: readonly Permission[]): void {
  const missing = asked.filter((p) => !accepted.includes(p));
  if (missing.length > 0) {
    const words = missing.map((p) => PERMISSION_TEXT[p].title.toLowerCase()).join(', ');
    throw new AppError('permission_denied', `"${entry.name}" needs your consent to: ${words}. Nothing was installed.`);
  }
}

/** One audit row per permission a version change adds or takes away. */
function auditGrantChanges(audit: AuditLog, pluginId: string, before: readonly Permission[], after: readonly Permission[]): void {
  for (const permission of after.filter((p) => !before.includes(p))) audit.append('permission_granted', 'user', pluginId, { permission });
  for (const permission of before.filter((p) => !after.includes(p))) audit.append('permission_revoked', 'user', pluginId, { permission });
}

function manifestName(folder: string): string | null {
  try {
    const doc = JSON.parse(readFileSync(join(folder, MANIFEST_FILE), 'utf8')) as { name?: unknown };
    return typeof doc.name === 'string' && doc.name.trim() ? doc.name.trim().slice(0, 120) : null;
  } catch {
    return null;
  }
}
