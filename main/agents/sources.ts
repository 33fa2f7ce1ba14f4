import { closeSync, existsSync, openSync, readdirSync, readSync, statSync, watch, type FSWatcher, type Stats } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import type { ScanSummary } from '../../app/contract/agents.ts';
import type { Logger } from '../log/logger.ts';
import { classifyError, userMessage } from '../errors/classifier.ts';
import { CLAUDE, normalizeClaudeRecord, type ClaudeState } from './claude.ts';
import { CODEX, codexSessionIdFromPath, normalizeCodexRecord, type CodexState } from './codex.ts';
import { TRANSCRIPT_IDLE_MS, type SessionPipeline } from './pipeline.ts';
import type { FileCursor, SessionStore } from './store.ts';
import type { NewMessage, NormalizedRecord } from './types.ts';

/** Bytes read per step; each step is one transaction, cursor included. */
const CHUNK_BYTES = 4 * 1024 * 1024;
/** A scan groups files into one transaction until about this much was read (see SessionPipeline.batch). */
const BATCH_BYTES = 8 * 1024 * 1024;
const NEWLINE = 0x0a;
const MAX_DEPTH = 6;

/** What a file's records leave behind for its next ones (each format reads the fields it knows). */
type ParseState = ClaudeState & CodexState;

/** What differs between transcript formats: where files are, and how a line reads. */
export interface TranscriptFormat {
  provider: string;
  discover(root: string): string[];
  /** The session a file belongs to before any record says so. */
  sessionFromPath(root: string, path: string): string | null;
  /** `lineKey` is computed on demand: records with their own uuid never need it. */
  normalize(record: unknown, raw: string, lineKey: () => string, state: ParseState, fallbackTime: string): NormalizedRecord;
}

const UUID_FILE = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.jsonl$/i;

function entries(dir: string): { name: string; dir: boolean }[] {
  try {
    return readdirSync(dir, { withFileTypes: true }).map((e) => ({ name: e.name, dir: e.isDirectory() }));
  } catch {
    return [];
  }
}

/**
 * Claude Code: `<root>/<project>/<session>.jsonl`, subagents in
 * `<root>/<project>/<session>/subagents/agent-*.jsonl` (older versions:
 * `<root>/<project>/agent-*.jsonl`).
 */
export const claudeFormat: TranscriptFormat = {
  provider: CLAUDE,
  discover(root) {
    const files: string[] = [];
    for (const project of entries(root)) {
      if (!project.dir) continue;
      const projectDir = join(root, project.name);
      for (const entry of entries(projectDir)) {
        if (!entry.dir && entry.name.endsWith('.jsonl')) files.push(join(projectDir, entry.name));
        if (entry.dir) {
          const subagents = join(projectDir, entry.name, 'subagents');
          for (const sub of entries(subagents)) if (!sub.dir && sub.name.endsWith('.jsonl')) files.push(join(subagents, sub.name));
        }
      }
    }
    return files.sort();
  },
  sessionFromPath(_root, path) {
    const name = basename(path);
    if (basename(dirname(path)) === 'subagents') return basename(dirname(dirname(path)));
    return UUID_FILE.exec(name)?.[1] ?? null;
  },
  normalize: normalizeClaudeRecord,
};

/** Codex CLI: `<root>/YYYY/MM/DD/rollout-<time>-<uuid>.jsonl`. */
export const codexFormat: TranscriptFormat = {
  provider: CODEX,
  discover(root) {
    const files: string[] = [];
    const walk = (dir: string, depth: number) => {
      for (const entry of entries(dir)) {
        const path = join(dir, entry.name);
        if (entry.dir && depth < MAX_DEPTH) walk(path, depth + 1);
        else if (!entry.dir && entry.name.endsWith('.jsonl')) files.push(path);
      }
    };
    walk(root, 0);
    return files.sort();
  },
  sessionFromPath: (_root, path) => codexSessionIdFromPath(path),
  normalize: normalizeCodexRecord,
};

/** FNV-1a: a cheap fingerprint so a rewritten line at the same position is a new record. */
function fingerprint(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

export interface FileReport {
  /** Bytes of the file read this time. */
  bytes: number;
  messages: number;
  malformed: number;
  unknown: number;
}

/**
 * One transcript folder, read incrementally. Each file has a cursor in the
 * database (offset, size, inode, mtime); a scan reads only complete new
 * lines, holds a partial last line until it is finished, and starts over
 * when a file was replaced or truncated (ids make the re-read harmless).
 */
export class TranscriptSource {
  readonly format: TranscriptFormat;
  readonly #root: () => string;
  readonly #store: SessionStore;
  readonly #pipeline: SessionPipeline;
  readonly #log: Logger;
  readonly #states = new Map<string, ParseState>();

  constructor(format: TranscriptFormat, root: () => string, store: SessionStore, pipeline: SessionPipeline, log: Logger) {
    this.format = format;
    this.#root = root;
    this.#store = store;
    this.#pipeline = pipeline;
    this.#log = log;
  }

  get root(): string {
    return this.#root();
  }

  scan(): ScanSummary {
    const root = this.#root();
    const report: ScanSummary = { filesRead: 0, messagesAdded: 0, malformedLines: 0, unknownRecords: 0, filesRemoved: 0 };
    const found = new Set(this.format.discover(root));
    const paths = [...found];
    let next = 0;
    while (next < paths.length) {
      const group: ScanSummary = { filesRead: 0, messagesAdded: 0, malformedLines: 0, unknownRecords: 0, filesRemoved: 0 };
      try {
        this.#pipeline.batch(() => {
          let bytes = 0;
          while (next < paths.length && bytes < BATCH_BYTES) {
            const path = paths[next++]!;
            try {
              const r = this.scanFile(path);
              if (!r) continue;
              bytes += r.bytes;
              group.filesRead += 1;
              group.messagesAdded += r.messages;
              group.malformedLines += r.malformed;
              group.unknownRecords += r.unknown;
            } catch (err) {
              this.#log.warn(`agents: could not read ${path}`, err);
            }
          }
        });
      } catch (err) {
        this.#log.warn(`agents: could not store what was read from ${root}`, err);
        continue;
      }
      report.filesRead += group.filesRead;
      report.messagesAdded += group.messagesAdded;
      report.malformedLines += group.malformedLines;
      report.unknownRecords += group.unknownRecords;
    }
    for (const path of this.#store.cursorPaths(this.format.provider)) {
      if (!found.has(path) && !existsSync(path)) {
        // The transcript is gone; what was imported stays, the cursor goes.
        this.#store.forgetFile(path);
        this.#states.delete(path);
        report.filesRemoved += 1;
      }
    }
    return report;
  }

  /** Reads what is new in one file; undefined when nothing changed. */
  scanFile(path: string): FileReport | undefined {
    let st: Stats;
    try {
      st = statSync(path);
    } catch {
      return undefined;
    }
    const root = this.#root();
    let cursor = this.#store.cursor(path);
    // A run the app started writes its own transcript, which must stay out (its messages arrive
    // through the run). Until the run's stream names its session, a new file could be that one:
    // it waits for the next scan.
    if (!cursor && this.#store.runAwaitingAgentId()) return undefined;
    const replaced = cursor !== undefined && (cursor.inode !== st.ino || st.size < cursor.offset);
    if (!cursor || replaced) {
      const sessionId = this.format.sessionFromPath(root, path);
      cursor = {
        path,
        provider: this.format.provider,
        offset: 0,
        size: 0,
        inode: st.ino,
        mtimeMs: st.mtimeMs,
        lineCount: 0,
        malformedCount: cursor?.malformedCount ?? 0,
        unknownCount: cursor?.unknownCount ?? 0,
        sessionId,
        skipped: false,
      };
      this.#states.delete(path);
    }
    if (cursor.skipped || (st.size === cursor.offset && !replaced && cursor.size === st.size)) return undefined;
    const state = this.#stateFor(path, cursor);
    if (state.sessionId && this.#store.runSessionFor(state.sessionId)) {
      this.#store.saveCursor({ ...cursor, skipped: true, size: st.size, offset: st.size, mtimeMs: st.mtimeMs });
      return undefined;
    }
    const report: FileReport = { bytes: 0, messages: 0, malformed: 0, unknown: 0 };
    const fallbackTime = new Date(st.mtimeMs).toISOString();
    const fd = openSync(path, 'r');
    try {
      let position = cursor.offset;
      let pending: Buffer = Buffer.alloc(0);
      while (position < st.size) {
        const length = Math.min(CHUNK_BYTES, st.size - position);
        const chunk = Buffer.allocUnsafe(length);
        const read = readSync(fd, chunk, 0, length, position);
        if (read <= 0) break;
        position += read;
        report.bytes += read;
        const data = pending.length ? Buffer.concat([pending, chunk.subarray(0, read)]) : chunk.subarray(0, read);
        const lastNewline = data.lastIndexOf(NEWLINE);
        if (lastNewline < 0) {
          pending = data;
          continue;
        }
        pending = data.subarray(lastNewline + 1);
        const lines = data.subarray(0, lastNewline).toString('utf8').split('\n');
        const next: FileCursor = { ...cursor, offset: position - pending.length, size: st.size, inode: st.ino, mtimeMs: st.mtimeMs };
        this.#apply(path, lines, next, state, fallbackTime, report);
        cursor = next;
      }
      if (cursor.size !== st.size || cursor.mtimeMs !== st.mtimeMs) {
        cursor = { ...cursor, size: st.size, mtimeMs: st.mtimeMs, inode: st.ino };
        this.#store.saveCursor(cursor);
      }
    } finally {
      closeSync(fd);
    }
    return report;
  }

  #stateFor(path: string, cursor: FileCursor): ParseState {
    let state = this.#states.get(path);
    if (!state) {
      const key = relative(this.#root(), path) || path;
      state = { sessionId: cursor.sessionId, sourceKey: this.format.provider === CODEX && cursor.sessionId ? cursor.sessionId : key };
      this.#states.set(path, state);
    }
    return state;
  }

  #apply(path: string, lines: string[], cursor: FileCursor, state: ParseState, fallbackTime: string, report: FileReport): void {
    const store = this.#store;
    const inserted = this.#pipeline.write((w) => {
      const batch: NewMessage[] = [];
      for (const rawLine of lines) {
        cursor.lineCount += 1;
        const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
        if (!line.trim()) continue;
        let record: unknown;
        try {
          record = JSON.parse(line);
        } catch {
          cursor.malformedCount += 1;
          report.malformed += 1;
          continue;
        }
        const lineNo = cursor.lineCount;
        const lineKey = () => `L${lineNo}-${fingerprint(line)}`;
        const result = this.format.normalize(record, line, lineKey, state, fallbackTime);
        if (result.facts) {
          w.session(result.facts, 'transcript');
          if (result.facts.title && !result.messages.length) w.title(result.facts.id, result.facts.title);
        }
        if (result.subagent) w.subagent(result.subagent);
        if (result.unknownType) {
          store.keepUnknown(`${path}:${lineKey()}`, path, state.sessionId, result.unknownType, line);
          cursor.unknownCount += 1;
          report.unknown += 1;
        }
        for (const m of result.messages) batch.push(m);
      }
      if (batch.length) w.messages(batch);
      cursor.sessionId = state.sessionId;
      store.saveCursor(cursor);
    });
    report.messages += inserted.length;
  }
}

/** Both transcript sources, the idle rule that ends their sessions, and the watcher that drives them. */
export class TranscriptSources {
  readonly sources: TranscriptSource[];
  readonly #store: SessionStore;
  readonly #pipeline: SessionPipeline;
  readonly #log: Logger;
  readonly #now: () => Date;
  #watchers: FSWatcher[] = [];
  #poll: ReturnType<typeof setInterval> | undefined;
  #debounce: ReturnType<typeof setTimeout> | undefined;
  #lastScanAt: string | null = null;
  readonly #scanned: () => void;

  /** `scanned` hears of every scan's end (discovery looks for projects then, off the import's path). */
  constructor(sources: TranscriptSource[], store: SessionStore, pipeline: SessionPipeline, log: Logger, now: () => Date = () => new Date(), scanned: () => void = () => {}) {
    this.sources = sources;
    this.#store = store;
    this.#pipeline = pipeline;
    this.#log = log;
    this.#now = now;
    this.#scanned = scanned;
  }

  get lastScanAt(): string | null {
    return this.#lastScanAt;
  }

  /** One explicit step: read every source, then end sessions that went quiet. Tests call this instead of sleeping. */
  scan(): ScanSummary {
    const total: ScanSummary = { filesRead: 0, messagesAdded: 0, malformedLines: 0, unknownRecords: 0, filesRemoved: 0 };
    for (const source of this.sources) {
      const r = source.scan();
      total.filesRead += r.filesRead;
      total.messagesAdded += r.messagesAdded;
      total.malformedLines += r.malformedLines;
      total.unknownRecords += r.unknownRecords;
      total.filesRemoved += r.filesRemoved;
    }
    this.completeIdle();
    this.#lastScanAt = this.#now().toISOString();
    this.#scanned();
    return total;
  }

  /** Transcript sessions with no new message for a while are over; an error as the last word makes them failed. */
  completeIdle(): void {
    const before = new Date(this.#now().getTime() - TRANSCRIPT_IDLE_MS).toISOString();
    const ends = this.#store.idleTranscriptSessions(before).map(({ id, lastActivityAt }) => {
      const last = this.#store.lastMessage(id);
      if (last?.type !== 'error') return { id, done: { status: 'success' as const, endedAt: lastActivityAt } };
      const text = last.error ?? last.content;
      const error = classifyError(text);
      return { id, done: { status: 'error' as const, endedAt: lastActivityAt, errorCategory: error.category, errorMessage: userMessage(error, text) } };
    });
    if (ends.length) this.#pipeline.completeAll(ends);
  }

  /** Follows the folders: fs.watch for prompt updates, a poll for what it misses (new roots, network drives). */
  start(pollMs = 2000): void {
    this.stop();
    // The first read of a large transcript folder takes a while; let start-up finish first.
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.#safeScan();
    }, 0);
    this.#watchRoots();
    this.#poll = setInterval(() => {
      if (this.#watchers.length < this.sources.length) this.#watchRoots();
      this.#safeScan();
    }, pollMs);
    this.#poll.unref?.();
  }

  stop(): void {
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
    if (this.#poll) clearInterval(this.#poll);
    if (this.#debounce) clearTimeout(this.#debounce);
    this.#poll = undefined;
    this.#debounce = undefined;
  }

  #watchRoots(): void {
    for (const w of this.#watchers) w.close();
    this.#watchers = [];
    for (const source of this.sources) {
      if (!existsSync(source.root)) continue;
      try {
        const watcher = watch(source.root, { recursive: true }, () => this.#soon());
        watcher.on('error', () => {
          watcher.close();
          this.#watchers = this.#watchers.filter((w) => w !== watcher);
        });
        this.#watchers.push(watcher);
      } catch (err) {
        this.#log.warn(`agents: cannot watch ${source.root}; polling it instead`, err);
      }
    }
  }

  #soon(): void {
    if (this.#debounce) return;
    this.#debounce = setTimeout(() => {
      this.#debounce = undefined;
      this.#safeScan();
    }, 50);
  }

  #safeScan(): void {
    try {
      this.scan();
    } catch (err) {
      this.#log.error('agents: transcript scan failed', err);
    }
  }
}
