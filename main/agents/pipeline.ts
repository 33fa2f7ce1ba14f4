import type { SessionInfo, SessionStatus } from '../../app/contract/agents.ts';
import type { AgentMessage } from '../../app/messages.ts';
import type { AppEvents } from '../ipc/events.ts';
import type { Logger } from '../log/logger.ts';
import type { MetricsService } from '../metrics/metrics.ts';
import type { NotificationService } from '../notifications/notifications.ts';
import type { PluginBus } from '../plugins/control.ts';
import type { SearchService } from '../search/search.ts';
import type { SessionCompletion, SessionStore, StoredMessage } from './store.ts';
import type { NewMessage, ReportedUsage, SessionFacts, SubagentLink } from './types.ts';

/** What a source may do inside one write; everything in it commits together. */
export interface PipelineWriter {
  session(facts: SessionFacts, origin: 'transcript' | 'run'): void;
  messages(messages: readonly NewMessage[]): void;
  title(sessionId: string, title: string): void;
  /** A Task call's result named the subagent session that ran it. */
  subagent(link: SubagentLink): void;
  /** A run's attempt reported its totals per model; they replace what its streamed records added up to. */
  reportedUsage(sessionId: string, attempt: number, models: readonly ReportedUsage[]): void;
}

export interface PipelineDeps {
  store: SessionStore;
  search: SearchService;
  metrics: MetricsService;
  events: AppEvents;
  notifications: NotificationService;
  log: Logger;
  /** The plugin runtime's bus, once it exists. */
  bus: () => PluginBus | undefined;
  now?: () => Date;
}

/** A transcript message counts as live (fans out, announces its session) when it is this recent. */
export const TRANSCRIPT_IDLE_MS = 5 * 60_000;

/**
 * DESIGN §5, one way: source → normalizer → sessions store → search index →
 * plugin fan-out → windows. Sources hand normalized records to `write`;
 * the store changes in one transaction, and only after it commits do the
 * search index (on its worker thread), plugins, windows and toasts hear
 * about it.
 */
export class SessionPipeline {
  readonly #d: PipelineDeps;
  readonly #now: () => Date;
  /** Sessions whose start plugins have been told about; their end is announced too. */
  readonly #announced = new Set<string>();
  /** Inside `batch`: what each write does after the commit, in order, until the batch commits. */
  #deferred: (() => void)[] | undefined;

  constructor(deps: PipelineDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
  }

  isAnnounced(id: string): boolean {
    return this.#announced.has(id);
  }

  /**
   * Runs several writes as one transaction (each write a savepoint in it):
   * a bulk import commits and checkpoints once per batch instead of once
   * per file. The search index, plugins, windows and toasts hear about
   * every write after the batch commits, in the order of the writes;
   * nothing is announced for a batch that rolls back.
   */
  batch<T>(work: () => T): T {
    if (this.#deferred) return work();
    const deferred: (() => void)[] = [];
    this.#deferred = deferred;
    let result: T;
    try {
      result = this.#d.store.db.transaction(work)();
    } finally {
      this.#deferred = undefined;
    }
    for (const announce of deferred) {
      // One write's listeners failing must not silence the writes after it (their index, plugins and windows).
      try {
        announce();
      } catch (err) {
        this.#d.log.error('agents: announcing stored messages failed', err);
      }
    }
    return result;
  }

  write(work: (writer: PipelineWriter) => void): (AgentMessage & { index: number })[] {
    const { store } = this.#d;
    const touched = new Set<string>();
    const inserted: StoredMessage[] = [];
    const seenFacts = new Map<string, SessionFacts>();
    const fallback = this.#now().toISOString();
    // A session answered by several models names the latest: while only that changes, it is written
    // once, before the next messages are stored and at the end, not at every record.
    const latestModel = new Map<string, string>();
    const writeModels = () => {
      for (const [id, model] of latestModel) store.setModel(id, model);
      latestModel.clear();
    };
    store.db.transaction(() => {
      work({
        session: (facts, origin) => {
          // Most records repeat what the session already knows; only something new reaches the store.
          const known = seenFacts.get(facts.id);
          if (known && (!facts.title || known.title) && (!facts.cwd || facts.cwd === known.cwd) && (!facts.gitBranch || facts.gitBranch === known.gitBranch) && (!facts.externalId || facts.externalId === known.externalId)) {
            if (facts.model && facts.model !== known.model) {
              known.model = facts.model;
              latestModel.set(facts.id, facts.model);
              touched.add(facts.id);
            }
            return;
          }
          seenFacts.set(facts.id, { ...known, ...Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined && v !== '')) } as SessionFacts);
          latestModel.delete(facts.id);
          store.upsertSession(facts, origin, 'running', fallback);
          touched.add(facts.id);
        },
        messages: (messages) => {
          writeModels();
          const stored = store.insertMessages(messages);
          for (const m of stored) {
            inserted.push(m);
            touched.add(m.sessionId);
          }
        },
        title: (sessionId, title) => {
          store.setTitle(sessionId, title);
          touched.add(sessionId);
        },
        subagent: (link) => store.linkSubagent(link),
        reportedUsage: (sessionId, attempt, models) => {
          store.replaceRunUsage(sessionId, attempt, models, fallback);
          touched.add(sessionId);
        },
      });
      writeModels();
    })();
    if (this.#deferred) this.#deferred.push(() => this.#afterCommit(touched, inserted));
    else this.#afterCommit(touched, inserted);
    return inserted.map(({ seq: _seq, ...m }) => m);
  }

  #afterCommit(touched: Set<string>, inserted: StoredMessage[]): void {
    const { store, events, search } = this.#d;
    // The index worker reads only committed rows, so it hears of them now.
    if (inserted.length) search.messagesStored();
    const liveSince = new Date(this.#now().getTime() - TRANSCRIPT_IDLE_MS).toISOString();
    const summaries = new Map<string, SessionInfo>();
    const summary = (id: string) => {
      let s = summaries.get(id);
      if (!s) {
        s = store.getSession(id);
        if (s) summaries.set(id, s);
      }
      return s;
    };
    for (const id of touched) {
      const s = summary(id);
      if (!s || this.#announced.has(id)) continue;
      if (s.origin === 'transcript' && s.lastActivityAt >= liveSince) {
        if (s.status !== 'running') {
          store.setStatus(id, 'running');
          summaries.delete(id);
        }
        // A subagent's work reaches plugins as part of its parent's: its usage is counted there.
        if (!s.parentSessionId) this.announceStart(id);
      }
    }
    // A subagent's messages reach plugins while its parent is live, under the subagent's session id.
    const heard = (id: string) => this.#announced.has(id) || this.#announced.has(summary(id)?.parentSessionId ?? '');
    for (const m of inserted) {
      if (!heard(m.sessionId)) continue;
      const { seq: _seq, index, ...message } = m;
      this.#deliver(message);
      events.emit('sessions.message', { ...message, index } as never);
    }
    for (const id of touched) {
      const s = summary(id);
      if (s) events.emit('sessions.changed', s);
    }
  }

  /** Tells plugins a session began (once). */
  announceStart(id: string): void {
    if (this.#announced.has(id)) return;
    this.#announced.add(id);
    const s = this.#d.store.getSession(id);
    if (!s) return;
    this.#hostEvent('session.start', { sessionId: s.id, projectId: s.projectId, provider: s.provider, model: s.model, title: s.title, origin: s.origin, startedAt: s.startedAt });
  }

  /**
   * Ends a session: status, metrics row, then (for sessions that were
   * announced live) the `session.complete` event and a toast.
   */
  complete(id: string, done: SessionCompletion): SessionInfo | undefined {
    return this.completeAll([{ id, done }])[0];
  }

  /**
   * Ends several sessions in one transaction (an import ends thousands at
   * once, and a commit each cost more than the rest of the work); windows,
   * plugins and toasts hear of each after it commits.
   */
  completeAll(ends: readonly { id: string; done: SessionCompletion }[]): (SessionInfo | undefined)[] {
    const { store, metrics } = this.#d;
    const ended = store.db.transaction(() =>
      ends.map(({ id, done }) => {
        store.complete(id, done);
        const s = store.getSession(id);
        // A subagent's figures are part of its parent's row.
        if (s && !s.parentSessionId) metrics.recordSessionEnd(s);
        return s;
      }),
    )();
    for (const s of ended) if (s) this.#announceEnd(s);
    return ended;
  }

  #announceEnd(s: SessionInfo): void {
    const { events, notifications } = this.#d;
    const id = s.id;
    events.emit('metrics.changed', { sessionId: id });
    events.emit('sessions.changed', s);
    if (this.#announced.delete(id)) {
      this.#hostEvent('session.complete', {
        sessionId: s.id,
        projectId: s.projectId,
        status: s.status,
        errorCategory: s.errorCategory,
        errorMessage: s.errorMessage,
        costUsd: s.costUsd,
        costSource: s.costSource,
        deniedToolCount: s.deniedToolCount,
        endedAt: s.endedAt,
      });
      const name = s.title || 'Agent session';
      if (s.status === 'error') {
        notifications.notify({ type: 'agent_error', title: `Agent failed: ${name}`, message: s.errorMessage ?? 'The agent stopped with an error.', source: `agent:${s.provider}` });
      } else if (s.status === 'success' && s.errorCategory === 'permission_denied') {
        notifications.notify({ type: 'agent_complete', title: `Agent finished with tools refused: ${name}`, message: s.errorMessage ?? completionText(s), source: `agent:${s.provider}` });
      } else if (s.status === 'success') {
        notifications.notify({ type: 'agent_complete', title: `Agent finished: ${name}`, message: completionText(s), source: `agent:${s.provider}` });
      }
    }
  }

  setStatus(id: string, status: SessionStatus): void {
    this.#d.store.setStatus(id, status);
    const s = this.#d.store.getSession(id);
    if (s) this.#d.events.emit('sessions.changed', s);
  }

  #deliver(message: AgentMessage): void {
    try {
      this.#d.bus()?.deliverMessage(message);
    } catch (err) {
      this.#d.log.error(`agents: delivering message ${message.id} to plugins failed`, err);
    }
  }

  #hostEvent(name: string, payload: unknown): void {
    try {
      this.#d.bus()?.emitHostEvent(name, payload);
    } catch (err) {
      this.#d.log.error(`agents: host event ${name} failed`, err);
    }
  }
}

function completionText(s: SessionInfo): string {
  const parts = [`${s.messageCount} messages`];
  if (s.toolCallCount) parts.push(`${s.toolCallCount} tool calls`);
  if (s.costUsd !== null) parts.push(s.costSource === 'estimated' ? `≈$${s.costUsd.toFixed(2)} (estimated)` : `$${s.costUsd.toFixed(2)}`);
  return parts.join(' · ');
}
