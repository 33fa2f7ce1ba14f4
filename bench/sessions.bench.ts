import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { DATABASE_FILE, startServices } from '../main/services.ts';
import { searchIndexPath } from '../main/search/index-file.ts';
import { MESSAGE_SEARCH_SQL, TASK_SEARCH_SQL, toFtsQuery } from '../main/search/search.ts';
import type { Benchmark, BenchResult } from './run.ts';

const MESSAGES = 200_000;
const PER_SESSION = 1_000;
const SEARCH_ROUNDS = 60;
const IMPORT_RUNS = 3;
const QUERIES = ['websocket', 'migration rollback', 'timeout error', 'parser', 'checkout validation form', 'flaky test retry'];

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

export function writeTranscripts(root: string): void {
  const random = rng(42);
  const sentence = (n: number) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');
  const start = Date.UTC(2026, 0, 1);
  for (let s = 0; s < MESSAGES / PER_SESSION; s++) {
    const session = `${String(s).padStart(8, '0')}-0000-4000-8000-000000000000`;
    const dir = join(root, `-work-project-${s % 10}`);
    mkdirSync(dir, { recursive: true });
    const lines: string[] = [];
    for (let i = 0; i < PER_SESSION; i++) {
      const user = i % 2 === 0;
      const text = sentence(12 + Math.floor(random() * 30));
      lines.push(
        JSON.stringify({
          parentUuid: null,
          isSidechain: false,
          type: user ? 'user' : 'assistant',
          sessionId: session,
          cwd: `/work/project-${s % 10}`,
          gitBranch: 'main',
          uuid: `${String(s).padStart(8, '0')}-0000-4000-8000-${String(i).padStart(12, '0')}`,
          timestamp: new Date(start + s * 3_600_000 + i * 1000).toISOString(),
          message: user
            ? { role: 'user', content: text }
            : { id: `msg_${s}_${i}`, role: 'assistant', model: 'claude-sonnet-4-20250514', content: [{ type: 'text', text }], usage: { input_tokens: 100, output_tokens: 20 } },
        }),
      );
    }
    writeFileSync(join(dir, `${session}.jsonl`), `${lines.join('\n')}\n`);
  }
}

/** The same work done by hand: parse each line, insert it and index it, one transaction per file. */
function baselineImport(root: string, dbPath: string): number {
  const db = new Database(dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('cache_size = -32000');
  db.exec(`CREATE TABLE m (seq INTEGER PRIMARY KEY, id TEXT UNIQUE, session_id TEXT, ts TEXT, role TEXT, content TEXT, raw TEXT);
           CREATE VIRTUAL TABLE f USING fts5(content, session_id UNINDEXED, tokenize = 'porter unicode61 remove_diacritics 2');`);
  const insert = db.prepare('INSERT INTO m (id, session_id, ts, role, content, raw) VALUES (?, ?, ?, ?, ?, ?)');
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
          const content = typeof r.message.content === 'string' ? r.message.content : r.message.content[0].text;
          const seq = insert.run(r.uuid, r.sessionId, r.timestamp, r.message.role, content, line).lastInsertRowid;
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

const benchmark: Benchmark = {
  name: 'sessions',
  async run(): Promise<BenchResult[]> {
    const dir = mkdtempSync(join(tmpdir(), 'sb-bench-sessions-'));
    try {
      const home = join(dir, 'home');
      const root = join(home, '.claude', 'projects');
      writeTranscripts(root);
      // Imports alternate (ours, then the hand-written baseline) into fresh databases; the median of each is reported.
      const oursRates: number[] = [];
      const baselineRates: number[] = [];
      let services: ReturnType<typeof startServices> | undefined;
      let dataDir = '';
      for (let run = 0; run < IMPORT_RUNS; run++) {
        await services?.close();
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
        baselineRates.push(baselineImport(root, join(dir, `baseline-${run}.db`)));
      }
      if (!services) throw new Error('no import ran');
      const ours = median(oursRates);
      const baseline = median(baselineRates);

      // search.all through the real dispatcher vs the same FTS5 statements on a second connection to the same files.
      const direct = new Database(join(dataDir, DATABASE_FILE), { readonly: true });
      direct.prepare('ATTACH DATABASE ? AS search').run(searchIndexPath(join(dataDir, DATABASE_FILE)));
      const messageSql = direct.prepare(MESSAGE_SEARCH_SQL);
      const taskSql = direct.prepare(TASK_SEARCH_SQL);
      const matches = QUERIES.map((q) => toFtsQuery(q).match!);
      const oursMs: number[] = [];
      const directMs: number[] = [];
      for (let round = 0; round < SEARCH_ROUNDS; round++) {
        for (let q = 0; q < QUERIES.length; q++) {
          let t = performance.now();
          const envelope = await services.dispatch('search.all', { query: QUERIES[q], limit: 20 });
          oursMs.push(performance.now() - t);
          if (!envelope.ok) throw new Error(envelope.error.message);
          t = performance.now();
          messageSql.all(matches[q], 20);
          taskSql.all(matches[q], 20);
          directMs.push(performance.now() - t);
        }
      }
      direct.close();
      await services.close();
      oursMs.sort((a, b) => a - b);
      directMs.sort((a, b) => a - b);
      const p50 = [percentile(oursMs, 50), percentile(directMs, 50)] as const;
      const p95 = [percentile(oursMs, 95), percentile(directMs, 95)] as const;
      return [
        { name: 'sessions.import (200k messages)', median: ours, unit: 'messages/s', baseline, ratio: ours / baseline, goal: '≥ 50,000 messages/s' },
        { name: 'search.all p50', median: p50[0], unit: 'ms', baseline: p50[1], ratio: p50[0] / p50[1], goal: 'ratio ≤ 1.3' },
        { name: 'search.all p95', median: p95[0], unit: 'ms', baseline: p95[1], ratio: p95[0] / p95[1], goal: 'ratio ≤ 1.3' },
      ];
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default benchmark;
