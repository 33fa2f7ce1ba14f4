import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it, vi } from 'vitest';
import { AuditLog } from '../audit/audit.ts';
import { TaskService } from '../tasks/tasks.ts';
import type { NewMessage } from '../agents/types.ts';
import { agentKit, quietLog, type AgentKit } from '../agents/test-kit.ts';
import { searchIndexPath } from './index-file.ts';
import { INDEX_WORKER_ENTRY } from './indexer.ts';
import { SearchService, toFtsQuery, toSegments } from './search.ts';

function seeded() {
  const kit = agentKit();
  const tasks = new TaskService(kit.db, kit.events, new AuditLog(kit.db, kit.events));
  kit.search.attachTasks(tasks);
  const at = new Date().toISOString();
  const msg = (n: number, sessionId: string, content: string, extra: Partial<NewMessage> = {}): NewMessage => ({
    id: `t:${sessionId}:${n}`, sessionId, provider: 'claude', timestamp: new Date(Date.now() + n).toISOString(), type: 'text', role: 'assistant', content, raw: '{}', ...extra,
  });
  kit.agents.pipeline.write((w) => {
    w.session({ id: 's1', provider: 'claude', title: 'Fix the flaky websocket test', timestamp: at }, 'transcript');
    w.session({ id: 's2', provider: 'codex', title: 'Database migration', timestamp: at }, 'transcript');
    w.messages([
      msg(1, 's1', 'The websocket reconnect test is flaky on CI.'),
      msg(2, 's1', 'websocket websocket websocket: the websocket server closes before the websocket client reconnects.'),
      msg(3, 's2', 'Run the database migration before the websocket server starts, in a long paragraph about deployment order and health checks that mentions many other words.'),
      msg(4, 's2', 'Tokens used', { type: 'cost' }),
    ]);
  });
  tasks.create('Investigate websocket flakiness', 'Seen on CI twice this week', 'user');
  tasks.create('Write release notes', 'Mention the websocket reconnect fix', 'user', { assignee: 'sam' });
  return { kit, tasks };
}

/** Closes an index as the app does when it quits and detaches its file, so a test can open it again its own way. */
async function closeIndex(kit: AgentKit, search: SearchService = kit.search): Promise<void> {
  await search.close();
  kit.db.exec('DETACH DATABASE search');
}

/** Stores one message the way an import does. */
function storeMessage(kit: AgentKit, id: string, content: string): void {
  const timestamp = new Date().toISOString();
  kit.agents.pipeline.write((w) => w.messages([{ id, sessionId: 's2', provider: 'codex', timestamp, type: 'text', role: 'assistant', content, raw: '{}' }]));
}

describe('search', () => {
  it('ranks by relevance and groups messages and tasks, with highlighted snippets as plain segments', async () => {
    const { kit } = seeded();
    const result = await kit.search.all('websocket');
    expect(result.terms).toEqual(['websocket']);
    expect(result.messages.map((h) => h.messageId)).toEqual(['t:s1:2', 't:s1:1', 't:s2:3']);
    expect(result.messages[0]).toMatchObject({ sessionId: 's1', sessionTitle: 'Fix the flaky websocket test', role: 'assistant' });
    const snippet = result.messages[1]!.snippet;
    expect(snippet.filter((s) => s.match).map((s) => s.text.toLowerCase())).toEqual(['websocket']);
    expect(snippet.map((s) => s.text).join('')).toBe('The websocket reconnect test is flaky on CI.');
    // A title match outranks a description match.
    expect(result.tasks.map((t) => t.title.map((s) => s.text).join(''))).toEqual(['Investigate websocket flakiness', 'Write release notes']);
    expect(result.tasks[0]!.title).toEqual([{ text: 'Investigate ', match: false }, { text: 'websocket', match: true }, { text: ' flakiness', match: false }]);
    expect(result.tasks[1]).toMatchObject({ assignee: 'sam', status: 'todo' });
  });

  it('matches every word, stems, and treats the last word as a prefix while typing', async () => {
    const { kit } = seeded();
    expect((await kit.search.all('websocket database')).messages.map((h) => h.messageId)).toEqual(['t:s2:3']);
    expect((await kit.search.all('reconnects')).messages.map((h) => h.messageId).sort()).toEqual(['t:s1:1', 't:s1:2']);
    expect((await kit.search.all('migra')).messages.map((h) => h.messageId)).toEqual(['t:s2:3']);
    // Token counters are not worth finding.
    expect((await kit.search.all('tokens used')).messages).toEqual([]);
  });

  it('indexes tasks as they change', async () => {
    const { kit, tasks } = seeded();
    const task = tasks.create('Rotate signing keys', '', 'user');
    expect((await kit.search.all('signing')).tasks.map((t) => t.taskId)).toEqual([task.id]);
    tasks.update(task.id, { title: 'Rotate encryption keys' }, 'user');
    expect((await kit.search.all('signing')).tasks).toEqual([]);
    expect((await kit.search.all('encryption')).tasks.map((t) => t.taskId)).toEqual([task.id]);
    tasks.updateStatus(task.id, 'done', 'user');
    expect((await kit.search.all('encryption')).tasks[0]!.status).toBe('done');
  });

  it('searches hostile input as plain text and never fails', async () => {
    const { kit } = seeded();
    const hostile = [
      '"', '"websocket', 'websocket"', '""', "'", 'AND', 'OR OR', 'NOT websocket', 'websocket AND', 'NEAR(websocket flaky)', 'NEAR(', '(', ')', '*', 'websocket*', '^websocket',
      'content:websocket', 'session_id:s1', '{content}: x', '-websocket', '+', ':', ';', "'; DROP TABLE messages; --", '\u0000', '\\', '%', '_', '🙂', 'a'.repeat(2000), '" OR 1=1 --', 'websocket"*)(',
    ];
    for (const query of hostile) {
      const result = await kit.search.all(query);
      expect(Array.isArray(result.messages)).toBe(true);
    }
    // Operators are words like any other: quoting makes them harmless.
    expect(toFtsQuery('NEAR(websocket flaky)').match).toBe('"NEAR" "websocket" "flaky"*');
    expect((await kit.search.all('"websocket')).messages).toHaveLength(3);
    expect((await kit.search.all('NOT websocket')).messages).toEqual([]);
    expect((await kit.search.all('***')).terms).toEqual([]);
    expect(kit.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(4);
  });

  it('rebuilds to the same index', async () => {
    const { kit } = seeded();
    const before = await kit.search.all('websocket');
    expect(await kit.search.rebuild()).toEqual({ messages: 3, tasks: 2 });
    expect((await kit.search.all('websocket')).messages.map((h) => h.messageId)).toEqual(before.messages.map((h) => h.messageId));
  });

  it('keeps the message index in its own file and rebuilds it when it is deleted, damaged or from another database', async () => {
    const { kit, tasks } = seeded();
    await kit.search.settled();
    const indexFile = searchIndexPath(kit.db.name);
    expect(existsSync(indexFile)).toBe(true);
    const reopen = async () => {
      await closeIndex(kit);
      const search = new SearchService(kit.db, { log: quietLog });
      search.attachTasks(tasks);
      search.start();
      kit.search = search;
      return search;
    };

    // Deleted while the app was closed.
    await closeIndex(kit);
    for (const suffix of ['', '-wal', '-shm']) rmSync(indexFile + suffix, { force: true });
    let search = new SearchService(kit.db, { log: quietLog });
    kit.search = search;
    expect((await search.all('websocket')).messages).toHaveLength(3);

    // Overwritten with junk.
    await closeIndex(kit, search);
    for (const suffix of ['-wal', '-shm']) rmSync(indexFile + suffix, { force: true });
    writeFileSync(indexFile, 'not a database '.repeat(1000));
    search = new SearchService(kit.db, { log: quietLog });
    kit.search = search;
    expect((await search.all('websocket')).messages).toHaveLength(3);

    // Left from another database (the app's file was moved aside and started fresh): its rows are not this one's.
    kit.db.prepare("UPDATE search_index_source SET instance = 'another'").run();
    search = await reopen();
    expect(await search.init()).toEqual({ messages: 3, tasks: 2 });
    expect((await search.all('websocket')).messages).toHaveLength(3);
  });

  it('catches up with what was stored while its worker was down, and answers from the old index if it cannot', async () => {
    const { kit } = seeded();
    await kit.search.settled();
    await closeIndex(kit);
    // Stored while nothing indexed (the app crashed before the worker caught up).
    storeMessage(kit, 'late', 'a late kangaroo');
    const search = new SearchService(kit.db, { log: quietLog });
    search.start();
    expect((await search.all('kangaroo')).messages.map((h) => h.messageId)).toEqual(['late']);

    // A worker that cannot start: searches still answer, from what was indexed, and say nothing is lost.
    const logged: string[] = [];
    await closeIndex(kit, search);
    const broken = new SearchService(kit.db, { log: { ...quietLog, error: (m) => logged.push(m) }, workerEntry: join(kit.dir, 'missing-worker.js') });
    storeMessage(kit, 'later', 'a later kangaroo');
    broken.messagesStored();
    expect((await broken.all('kangaroo')).messages.map((h) => h.messageId)).toEqual(['late']);
    expect(logged).toContain('search: new messages are not indexed until the index is rebuilt');
    await expect(broken.rebuild()).rejects.toThrow(/Rebuilding the search index failed/);
    await broken.close();
  });

  it('does not finish a long catch-up before closing: it stops at a commit, and the next start goes on from there', async () => {
    const { kit } = seeded();
    await kit.search.settled();
    const indexed = kit.search.status().messages;
    await closeIndex(kit);
    // A backlog of several of the worker's transactions, stored while nothing indexed.
    const backlog = 45_000;
    const at = new Date().toISOString();
    kit.agents.pipeline.write((w) =>
      w.messages(Array.from({ length: backlog }, (_, i): NewMessage => ({ id: `bulk:${i}`, sessionId: 's2', provider: 'codex', timestamp: at, type: 'text', role: 'assistant', content: i === backlog - 1 ? 'the last platypus' : `backlog line ${i}`, raw: '{}' }))),
    );
    let search = new SearchService(kit.db, { log: quietLog });
    search.start();
    // The app closes while the catch-up has barely begun.
    await search.close();
    expect(search.status().messages).toBeLessThan(indexed + backlog);
    await closeIndex(kit, search);
    search = new SearchService(kit.db, { log: quietLog });
    kit.search = search;
    search.start();
    expect((await search.all('platypus')).messages.map((h) => h.messageId)).toEqual([`bulk:${backlog - 1}`]);
    expect(search.status().messages).toBe(indexed + backlog);
    await search.close();
  });

  it('starts over from an index file whose tables are not its own instead of refusing to start', async () => {
    const { kit } = seeded();
    await closeIndex(kit);
    const indexFile = searchIndexPath(kit.db.name);
    for (const suffix of ['', '-wal', '-shm']) rmSync(indexFile + suffix, { force: true });
    // A valid SQLite file with a table of the same name and other columns (another program's, or another version's).
    const other = new Database(indexFile);
    other.exec("CREATE TABLE index_state (id INTEGER PRIMARY KEY, version TEXT); INSERT INTO index_state VALUES (1, 'other')");
    other.close();
    const search = new SearchService(kit.db, { log: quietLog });
    kit.search = search;
    expect((await search.all('websocket')).messages).toHaveLength(3);
    await search.close();
  });

  it('resumes indexing what was stored after its worker crashes, without waiting for a search or a new message', async () => {
    const { kit } = seeded();
    await kit.search.settled();
    await closeIndex(kit);
    storeMessage(kit, 'late', 'a late kangaroo');
    // A worker that crashes the first time it starts, then works.
    const entry = join(kit.dir, 'crash-once.mjs');
    writeFileSync(entry, [
      "import { existsSync, writeFileSync } from 'node:fs';",
      `const marker = ${JSON.stringify(join(kit.dir, 'crashed'))};`,
      "if (!existsSync(marker)) { writeFileSync(marker, ''); throw new Error('the first start crashes'); }",
      `await import(${JSON.stringify(pathToFileURL(INDEX_WORKER_ENTRY).href)});`,
    ].join('\n'));
    const logged: string[] = [];
    const search = new SearchService(kit.db, { log: { ...quietLog, error: (m) => logged.push(m) }, workerEntry: entry });
    kit.search = search;
    search.start();
    await vi.waitFor(() => expect(search.status().messages).toBe(4), { timeout: 5_000, interval: 20 });
    expect(logged).toEqual(['search: the index worker failed (1 in a row)']);
    await search.close();
  });

  it('never lets indexed text forge a highlight', async () => {
    expect(toSegments('a\uE000b\uE001c')).toEqual([{ text: 'a', match: false }, { text: 'b', match: true }, { text: 'c', match: false }]);
    const { kit } = seeded();
    kit.agents.pipeline.write((w) => w.messages([{ id: 'forged', sessionId: 's1', provider: 'claude', timestamp: new Date().toISOString(), type: 'text', role: 'user', content: 'zebra \uE000fake\uE001 mark', raw: '{}' }]));
    const snippet = (await kit.search.all('zebra')).messages[0]!.snippet;
    expect(snippet.filter((s) => s.match).map((s) => s.text)).toEqual(['zebra']);
  });
});
