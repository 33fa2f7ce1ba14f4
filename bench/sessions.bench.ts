import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database, { type Statement } from 'better-sqlite3';
import { DATABASE_FILE, startServices, type AppServices } from '../main/services.ts';
import { SESSION_SELECT, USAGE_GROUP_COLUMNS } from '../main/agents/store.ts';
import { searchIndexPath } from '../main/search/index-file.ts';
import { MESSAGE_SEARCH_SQL, TASK_SEARCH_SQL, toFtsQuery } from '../main/search/search.ts';
import type { Benchmark, BenchResult } from './run.ts';

/** 10,000 sessions of 100 records: a million messages, and a session list long enough to need its filters. */
const SESSIONS = 10_000;
const PER_SESSION = 100;
const MESSAGES = SESSIONS * PER_SESSION;
const PROJECTS = 10;
const SEARCH_ROUNDS = 20;
const LIST_ROUNDS = 30;
/** As many sessions as the Sessions screen loads (its LIST_LIMIT). */
const LIST_LIMIT = 1000;
const IMPORT_RUNS = 3;
const QUERIES = ['websocket', 'migration rollback', 'timeout error', 'parser', 'checkout validation form', 'flaky test retry'];
const MODELS = ['claude-sonnet-4-5-20250929', 'claude-opus-4-6', 'claude-haiku-4-5-20251001'];

const WORDS = (
  'the a to of and in is it for on with that this we can should file test function error fix add update remove change code ' +
  'build run check type value return import export module config server client request response data user session agent ' +
  'websocket migration rollback timeout parser checkout validation form flaky retry cache index query database schema token ' +
  'refactor rename split merge branch commit review deploy release version install package dependency lint format compile'
).split(' ');

/** A deterministic pseudo-random source so every run imports the same text. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** The folder a session's records name as their `cwd`. */
export const projectFolder = (root: string, s: number): string => join(root, `project-${s % PROJECTS}`);

/**
 * Claude Code transcripts the way it writes them: a typed prompt, then the reply as one record per
 * content block (text, then a tool call) sharing one `message.id` with a growing output count, then
 * the tool's result; records of one session answered by different models. `cwd` names folders under
 * `folders`, which are created.
 */
export function writeTranscripts(root: string, folders: string, shape: { sessions: number; perSession: number } = { sessions: SESSIONS, perSession: PER_SESSION }): void {
  const random = rng(42);
  const sentence = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const start = Date.UTC(2026, 0, 1);
  for (let p = 0; p < PROJECTS; p++) mkdirSync(projectFolder(folders, p), { recursive: true });
  for (let s = 0; s < shape.sessions; s++) {
    const session = `${String(s).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const dir = join(root, `-work-project-${s % PROJECTS}`);
    mkdirSync(dir, { recursive: true });
    const cwd = projectFolder(folders, s);
    const lines: string[] = [];
    for (let i = 0; i < shape.perSession; i++) {
      const uuid = `${String(s).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const record = { parentUuid: null, isSidechain: false, sessionId: session, cwd, gitBranch: 'main', uuid, timestamp: new Date(start + s * 600_000 + i * 1000).toISOString() };
      const call = Math.floor(i / 4);
      const usage = { input_tokens: 100, cache_read_input_tokens: 2_000, cache_creation_input_tokens: 300, output_tokens: 20 };
      const assistant = (content: unknown[], output: number) => ({
        ...record,
        type: 'assistant',
        message: { id: `msg_${s}_${call}`, role: 'assistant', model: MODELS[(s + call) % MODELS.length], content, usage: { ...usage, output_tokens: output } },
      });
      const toolId = `toolu_${s}_${call}`;
      switch (i % 4) {
        case 0:
          lines.push(JSON.stringify({ ...record, type: 'user', message: { role: 'user', content: sentence(12 + Math.floor(random() * 30)) } }));
          break;
        case 1:
          lines.push(JSON.stringify(assistant([{ type: 'text', text: sentence(12 + Math.floor(random() * 30)) }], 20)));
          break;
        case 2:
          lines.push(JSON.stringify(assistant([{ type: 'tool_use', id: toolId, name: 'Bash', input: { command: `npm test -- ${sentence(3)}` } }], 80)));
          break;
        default:
          lines.push(JSON.stringify({ ...record, type: 'user', message: { role: 'user', content: [{ type: 'tool_result', tool_use_id: toolId, content: sentence(8 + Math.floor(random() * 40)) }] } }));
      }
    }
    writeFileSync(join(dir, `${session}.jsonl`), `${lines.join('\n')}\n`);
  }
}

/** A record's searchable text, as the baseline reads it: the prompt, the reply's text, the command, the tool's output. */
function baselineText(message: { content: string | { type: string; text?: string; input?: { command: string }; content?: string }[] }): string {
  if (typeof message.content === 'string') return message.content;
  const block = message.content[0]!;
  return block.text ?? block.content ?? `Bash: ${block.input!.command}`;
}

/**
 * The same work done by hand on one connection: parse each line, insert it with its raw record,
 * count its API call once (largest figures), index it; one transaction per file.
 */
function baselineImport(root: string, dbPath: string): number {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32000');
  db.exec(`CREATE TABLE m (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, session_id TEXT, ts TEXT, role TEXT, content TEXT, raw TEXT);
           CREATE TABLE u (session_id TEXT, key TEXT, model TEXT, input INTEGER, output INTEGER, cache_read INTEGER, cache_write INTEGER, PRIMARY KEY (session_id, key));
           CREATE VIRTUAL TABLE f USING fts5(content, session_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');`);
  const insert = db.prepare('INSERT INTO m (id, session_id, ts, role, content, raw) VALUES (?, ?, ?, ?, ?, ?)');
  const call = db.prepare(`INSERT INTO u VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, key) DO UPDATE SET output = max(output, excluded.output)`);
  const index = db.prepare('INSERT INTO f (rowid, content, session_id) VALUES (?, ?, ?)');
  const begin = performance.now();
  let count = 0;
  for (const project of readdirSync(root).sort()) {
    for (const file of readdirSync(join(root, project)).sort()) {
      const lines = readFileSync(join(root, project, file), 'utf8').split('\n');
      db.transaction(() => {
        for (const line of lines) {
          if (!line) continue;
          const r = JSON.parse(line);
          const content = baselineText(r.message);
          const seq = insert.run(`${r.uuid}:0`, r.sessionId, r.timestamp, r.message.role, content, line).lastInsertRowid;
          const u = r.message.usage;
          if (u) call.run(r.sessionId, r.message.id, r.message.model, u.input_tokens, u.output_tokens, u.cache_read_input_tokens, u.cache_creation_input_tokens);
          index.run(seq, content, r.sessionId);
          count++;
        }
      })();
    }
  }
  const seconds = (performance.now() - begin) / 1000;
  db.close();
  return count / seconds;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Deletes a data folder no later step reads, so three imports of a million messages fit on a small disk. */
const discard = (path: string) => rmSync(path, { recursive: true, force: true });

/** search.all through the real dispatcher vs the same FTS5 statements on a second connection to the same files. */
async function searchTimes(services: AppServices, dataDir: string): Promise<{ ours: number[]; direct: number[] }> {
  const direct = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  direct.prepare('ATTACH DATABASE ? AS search').run(searchIndexPath(join(dataDir, DATABASE_FILE)));
  const messageSql = direct.prepare(MESSAGE_SEARCH_SQL);
  const taskSql = direct.prepare(TASK_SEARCH_SQL);
  const matches = QUERIES.map((q) => toFtsQuery(q).match!);
  const ours: number[] = [];
  const directMs: number[] = [];
  try {
    for (let round = 0; round < SEARCH_ROUNDS; round++) {
      for (let q = 0; q < QUERIES.length; q++) {
        let t = performance.now();
        const envelope = await services.dispatch('search.all', { query: QUERIES[q], limit: 20 });
        ours.push(performance.now() - t);
        if (!envelope.ok) throw new Error(envelope.error.message);
        t = performance.now();
        messageSql.all(matches[q], 20);
        taskSql.all(matches[q], 20);
        directMs.push(performance.now() - t);
      }
    }
  } finally {
    direct.close();
  }
  return { ours, direct: directMs };
}

/**
 * Choosing a project in the session list: `sessions.list` through the real dispatcher (what the
 * renderer invokes), against the same two statements on a second connection (the sessions, then
 * their usage per model).
 */
async function listTimes(services: AppServices, dataDir: string, folders: string): Promise<{ ours: number[]; direct: number[] }> {
  const known = new Set(services.core().agents.store.listProjects().map((p) => p.path));
  for (let p = 0; p < PROJECTS; p++) {
    const path = projectFolder(folders, p);
    if (known.has(path)) continue;
    const added = await services.dispatch('projects.add', { path });
    if (!added.ok) throw new Error(added.error.message);
  }
  const projects = services.core().agents.store.listProjects().filter((p) => p.path.startsWith(folders));
  if (projects.length !== PROJECTS) throw new Error(`found ${projects.length} projects, expected ${PROJECTS}`);
  const direct = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
  const sessionSql = direct.prepare(`${SESSION_SELECT} WHERE s.project_id = ? ORDER BY s.last_activity_at DESC LIMIT ?`);
  const usageSql = new Map<number, Statement>();
  const usageFor = (n: number) => {
    let statement = usageSql.get(n);
    if (!statement) {
      statement = direct.prepare(`SELECT session_id, ${USAGE_GROUP_COLUMNS} FROM usage_calls WHERE session_id IN (${Array.from({ length: n }, () => '?').join(', ')}) GROUP BY session_id, model, cost_usd IS NULL`);
      usageSql.set(n, statement);
    }
    return statement;
  };
  const ours: number[] = [];
  const directMs: number[] = [];
  try {
    for (let round = 0; round < LIST_ROUNDS; round++) {
      for (const project of projects) {
        let t = performance.now();
        const envelope = await services.dispatch('sessions.list', { projectId: project.id, limit: LIST_LIMIT });
        ours.push(performance.now() - t);
        if (!envelope.ok) throw new Error(envelope.error.message);
        const listed = (envelope.value as { sessions: unknown[] }).sessions.length;
        if (listed !== SESSIONS / PROJECTS) throw new Error(`listed ${listed} sessions, expected ${SESSIONS / PROJECTS}`);
        t = performance.now();
        const ids = (sessionSql.all(project.id, LIST_LIMIT) as { id: string }[]).map((r) => r.id);
        for (let start = 0; start < ids.length; start += 500) {
          const chunk = ids.slice(start, start + 500);
          usageFor(chunk.length).all(...chunk);
        }
        directMs.push(performance.now() - t);
      }
    }
  } finally {
    direct.close();
  }
  return { ours, direct: directMs };
}

const benchmark: Benchmark = {
  name: 'sessions',
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-sessions-'));
    try {
      const home = join(dir, 'home');
      const root = join(home, '.claude', 'projects');
      const folders = join(dir, 'code');
      writeTranscripts(root, folders);
      // Imports alternate (ours, then the hand-written baseline) into fresh databases; the median of each is reported.
      const oursRates: number[] = [];
      const baselineRates: number[] = [];
      let services: AppServices | undefined;
      let dataDir = '';
      for (let run = 0; run < IMPORT_RUNS; run++) {
        await services?.close();
        if (dataDir) discard(dataDir);
        dataDir = join(dir, `data-${run}`);
        services = startServices({ dataDir, appVersion: 'bench', native: { isSupported: () => false, show: () => {} }, agentHome: home });
        services.core().agents.updateConfig({ watch: false });
        const begin = performance.now();
        const report = services.core().agents.sources.scan();
        // Imported means searchable: the clock stops when the index worker has caught up.
        await services.core().search.settled();
        const importSeconds = (performance.now() - begin) / 1000;
        if (report.messagesAdded !== MESSAGES) throw new Error(`imported ${report.messagesAdded} messages, expected ${MESSAGES}`);
        oursRates.push(MESSAGES / importSeconds);
        const baselineDb = join(dir, `baseline-${run}.db`);
        baselineRates.push(baselineImport(root, baselineDb));
        for (const suffix of ['', '-wal', '-shm']) discard(baselineDb + suffix);
      }
      if (!services) throw new Error('no import ran');
      const ours = median(oursRates);
      const baseline = median(baselineRates);
      const search = await searchTimes(services, dataDir);
      const list = await listTimes(services, dataDir, folders);
      await services.close();
      const p = (times: { ours: number[]; direct: number[] }, n: number) => {
        const a = [...times.ours].sort((x, y) => x - y);
        const b = [...times.direct].sort((x, y) => x - y);
        return [percentile(a, n), percentile(b, n)] as const;
      };
      const s50 = p(search, 50);
      const s95 = p(search, 95);
      const l50 = p(list, 50);
      const l95 = p(list, 95);
      const perProject = SESSIONS / PROJECTS;
      return [
        { name: 'sessions.import (1M messages, until searchable)', median: ours, unit: 'messages/s', baseline, ratio: ours / baseline, goal: '>= 50,000 messages/s (baseline: the same work by hand on one connection)' },
        { name: 'search.all p50 (1M messages)', median: s50[0], unit: 'ms', baseline: s50[1], ratio: s50[0] / s50[1], goal: 'ratio <= 1.3 (vs the raw FTS5 statements)' },
        { name: 'search.all p95 (1M messages)', median: s95[0], unit: 'ms', baseline: s95[1], ratio: s95[0] / s95[1], goal: 'ratio <= 1.3 (vs the raw FTS5 statements)' },
        { name: `sessions.list project filter p50 (${SESSIONS.toLocaleString('en-US')} sessions, ${perProject} listed)`, median: l50[0], unit: 'ms', baseline: l50[1], ratio: l50[0] / l50[1], goal: 'reported (vs the same queries run directly on SQLite)' },
        { name: `sessions.list project filter p95 (${SESSIONS.toLocaleString('en-US')} sessions, ${perProject} listed)`, median: l95[0], unit: 'ms', baseline: l95[1], ratio: l95[0] / l95[1], goal: 'reported (vs the same queries run directly on SQLite)' },
      ];
    } finally {
      discard(dir);
    }
  },
};

export default benchmark;
