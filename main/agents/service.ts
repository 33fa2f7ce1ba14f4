import { existsSync, statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { PROJECT_NAME_MAX, SESSION_TITLE_MAX, type AgentEnvEntry, type ProjectInfo, type SessionInfo, type SourceConfig, type ToolPermissionSettings } from '../../app/contract/agents.ts';
import { AppError, fieldError } from '../../app/contract/envelope.ts';
import { tooLongWords } from '../../app/contract/fields.ts';
import type { Static } from '@sinclair/typebox';
import type { SourceStatus } from '../../app/contract/agents.ts';
import type { Db } from '../db/database.ts';
import type { HandlerTable } from '../ipc/dispatcher.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import type { MetricsService } from '../metrics/metrics.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { PluginBus } from '../plugins/control.ts';
import type { SearchService } from '../search/search.ts';
import { ProjectDiscovery } from './discovery.ts';
import { resolveRepoRoot } from './repo-root.ts';
import { AgentRunner, checkPermissions } from './runner.ts';
import { PreToolGate } from './pre-tool-gate.ts';
import { SessionPipeline } from './pipeline.ts';
import { claudeFormat, codexFormat, TranscriptSource, TranscriptSources } from './sources.ts';
import { canonicalPath } from './project-store.ts';
import { SessionStore } from './store.ts';

export interface AgentServiceDeps {
  db: Db;
  events: AppEvents;
  notifications: NotificationService;
  log: Logger;
  search: SearchService;
  metrics: MetricsService;
  bus: () => PluginBus | undefined;
  /** Reads an API key from the keyring. */
  secret: (name: string) => string | null;
  /** The home folder the default transcript roots are under. */
  home: string;
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  now?: () => Date;
  pollMs?: number;
  /** Finds the repository root of a working folder; the `git` CLI unless a test says otherwise. */
  resolveRoot?: (cwd: string) => Promise<string>;
  /** How long discovery waits after a scan before it looks for projects. */
  discoveryDelayMs?: number;
}

export function defaultSourceConfig(home: string): SourceConfig {
  return {
    claudeRoot: join(home, '.claude', 'projects'),
    codexRoot: join(home, '.codex', 'sessions'),
    claudeBinary: 'claude',
    codexBinary: 'codex',
    claudeKeySecret: 'ANTHROPIC_API_KEY',
    codexKeySecret: 'OPENAI_API_KEY',
    claudeBaseUrl: '',
    codexBaseUrl: '',
    claudeEnv: [],
    codexEnv: [],
    watch: true,
  };
}

const SECRET_NAME = /^[A-Za-z0-9_.-]{1,200}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,99}$/;
/** Set by Switchboard itself (the key fields, the API address), or changing what code the agent loads. */
const RESERVED_ENV = /^(ANTHROPIC_API_KEY|OPENAI_API_KEY|ANTHROPIC_BASE_URL|OPENAI_BASE_URL|PATH|NODE_OPTIONS|LD_PRELOAD|LD_LIBRARY_PATH|DYLD_.*)$/;

function isWebUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** What is wrong with an agent's extra environment, one sentence each. */
export function envProblems(entries: readonly AgentEnvEntry[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const e of entries) {
    const name = e.name.slice(0, 100);
    if (!ENV_NAME.test(e.name)) problems.push(`"${name}" is not a variable name: letters, digits and underscore, not starting with a digit`);
    else if (RESERVED_ENV.test(e.name.toUpperCase())) problems.push(`${name} cannot be set here${/API_KEY|BASE_URL/.test(e.name.toUpperCase()) ? ': use its own field above' : ': it changes which programs and libraries the agent loads'}`);
    else if (seen.has(e.name)) problems.push(`${name} is given twice`);
    else if (e.secret && !SECRET_NAME.test(e.value)) problems.push(`${name} takes its value from the keyring: name the entry with letters, digits, dot, dash and underscore`);
    seen.add(e.name);
  }
  return problems;
}

/**
 * Everything about agent sessions behind one object: projects, the
 * transcript sources and their watcher, the runner, and their settings.
 */
export class AgentService {
  readonly store: SessionStore;
  readonly pipeline: SessionPipeline;
  readonly sources: TranscriptSources;
  readonly runner: AgentRunner;
  /** Where Claude Code runs ask the plugins' pre_tool hooks about each tool call. */
  readonly preTool: PreToolGate;
  /** Makes projects of the repositories the transcripts' sessions ran in, after each scan. */
  readonly discovery: ProjectDiscovery;
  readonly #d: AgentServiceDeps;
  #config: SourceConfig | undefined;

  constructor(deps: AgentServiceDeps) {
    this.#d = deps;
    this.store = new SessionStore(deps.db, (model, tokens) => deps.metrics.estimate(model, tokens));
    this.pipeline = new SessionPipeline({
      store: this.store,
      search: deps.search,
      metrics: deps.metrics,
      events: deps.events,
      notifications: deps.notifications,
      log: deps.log,
      bus: deps.bus,
      ...(deps.now ? { now: deps.now } : {}),
    });
    this.discovery = new ProjectDiscovery({
      store: this.store,
      resolveRoot: deps.resolveRoot ?? resolveRepoRoot,
      changed: () => this.#projectsChanged(),
      log: deps.log,
      ...(deps.now ? { now: deps.now } : {}),
      ...(deps.discoveryDelayMs !== undefined ? { delayMs: deps.discoveryDelayMs } : {}),
    });
    this.sources = new TranscriptSources(
      [
        new TranscriptSource(claudeFormat, () => this.config().claudeRoot, this.store, this.pipeline, deps.log),
        new TranscriptSource(codexFormat, () => this.config().codexRoot, this.store, this.pipeline, deps.log),
      ],
      this.store,
      this.pipeline,
      deps.log,
      deps.now,
      () => this.discovery.schedule(),
    );
    this.preTool = new PreToolGate(deps.bus, deps.log);
    this.runner = new AgentRunner({
      store: this.store,
      pipeline: this.pipeline,
      notifications: deps.notifications,
      log: deps.log,
      bus: deps.bus,
      config: () => this.config(),
      secret: deps.secret,
      ...(deps.sleep ? { sleep: deps.sleep } : {}),
      preTool: this.preTool,
    });
    this.#endInterruptedRuns();
  }

  /** Runs that an earlier start of the app left running (it quit or crashed meanwhile) cannot be followed any more. */
  #endInterruptedRuns(): void {
    for (const id of this.store.runningRuns()) {
      const session = this.store.getSession(id);
      if (!session) continue;
      this.pipeline.complete(id, {
        status: 'stopped',
        endedAt: session.lastActivityAt || session.startedAt,
        errorMessage: 'Switchboard closed while this run was going; what the agent did after that was not recorded.',
      });
    }
  }

  /** Starts following transcripts when the user wants that. */
  start(): void {
    if (this.config().watch) this.sources.start(this.#d.pollMs);
  }

  /** Stops following and every run; resolves once the runs have recorded their end, so the database can close. */
  async close(): Promise<void> {
    this.sources.stop();
    await this.discovery.stop();
    await this.runner.stopAll();
    await this.preTool.close();
  }

  config(): SourceConfig {
    // Read for every file a scan looks at: kept until the settings change.
    if (this.#config) return this.#config;
    const stored: Record<string, unknown> = {};
    for (const row of this.#d.db.prepare('SELECT key, value FROM agent_source_settings').all() as { key: string; value: string }[]) {
      stored[row.key] = JSON.parse(row.value);
    }
    this.#config = { ...defaultSourceConfig(this.#d.home), ...stored } as SourceConfig;
    return this.#config;
  }

  status(): Static<typeof SourceStatus> {
    const totals = this.store.importTotals();
    return { settings: this.config(), files: totals.files, malformedLines: totals.malformed, unknownRecords: totals.unknown, lastScanAt: this.sources.lastScanAt };
  }

  updateConfig(patch: Partial<SourceConfig>): Static<typeof SourceStatus> {
    const problems: string[] = [];
    for (const key of ['claudeRoot', 'codexRoot'] as const) {
      const value = patch[key];
      if (value !== undefined && !isAbsolute(value.trim())) problems.push(`${key === 'claudeRoot' ? 'The Claude Code folder' : 'The Codex folder'} must be a full path, like /home/you/.claude/projects`);
    }
    for (const key of ['claudeBinary', 'codexBinary'] as const) {
      if (patch[key] !== undefined && !patch[key]!.trim()) problems.push('An agent program needs a name or a full path');
    }
    for (const key of ['claudeKeySecret', 'codexKeySecret'] as const) {
      if (patch[key] !== undefined && !SECRET_NAME.test(patch[key]!)) problems.push('A key name may use letters, digits, dot, dash and underscore only');
    }
    for (const key of ['claudeBaseUrl', 'codexBaseUrl'] as const) {
      const value = patch[key]?.trim();
      if (value && !isWebUrl(value)) problems.push(`The API address must be a full http(s) address, like https://gateway.example.com; "${value.slice(0, 80)}" is not`);
    }
    for (const key of ['claudeEnv', 'codexEnv'] as const) {
      if (patch[key] !== undefined) problems.push(...envProblems(patch[key]!));
    }
    if (problems.length) throw new AppError('invalid_argument', problems.join('. '));
    const put = this.#d.db.prepare('INSERT INTO agent_source_settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value');
    this.#d.db.transaction(() => {
      for (const [key, value] of Object.entries(patch)) put.run(key, JSON.stringify(typeof value === 'string' ? value.trim() : value));
    })();
    this.#config = undefined;
    this.sources.stop();
    this.start();
    return this.status();
  }

  listProjects(): ProjectInfo[] {
    return this.store.listProjects();
  }

  addProject(path: string, name?: string): ProjectInfo {
    const folder = path.trim();
    if (!folder) throw fieldError('path', 'Choose the folder of the project.');
    if (!isAbsolute(folder)) throw fieldError('path', `"${folder.slice(0, 200)}" is not a full path. Use the folder's full path, like /home/you/code/shop.`);
    if (!existsSync(folder) || !statSync(folder).isDirectory()) throw fieldError('path', `The folder ${folder} does not exist.`);
    if (name !== undefined && name.trim().length > PROJECT_NAME_MAX) throw fieldError('name', tooLongWords(PROJECT_NAME_MAX));
    const taken = this.store.projectAt(folder);
    if (taken && !taken.own) throw new AppError('conflict', `${canonicalPath(folder)} is already part of the project ${taken.name}.`);
    if (taken && !taken.discovered) throw new AppError('conflict', `${canonicalPath(folder)} is already a project.`);
    // A project found at this folder becomes the user's own, under the name they gave.
    const project = taken ? this.store.adoptProject(taken.id, name) : this.store.addProject(folder, name);
    this.#projectsChanged();
    return project;
  }

  /** Saves what the project's runs may do; a bad mode or tool rule changes nothing. */
  setProjectPermissions(id: string, permissions: ToolPermissionSettings): ProjectInfo {
    checkPermissions(permissions);
    const clean: ToolPermissionSettings = {
      ...(permissions.permissionMode ? { permissionMode: permissions.permissionMode } : {}),
      ...(permissions.allowedTools?.length ? { allowedTools: permissions.allowedTools.map((t) => t.trim()) } : {}),
      ...(permissions.disallowedTools?.length ? { disallowedTools: permissions.disallowedTools.map((t) => t.trim()) } : {}),
    };
    if (!this.store.setProjectPermissions(id, clean)) throw new AppError('not_found', 'That project no longer exists.');
    this.#projectsChanged();
    return this.store.getProject(id)!;
  }

  removeProject(id: string): boolean {
    const project = this.store.getProject(id);
    if (project?.discovered) throw new AppError('invalid_argument', `${project.name} was found in your transcripts and would come back: hide it instead.`);
    const removed = this.store.removeProject(id);
    if (!removed) throw new AppError('not_found', 'That project was already removed.');
    this.#projectsChanged();
    // Its sessions are grouped by their repositories again.
    this.discovery.schedule();
    return removed;
  }

  renameProject(id: string, name: string): ProjectInfo {
    const clean = name.trim();
    if (!clean) throw fieldError('name', 'A project needs a name.');
    if (clean.length > PROJECT_NAME_MAX) throw fieldError('name', tooLongWords(PROJECT_NAME_MAX));
    if (!this.store.renameProject(id, clean)) throw new AppError('not_found', 'That project no longer exists.');
    this.#projectsChanged();
    return this.store.getProject(id)!;
  }

  /** `from` becomes part of `into`: its folders, its sessions and their history. */
  mergeProjects(from: string, into: string): ProjectInfo {
    if (from === into) throw new AppError('invalid_argument', 'A project cannot be merged into itself. Choose another project.');
    const source = this.store.getProject(from);
    if (!source) throw new AppError('not_found', 'The project to merge no longer exists.');
    if (!this.store.getProject(into)) throw new AppError('not_found', `The project to merge ${source.name} into no longer exists.`);
    this.store.mergeProjects(from, into);
    this.#projectsChanged();
    return this.store.getProject(into)!;
  }

  setProjectHidden(id: string, hidden: boolean): ProjectInfo {
    if (!this.store.setProjectHidden(id, hidden)) throw new AppError('not_found', 'That project no longer exists.');
    this.#projectsChanged();
    return this.store.getProject(id)!;
  }

  /** The user's own title for a session; an empty one goes back to the transcript's. */
  renameSession(id: string, title: string): SessionInfo {
    const clean = title.trim();
    if (clean.length > SESSION_TITLE_MAX) throw fieldError('title', tooLongWords(SESSION_TITLE_MAX));
    if (!this.store.renameSession(id, clean || null)) throw new AppError('not_found', 'That session is not in the database any more.');
    return this.#sessionChanged(id);
  }

  setSessionHidden(id: string, hidden: boolean): SessionInfo {
    if (!this.store.setSessionHidden(id, hidden)) throw new AppError('not_found', 'That session is not in the database any more.');
    return this.#sessionChanged(id);
  }

  #sessionChanged(id: string): SessionInfo {
    const session = this.store.getSession(id)!;
    this.#d.events.emit('sessions.changed', session);
    return session;
  }

  /** Projects changed (and with them, which project sessions belong to): the metrics follow, the windows hear. */
  #projectsChanged(): void {
    this.#d.metrics.followProjects();
    this.#d.events.emit('projects.changed', { projects: this.store.listProjects() });
  }
}

/** What the agent, search and metrics channels need from the running services. */
export interface AgentCore {
  agents: AgentService;
  search: SearchService;
  metrics: MetricsService;
  tasks?: { list(): { status: string }[] };
}

type AgentChannels =
  | 'projects.list'
  | 'projects.add'
  | 'projects.remove'
  | 'projects.setPermissions'
  | 'projects.rename'
  | 'projects.merge'
  | 'projects.setHidden'
  | 'sessions.rename'
  | 'sessions.setHidden'
  | 'sessions.list'
  | 'sessions.get'
  | 'sessions.subagents'
  | 'sessions.run'
  | 'sessions.stop'
  | 'sessions.retry'
  | 'sessions.sources'
  | 'sessions.updateSources'
  | 'sessions.rescan'
  | 'search.init'
  | 'search.all'
  | 'search.rebuild'
  | 'metrics.live'
  | 'metrics.history'
  | 'metrics.prices'
  | 'metrics.setPrice'
  | 'metrics.deletePrice';

/** The IPC handlers for sessions, search and metrics; services.ts spreads them into its table. */
export function agentHandlers(ready: () => AgentCore): Pick<HandlerTable, AgentChannels> {
  return {
    'projects.list': () => ({ projects: ready().agents.listProjects() }),
    'projects.add': ({ path, name }) => ready().agents.addProject(path, name),
    'projects.remove': ({ id }) => ({ removed: ready().agents.removeProject(id) }),
    'projects.rename': ({ id, name }) => ready().agents.renameProject(id, name),
    'projects.merge': ({ from, into }) => ready().agents.mergeProjects(from, into),
    'projects.setHidden': ({ id, hidden }) => ready().agents.setProjectHidden(id, hidden),
    'sessions.list': ({ projectId, limit, includeHidden }) =>
      ({ sessions: ready().agents.store.listSessions({ ...(projectId ? { projectId } : {}), limit: limit ?? 200, includeHidden: includeHidden ?? false }) }),
    'sessions.rename': ({ id, title }) => ready().agents.renameSession(id, title),
    'sessions.setHidden': ({ id, hidden }) => ready().agents.setSessionHidden(id, hidden),
    'sessions.get': ({ id }) => {
      const { store } = ready().agents;
      const session = store.getSession(id);
      if (!session) throw new AppError('not_found', 'That session is not in the database any more.');
      return { session, messages: store.messages(id) };
    },
    'sessions.subagents': ({ id }) => ({ sessions: ready().agents.store.subagents(id) }),
    'sessions.run': ({ projectId, provider, prompt, permissions }) => ready().agents.runner.run(projectId, provider, prompt, permissions),
    'sessions.retry': ({ id }) => ready().agents.runner.retry(id),
    'projects.setPermissions': ({ id, permissions }) => ready().agents.setProjectPermissions(id, permissions),
    'sessions.stop': ({ id }) => {
      const stopped = ready().agents.runner.stop(id);
      if (!stopped) throw new AppError('not_found', 'That session is not running.');
      return { stopped };
    },
    'sessions.sources': () => ready().agents.status(),
    'sessions.updateSources': (patch) => ready().agents.updateConfig(patch),
    'sessions.rescan': () => ready().agents.sources.scan(),
    'search.init': () => ready().search.init(),
    'search.all': ({ query, limit }) => ready().search.all(query, limit),
    'search.rebuild': () => ready().search.rebuild(),
    'metrics.live': ({ period }) => {
      const core = ready();
      return core.metrics.live(core.agents.store, core.tasks, new Date(), period ?? 'today');
    },
    'metrics.history': ({ projectId }) => ({ rows: ready().metrics.history(projectId ?? null) }),
    'metrics.prices': () => ready().metrics.priceTable(),
    'metrics.setPrice': (price) => ({ prices: ready().metrics.setPrice(price) }),
    'metrics.deletePrice': ({ model }) => ({ prices: ready().metrics.deletePrice(model) }),
  };
}
