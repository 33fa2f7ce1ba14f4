import { createHash } from 'node:crypto';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditLog } from '../../audit/audit.ts';
import { openDatabase, type Db } from '../../db/database.ts';
import { MIGRATIONS } from '../../db/migrations.ts';
import { AppEvents } from '../../ipc/events.ts';
import { createFileLogger } from '../../log/logger.ts';
import { NotificationService } from '../../notifications/notifications.ts';
import type { PluginProcessControl } from '../../plugins/control.ts';
import { pluginPaths } from '../../plugins/paths.ts';
import { PluginRegistry } from '../../plugins/registry.ts';
import { osKeyring } from '../../secrets/keyring.ts';
import { SecretsManager } from '../../secrets/secrets.ts';
import { SettingsService } from '../../settings/settings.ts';
import { nodeHttpsFetch } from '../http.ts';
import { MarketplaceService, type MarketplaceDeps } from '../service.ts';
import { sha256, type TestPluginSpec, pluginArchive } from './archives.ts';
import type { TestHttpsServer } from './https-server.ts';

/** Records what the marketplace asked of the plugin runtime. */
export class RecordingControl implements PluginProcessControl {
  readonly calls: string[] = [];
  readonly running = new Set<string>();
  async start(id: string): Promise<void> {
    this.calls.push(`start ${id}`);
    this.running.add(id);
  }
  async stop(id: string, reason: string): Promise<void> {
    this.calls.push(`stop ${id} (${reason})`);
    this.running.delete(id);
  }
  isRunning(id: string): boolean {
    return this.running.has(id);
  }
}

export interface MarketplaceFixture {
  dataDir: string;
  db: Db;
  events: AppEvents;
  emitted: { name: string; payload: unknown }[];
  audit: AuditLog;
  registry: PluginRegistry;
  secrets: SecretsManager;
  control: RecordingControl;
  service: MarketplaceService;
  /** Closes the database and builds every service again on the same folder, as an app restart does. */
  restart(): MarketplaceFixture;
  close(): void;
}

export type FixtureOptions = Partial<
  Pick<MarketplaceDeps, 'limits' | 'timeoutMs' | 'downloadIdleTimeoutMs' | 'downloadDeadlineMs' | 'afterStep' | 'builtinDir' | 'appVersion' | 'now' | 'licensePublicKey'>
> & {
  ca?: string;
  dataDir?: string;
};

/** The marketplace over a real SQLite file, the real keyring and a real HTTPS client. */
export function marketplaceFixture(options: FixtureOptions = {}): MarketplaceFixture {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'switchboard-market-'));
  const db = openDatabase(join(dataDir, 'switchboard.db'), MIGRATIONS);
  const events = new AppEvents();
  const emitted: { name: string; payload: unknown }[] = [];
  events.subscribe((name, payload) => emitted.push({ name, payload }));
  const log = createFileLogger(join(dataDir, 'logs', 'main.log'));
  const audit = new AuditLog(db, events);
  const settings = new SettingsService(db, events, audit, dataDir);
  const notifications = new NotificationService(db, events, { isSupported: () => false, show: () => undefined }, log, () => false);
  const secrets = new SecretsManager(db, osKeyring('switchboard-marketplace-test'), audit, events, log);
  const registry = new PluginRegistry(db);
  const control = new RecordingControl();
  const service = new MarketplaceService({
    db,
    registry,
    paths: pluginPaths(dataDir),
    audit,
    secrets,
    notifications,
    events,
    log,
    appVersion: options.appVersion ?? '1.0.0',
    fetch: nodeHttpsFetch({ extraCa: options.ca ? [options.ca] : [] }),
    builtinDir: options.builtinDir ?? null,
    refreshMinutes: () => settings.get().catalogRefreshMinutes,
    control: () => control,
    limits: options.limits,
    timeoutMs: options.timeoutMs ?? 15_000,
    downloadIdleTimeoutMs: options.downloadIdleTimeoutMs ?? 15_000,
    downloadDeadlineMs: options.downloadDeadlineMs,
    afterStep: options.afterStep,
    now: options.now,
    licensePublicKey: options.licensePublicKey,
  });
  service.recover();
  service.enforceLicenses();
  const fixture: MarketplaceFixture = {
    dataDir,
    db,
    events,
    emitted,
    audit,
    registry,
    secrets,
    control,
    service,
    restart: () => {
      db.close();
      return marketplaceFixture({ ...options, dataDir });
    },
    close: () => {
      if (db.open) db.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return fixture;
}

/**
 * A digest of everything in the data folder (names, kinds, modes, contents,
 * link targets), to prove a refused install changed nothing. The database
 * files and the logs are left out because they change legitimately (a log
 * line, a WAL checkpoint); tests compare the registry rows for those.
 */
export function treeDigest(dataDir: string): string {
  const hash = createHash('sha256');
  const skipped = (rel: string) => rel === '/logs' || /^\/switchboard\.db(-wal|-shm|-journal)?$/.test(rel);
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const full = join(dir, name);
      const path = `${rel}/${name}`;
      if (skipped(path)) continue;
      const info = lstatSync(full);
      if (info.isSymbolicLink()) hash.update(`link ${path} ${readlinkSync(full)}\n`);
      else if (info.isDirectory()) {
        hash.update(`dir ${path} ${info.mode}\n`);
        walk(full, path);
      } else hash.update(`file ${path} ${info.mode} ${sha256(readFileSync(full))}\n`);
    }
  };
  walk(dataDir, '');
  return hash.digest('hex');
}

export interface PublishedPlugin {
  id: string;
  name: string;
  version: string;
  author: string;
  tier: 'free' | 'paid';
  downloadUrl: string;
  checksum: string;
  size: number;
  permissions: string[];
  description: string;
  tags: string[];
  minVersion?: string;
  network?: { hosts: string[] };
}

/** Serves a plugin archive and returns its format-1 catalog entry. */
export function publish(server: TestHttpsServer, spec: TestPluginSpec & { tier?: 'free' | 'paid'; archive?: Buffer; declared?: Partial<PublishedPlugin> }): PublishedPlugin {
  const archive = spec.archive ?? pluginArchive(spec);
  const path = `/archives/${spec.id}-${spec.version}.tgz`;
  server.put(path, archive, { 'Content-Type': 'application/gzip' });
  return {
    id: spec.id,
    name: spec.name ?? spec.id,
    version: spec.version,
    author: 'Test Author',
    tier: spec.tier ?? 'free',
    downloadUrl: server.url(path),
    checksum: sha256(archive),
    size: archive.length,
    permissions: spec.permissions ?? [],
    description: `The ${spec.id} test plugin.`,
    tags: ['test'],
    ...spec.declared,
  };
}

export function catalogV1(plugins: unknown[], extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ version: 1, updatedAt: '2026-11-01T00:00:00Z', ...extra, plugins }, null, 2);
}
