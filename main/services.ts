import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import type { AppStatus } from '../app/contract/app.ts';
import { AppError } from '../app/contract/envelope.ts';
import { AuditLog } from './audit/audit.ts';
import { DatabaseUnreadableError, moveDatabaseAside, openDatabase, type Db } from './db/database.ts';
import { MIGRATIONS } from './db/migrations.ts';
import { createDispatcher, type Dispatch, type HandlerTable } from './ipc/dispatcher.ts';
import { AppEvents } from './ipc/events.ts';
import { createFileLogger, type Logger } from './log/logger.ts';
import { NotificationService, type NativeNotifier } from './notifications/notifications.ts';
import { osKeyring, type KeyringBackend } from './secrets/keyring.ts';
import { SecretsManager } from './secrets/secrets.ts';
import { SettingsService } from './settings/settings.ts';
import { pluginPaths, type PluginPaths } from './plugins/paths.ts';
import { PluginRegistry } from './plugins/registry.ts';
import { defaultActorName, TaskService } from './tasks/tasks.ts';
import { appCommands } from './plugins/app-commands.ts';
import { childProcessLauncher, type PluginLauncher } from './plugins/launcher.ts';
import { PluginStore } from './plugins/store.ts';
import { UnpackedPlugins } from './plugins/unpacked.ts';
import { PluginSupervisor, type SupervisorTiming } from './plugins/supervisor.ts';
import { DEFAULT_BUILTIN_CATALOG_DIR } from './marketplace/builtin.ts';
import { nodeHttpsFetch, type HttpFetch } from './marketplace/http.ts';
import { HUB_TOKEN_SECRET, UsageShare } from './usage-share/share.ts';
import { openHttpsLink } from './marketplace/links.ts';
import { MarketplaceService, type MarketplaceDeps } from './marketplace/service.ts';
import { homedir } from 'node:os';
import { AgentService, agentHandlers } from './agents/service.ts';
import { MetricsService } from './metrics/metrics.ts';
import { SearchService } from './search/search.ts';
import { UpdateService, type Updater } from './updates/updates.ts';
import { PluginDataFolders, type SaveDialog } from './files/plugin-files.ts';
import type { ResolveHost } from './net/plugin-fetch.ts';
import { pluginCapabilities, pluginDataRoot } from './plugin-capabilities.ts';
import { ConsentBroker } from './plugins/api/consent.ts';

/** A build without a save dialog refuses saves in words instead of writing somewhere the user did not choose. */
const noSaveDialog: SaveDialog = () => Promise.reject(new AppError('conflict', 'Saving files is not available in this window'));

export type Status = Static<typeof AppStatus>;

export interface ServiceOptions {
  /** Electron's userData, or the harness's folder. */
  dataDir: string;
  appVersion: string;
  native: NativeNotifier;
  keyring?: KeyringBackend;
  /** Also print the log to stderr (harness and development). */
  mirrorLog?: boolean;
  /** How plugin processes start: `utilityProcess` in Electron; by default `child_process.fork` with Node's permission flags. */
  pluginLauncher?: PluginLauncher;
  /** Shorter supervision deadlines for tests. */
  pluginTiming?: Partial<SupervisorTiming>;
  /** Resident memory of a plugin process by pid, for the memory cap (Electron: app.getAppMetrics); /proc by default. */
  pluginMemory?: (pid: number) => number | null;
  /** The marketplace's HTTP client (Electron: net.fetch). Defaults to Node HTTPS trusting the usual roots plus `extraCa`. */
  httpFetch?: HttpFetch;
  /** Extra CA certificates (PEM) for the default HTTP client: the harness's test CA. */
  extraCa?: string[];
  /** The signed built-in catalog folder; null for none. Defaults to resources/catalog of the checkout. */
  builtinCatalogDir?: string | null;
  /** Opens an https link in the system browser (Electron: shell.openExternal). */
  openExternal?: (url: string) => Promise<void> | void;
  /** Marketplace limits, timeouts and fault injection, for tests. */
  marketplace?: Pick<MarketplaceDeps, 'limits' | 'timeoutMs' | 'afterStep' | 'licensePublicKey'>;
  /** The search index worker's entry: Electron's bundled file; by default the source file (index-worker.ts). */
  searchWorkerEntry?: string;
  /** The home folder whose ~/.claude and ~/.codex are followed by default (the harness uses one in its data folder). */
  agentHome?: string;
  /** How the runner waits between retries; tests pass one that returns at once. */
  agentRetrySleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** Where `agor.files.save` writes: the OS save dialog in Electron, a stand-in the tests drive in the harness. */
  saveDialog?: SaveDialog;
  /** How plugin requests resolve names before the address check (tests map names to addresses). */
  resolveHost?: ResolveHost;
  /** The app updater (Electron: electron-updater), or why this build has none. */
  updater?: Updater | { unsupported: string };
  /** First wait before team usage is sent again after the Hub could not be reached; tests shorten it. */
  usageShareRetryMs?: number;
}

/** The live services, once the database is open. Later capabilities hang off this. */
export interface Core {
  db: Db;
  settings: SettingsService;
  audit: AuditLog;
  notifications: NotificationService;
  secrets: SecretsManager;
  plugins: PluginRegistry;
  pluginPaths: PluginPaths;
  /** The task board; `agor.tasks` and the tasks.* channels both go through it. */
  tasks: TaskService;
  /** The plugin runtime: processes (PluginProcessControl) and the message/event/hook bus (PluginBus). */
  supervisor: PluginSupervisor;
  /** Plugin folders loaded with "Load unpacked…", copied into plugins/ and watched. */
  unpacked: UnpackedPlugins;
  /** Catalogs, install, update, rollback, uninstall. */
  marketplace: MarketplaceService;
  /** Projects, agent sessions (transcripts and runs) and their sources. */
  agents: AgentService;
  search: SearchService;
  metrics: MetricsService;
  /** Opt-in: finished sessions' usage figures sent to the team Hub. */
  usageShare: UsageShare;
}

export interface AppServices {
  dispatch: Dispatch;
  events: AppEvents;
  log: Logger;
  status(): Status;
  /** The ready services; throws `database_unavailable` while the database cannot be used. */
  core(): Core;
  /** Stops every plugin gracefully, then closes the database. */
  close(): Promise<void>;
}

export const DATABASE_FILE = 'switchboard.db';

/**
 * One composition root for the services, used by both the Electron main
 * process and the browser harness. It never throws on a bad database: it
 * starts in a `database_error` state so the window can ask the user what
 * to do with the file.
 */
export function startServices(options: ServiceOptions): AppServices {
  mkdirSync(options.dataDir, { recursive: true });
  const log = createFileLogger(join(options.dataDir, 'logs', 'main.log'), { mirror: options.mirrorLog ?? false });
  const events = new AppEvents();
  const keyring = options.keyring ?? osKeyring();
  const databasePath = join(options.dataDir, DATABASE_FILE);
  let core: Core | undefined;
  let status: Status;
  const consent = new ConsentBroker((announcement) => events.emit('plugins.consent', announcement));
  let viewContext: { sessionId: string | null; projectId: string | null } = { sessionId: null, projectId: null };
  const http = options.httpFetch ?? nodeHttpsFetch({ extraCa: options.extraCa });

  const open = (): void => {
    let db: Db | undefined;
    try {
      db = openDatabase(databasePath, MIGRATIONS);
      const audit = new AuditLog(db, events);
      const settings = new SettingsService(db, events, audit, options.dataDir);
      const notifications = new NotificationService(db, events, options.native, log, () => settings.get().desktopNotifications);
      const secrets = new SecretsManager(db, keyring, audit, events, log);
      const pruned = audit.prune(settings.get().auditRetentionDays);
      if (pruned > 0) log.info(`audit: pruned ${pruned} rows past retention`);
      const plugins = new PluginRegistry(db);
      const nameOf = (actor: string): string =>
        (actor.startsWith('plugin:') && plugins.get(actor.slice('plugin:'.length))?.name) || defaultActorName(actor);
      const tasks = new TaskService(db, events, audit, { nameOf, log });
      const paths = pluginPaths(options.dataDir);
      const supervisor: PluginSupervisor = new PluginSupervisor({
        registry: plugins,
        paths,
        store: new PluginStore(db),
        audit,
        notifications,
        events,
        tasks,
        log,
        appVersion: options.appVersion,
        launcher: options.pluginLauncher ?? childProcessLauncher(),
        ...(options.pluginTiming ? { timing: options.pluginTiming } : {}),
        // Tests shorten the idle time through pluginTiming; otherwise the setting holds, read at every check.
        idleMs: () => options.pluginTiming?.idleMs ?? settings.get().pluginIdleMinutes * 60_000,
        ...(options.pluginMemory ? { readRss: options.pluginMemory } : {}),
        appCommands: appCommands({ notifications, tasks, supervisor: () => supervisor }),
        capabilities: pluginCapabilities({
          dataDir: options.dataDir,
          fetch: http,
          ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
          saveDialog: options.saveDialog ?? noSaveDialog,
          consent,
          agents: () => ready().agents,
          audit: () => audit,
          viewContext: () => viewContext,
        }),
      });
      // Plugins that show the board (holding tasks as well as events) redraw when it changes, whoever changed it.
      tasks.onChange((task, kind) => supervisor.emitHostEvent('task.changed', { kind, taskId: task.id, status: task.status }));
      const marketplace = new MarketplaceService({
        db, registry: plugins, paths, audit, secrets, notifications, events, log,
        appVersion: options.appVersion,
        fetch: http,
        builtinDir: options.builtinCatalogDir === undefined ? DEFAULT_BUILTIN_CATALOG_DIR : options.builtinCatalogDir,
        refreshMinutes: () => settings.get().catalogRefreshMinutes,
        control: () => core?.supervisor,
        ...options.marketplace,
      });
      // Before any plugin starts: put back whatever a crash interrupted.
      marketplace.recover();
      marketplace.enforceLicenses();
      const metrics = new MetricsService(db);
      const search = new SearchService(db, { log, ...(options.searchWorkerEntry ? { workerEntry: options.searchWorkerEntry } : {}) });
      search.attachTasks(tasks);
      const agents = new AgentService({
        db, events, notifications, log, search, metrics,
        bus: () => core?.supervisor,
        secret: (name) => secrets.get(name),
        home: options.agentHome ?? homedir(),
        ...(options.agentRetrySleep ? { sleep: options.agentRetrySleep } : {}),
      });
      const unpacked = new UnpackedPlugins({
        paths,
        registry: plugins,
        list: () => supervisor.list(),
        reload: (id) => supervisor.reload(id),
        log: (id, text) => log.warn(`plugin ${id}: ${text}`),
      });
      const usageShare = new UsageShare({
        db, store: agents.store, http, log,
        setting: () => settings.get().teamUsage,
        token: () => secrets.get(HUB_TOKEN_SECRET),
        ...(options.usageShareRetryMs ? { retryMs: options.usageShareRetryMs } : {}),
      });
      // A session that finished, or sharing just switched on: send what the Hub does not have yet.
      events.subscribe((name, payload) => {
        if ((name === 'sessions.changed' && (payload as { status?: string }).status !== 'running') || name === 'settings.changed') usageShare.schedule();
      });
      // Summaries still waiting from before a restart go now, not when the next session ends.
      usageShare.schedule();
      core = { db, settings, audit, notifications, secrets, plugins, pluginPaths: paths, tasks, supervisor, unpacked, marketplace, agents, search, metrics, usageShare };
      search.start();
      agents.start();
      supervisor.startAll().catch((err: unknown) => log.error('starting plugins failed', err));
      status = { state: 'ready', version: options.appVersion, dataFolder: options.dataDir };
    } catch (err) {
      if (!(err instanceof DatabaseUnreadableError)) throw err;
      log.error(err.message);
      db?.close();
      core = undefined;
      // The file the user decides about: the app database, or the search index file next to it.
      status = { state: 'database_error', version: options.appVersion, dataFolder: options.dataDir, databasePath: err.path, message: err.message };
    }
  };
  open();

  const updates = new UpdateService({
    updater: options.updater ?? { unsupported: 'The browser harness does not update itself; the installed desktop app does.' },
    currentVersion: options.appVersion,
    mode: () => core?.settings.get().updateChecks ?? 'off',
    events,
    log,
    onDownloaded: (version) => core?.notifications.notify({ type: 'info', title: `Switchboard ${version} is ready`, message: 'Restart Switchboard to install it (Settings → Updates).' }),
  });
  updates.start();

  const ready = (): Core => {
    if (!core) throw new AppError('database_unavailable', 'The database cannot be read. Choose what to do with it on the start screen.');
    return core;
  };

  const handlers = {
    'app.status': () => status,
    'app.resetDatabase': () => {
      if (core) throw new AppError('conflict', 'The database is working; there is nothing to reset.');
      const movedTo = moveDatabaseAside(status.state === 'database_error' ? status.databasePath : databasePath);
      log.warn(`moved unreadable database to ${movedTo}`);
      open();
      const fresh = core as Core | undefined;
      fresh?.audit.append('database_reset', 'user', movedTo);
      // The secrets themselves live in the keyring and survive; only their names were in the old file.
      fresh?.secrets.adoptKeyringNames();
      events.emit('app.statusChanged', status);
      return { movedTo, status };
    },
    'settings.get': () => ready().settings.get(),
    'settings.update': (patch) => ready().settings.update(patch),
    'settings.sendTeamUsage': async () => ({ sent: await ready().usageShare.sendNow() }),
    'notifications.list': () => ready().notifications.list(),
    'notifications.markRead': ({ ids }) => ready().notifications.markRead(ids),
    'notifications.clear': () => ready().notifications.clear(),
    'notifications.sendTest': () =>
      ready().notifications.notify({ type: 'info', title: 'Test notification', message: 'Notifications reach you here.' }),
    'audit.list': (filter) => {
      const { audit } = ready();
      return { entries: audit.list(filter), eventTypes: audit.eventTypes(), actors: audit.actors() };
    },
    'audit.export': (filter) => ready().audit.exportJsonl(filter),
    'secrets.status': () => ready().secrets.hasKeyring(),
    'secrets.list': () => ready().secrets.list(),
    'secrets.set': ({ name, value }) => ready().secrets.store(name, value),
    'secrets.delete': ({ name }) => ({ deleted: ready().secrets.delete(name) }),
    'marketplace.fetchCatalog': ({ refresh }) => ready().marketplace.fetchCatalog(refresh ?? false),
    'marketplace.install': ({ pluginId, sourceId, acceptedPermissions }) => ready().marketplace.install(pluginId, sourceId, acceptedPermissions),
    'marketplace.cancel': ({ pluginId }) => ({ cancelled: ready().marketplace.cancel(pluginId) }),
    'marketplace.uninstall': async ({ pluginId }) => {
      const removed = await ready().marketplace.uninstall(pluginId);
      // What it kept with agor.files goes with it; its kv storage went in the same transaction as its row.
      if (removed) await new PluginDataFolders(pluginDataRoot(options.dataDir)).purge(pluginId);
      return { removed };
    },
    'marketplace.update': ({ pluginId }) => ready().marketplace.update(pluginId),
    'marketplace.approveUpdate': ({ pluginId, acceptedPermissions }) => ready().marketplace.approveUpdate(pluginId, acceptedPermissions),
    'marketplace.updateAll': () => ready().marketplace.updateAll(),
    'marketplace.rollback': ({ pluginId }) => ready().marketplace.rollback(pluginId),
    'marketplace.listInstalled': () => ready().marketplace.listInstalled(),
    'marketplace.checkUpdates': () => ready().marketplace.checkUpdates(),
    'marketplace.listSources': () => ready().marketplace.sources.list(),
    'marketplace.addSource': (input) => ready().marketplace.addSource(input),
    'marketplace.editSource': ({ id, ...input }) => ready().marketplace.editSource(id, input),
    'marketplace.removeSource': ({ id }) => ({ removed: ready().marketplace.removeSource(id) }),
    'marketplace.setLicenseKey': async ({ pluginId, sourceId, key }) => ({ licensed: await ready().marketplace.setLicenseKey(sourceId, pluginId, key) }),
    'marketplace.licenseStatus': ({ pluginId }) => ({ license: ready().marketplace.licenseStatus(pluginId) }),
    'app.openExternal': async ({ url }) => ({ opened: await openHttpsLink(url, options.openExternal) }),
    'tasks.list': () => ({ tasks: ready().tasks.list() }),
    'tasks.create': ({ title, description, status, assignee }) => ready().tasks.create(title, description, 'user', { status, assignee }),
    'tasks.update': ({ id, ...fields }) => ready().tasks.update(id, fields, 'user'),
    'tasks.move': ({ id, status, index }) => ready().tasks.updateStatus(id, status, 'user', index),
    'tasks.delete': ({ id }) => ready().tasks.delete(id, 'user'),
    'tasks.restore': ({ id }) => ready().tasks.restore(id, 'user'),
    'plugins.list': () => ({ plugins: ready().supervisor.list() }),
    'plugins.get': ({ id }) => ready().supervisor.get(id),
    'plugins.setEnabled': ({ id, enabled }) => {
      if (enabled) ready().marketplace.requireLicense(id);
      return ready().supervisor.setEnabled(id, enabled);
    },
    'plugins.restart': ({ id }) => ready().supervisor.restart(id),
    'plugins.reload': ({ id }) => ready().supervisor.reload(id),
    'plugins.updateSettings': ({ id, values }) => ready().supervisor.updateSettings(id, values),
    'plugins.logs': ({ id }) => ({ lines: ready().supervisor.logs(id) }),
    'plugins.setPermission': ({ id, permission, granted }) => ready().supervisor.setPermission(id, permission, granted),
    'plugins.approveSideload': ({ id, acceptedPermissions }) => ready().supervisor.approveSideload(id, acceptedPermissions),
    'plugins.loadUnpacked': ({ folder }) => ready().unpacked.load(folder),
    'plugins.panelAction': ({ id, blockId, actionId, values }) => ready().supervisor.panelAction(id, blockId, actionId ?? null, values),
    'plugins.statusItems': () => ({ items: ready().supervisor.statusItems() }),
    'plugins.consents': () => ({ pending: consent.pending() }),
    'plugins.answerConsent': ({ requestId, allow }) => ({ answered: consent.answer(requestId, allow) }),
    'plugins.setViewContext': (context) => {
      const changed = context.sessionId !== viewContext.sessionId || context.projectId !== viewContext.projectId;
      viewContext = context;
      // Plugins that show "the session you are looking at" follow it (to those holding sessions as well as events).
      if (changed) core?.supervisor.emitHostEvent('session.viewed', { sessionId: context.sessionId, projectId: context.projectId });
      return { ok: true as const };
    },
    'palette.list': () => ({ commands: ready().supervisor.palette() }),
    'palette.run': async ({ commandId, argument }) => {
      await ready().supervisor.runCommand(commandId, argument);
      return { ok: true as const };
    },
    'updates.status': () => updates.status(),
    'updates.check': () => updates.check(),
    'updates.download': () => updates.download(),
    'updates.install': ({ when }) => updates.install(when),
    ...agentHandlers(ready),
  } satisfies Partial<HandlerTable>;

  return {
    dispatch: createDispatcher(() => handlers satisfies HandlerTable, log),
    events,
    log,
    status: () => status,
    core: ready,
    close: async () => {
      updates.close();
      const closing = core;
      core = undefined;
      consent.close();
      if (!closing) return;
      closing.unpacked.close();
      closing.usageShare.close();
      // Runs being stopped still write how they ended: the database closes after them.
      await Promise.all([closing.agents.close(), closing.search.close(), closing.supervisor.stopAll()]);
      closing.db.close();
    },
  };
}
