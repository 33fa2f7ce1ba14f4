import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AgentMessage, HookOutcome, HookStage } from '../../app/messages.ts';
import { openDatabase, type Db } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import { MetricsService } from '../metrics/metrics.ts';
import { NotificationService, type Notification } from '../notifications/notifications.ts';
import type { PluginBus } from '../plugins/control.ts';
import { SearchService } from '../search/search.ts';
import { AgentService } from './service.ts';

export const FIXTURES = join(import.meta.dirname, 'fixtures');
export const FAKE_AGENT = join(FIXTURES, 'fake-agent.mjs');

/**
 * Stands where the plugin runtime's bus stands: records what plugins would
 * receive and answers hooks the way a test says.
 */
export class RecordingBus implements PluginBus {
  readonly messages: AgentMessage[] = [];
  readonly hostEvents: { name: string; payload: unknown }[] = [];
  readonly hookCalls: { stage: HookStage; body: string; metadata: Record<string, unknown> }[] = [];
  hooks: Partial<Record<HookStage, (body: string, metadata: Record<string, unknown>) => HookOutcome>> = {};

  deliverMessage(message: AgentMessage): void {
    this.messages.push(message);
  }
  emitHostEvent(name: string, payload: unknown): void {
    this.hostEvents.push({ name, payload });
  }
  async runHooks(stage: HookStage, body: string, metadata: Record<string, unknown> = {}): Promise<HookOutcome> {
    this.hookCalls.push({ stage, body, metadata });
    return this.hooks[stage]?.(body, metadata) ?? { action: 'passthrough', body, metadata };
  }
}

export const quietLog: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export interface AgentKit {
  dir: string;
  db: Db;
  events: AppEvents;
  emitted: { name: string; payload: unknown }[];
  toasts: Notification[];
  bus: RecordingBus;
  search: SearchService;
  metrics: MetricsService;
  agents: AgentService;
  clock: { now: Date };
  sleeps: number[];
  secrets: Map<string, string>;
  /** The agent service as the next start of the app builds it, on the same database. */
  restart(): AgentService;
}

/** Real SQLite file, real services; the clock, the bus and the retry wait are the test's. */
export function agentKit(options: { withBus?: boolean; copyFixtures?: boolean; now?: Date } = {}): AgentKit {
  const dir = mkdtempSync(join(tmpdir(), 'sb-agents-'));
  const home = join(dir, 'home');
  if (options.copyFixtures) {
    cpSync(join(FIXTURES, 'claude'), join(home, '.claude', 'projects'), { recursive: true });
    cpSync(join(FIXTURES, 'codex'), join(home, '.codex', 'sessions'), { recursive: true });
  }
  const db = openDatabase(join(dir, 'test.db'), MIGRATIONS);
  const events = new AppEvents();
  const emitted: { name: string; payload: unknown }[] = [];
  events.subscribe((name, payload) => emitted.push({ name, payload }));
  const toasts: Notification[] = [];
  const notifications = new NotificationService(db, events, { isSupported: () => true, show: (n) => toasts.push(n) }, quietLog, () => true);
  const bus = new RecordingBus();
  const search = new SearchService(db, { log: quietLog });
  const metrics = new MetricsService(db);
  const clock = { now: options.now ?? new Date() };
  const sleeps: number[] = [];
  const secrets = new Map<string, string>();
  const deps: ConstructorParameters<typeof AgentService>[0] = {
    db, events, notifications, log: quietLog, search, metrics,
    bus: () => (options.withBus === false ? undefined : bus),
    secret: (name) => secrets.get(name) ?? null,
    home,
    now: () => clock.now,
    sleep: async (ms) => {
      sleeps.push(ms);
    },
  };
  const agents = new AgentService(deps);
  return { dir, db, events, emitted, toasts, bus, search, metrics, agents, clock, sleeps, secrets, restart: () => new AgentService(deps) };
}

/** A real git repository with one commit in `parent`, and a worktree of it beside it (`<name>-feature`). */
export function gitRepo(parent: string, name: string): { repo: string; worktree: string } {
  const repo = join(parent, name);
  mkdirSync(join(repo, 'src'), { recursive: true });
  const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  writeFileSync(join(repo, 'src', 'app.ts'), 'export {};\n');
  git('add', '.');
  git('-c', 'user.name=Test', '-c', 'user.email=test@example.invalid', 'commit', '-q', '-m', 'first');
  const worktree = join(parent, `${name}-feature`);
  git('worktree', 'add', '-q', '-b', 'feature', worktree);
  return { repo, worktree };
}
