import { describe, expect, it } from 'vitest';
import { AuditLog } from '../audit/audit.ts';
import { TaskService } from '../tasks/tasks.ts';
import { agentKit } from '../agents/test-kit.ts';
import type { NewMessage } from '../agents/types.ts';
import { toFtsQuery, toSegments } from './search.ts';

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

describe('search', () => {
  it('ranks by relevance and groups messages and tasks, with highlighted snippets as plain segments', () => {
    const { kit } = seeded();
    const result = kit.search.all('websocket');
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

  it('matches every word, stems, and treats the last word as a prefix while typing', () => {
    const { kit } = seeded();
    expect(kit.search.all('websocket database').messages.map((h) => h.messageId)).toEqual(['t:s2:3']);
    expect(kit.search.all('reconnects').messages.map((h) => h.messageId).sort()).toEqual(['t:s1:1', 't:s1:2']);
    expect(kit.search.all('migra').messages.map((h) => h.messageId)).toEqual(['t:s2:3']);
    // Token counters are not worth finding.
    expect(kit.search.all('tokens used').messages).toEqual([]);
  });

  it('indexes tasks as they change', () => {
    const { kit, tasks } = seeded();
    const task = tasks.create('Rotate signing keys', '', 'user');
    expect(kit.search.all('signing').tasks.map((t) => t.taskId)).toEqual([task.id]);
    tasks.update(task.id, { title: 'Rotate encryption keys' }, 'user');
    expect(kit.search.all('signing').tasks).toEqual([]);
    expect(kit.search.all('encryption').tasks.map((t) => t.taskId)).toEqual([task.id]);
    tasks.updateStatus(task.id, 'done', 'user');
    expect(kit.search.all('encryption').tasks[0]!.status).toBe('done');
  });

  it('searches hostile input as plain text and never fails', () => {
    const { kit } = seeded();
    const hostile = [
      '"', '"websocket', 'websocket"', '""', "'", 'AND', 'OR OR', 'NOT websocket', 'websocket AND', 'NEAR(websocket flaky)', 'NEAR(', '(', ')', '*', 'websocket*', '^websocket',
      'content:websocket', 'session_id:s1', '{content}: x', '-websocket', '+', ':', ';', "'; DROP TABLE messages; --", '\u0000', '\\', '%', '_', '🙂', 'a'.repeat(2000), '" OR 1=1 --', 'websocket"*)(',
    ];
    for (const query of hostile) {
      const result = kit.search.all(query);
      expect(Array.isArray(result.messages)).toBe(true);
    }
    // Operators are words like any other: quoting makes them harmless.
    expect(toFtsQuery('NEAR(websocket flaky)').match).toBe('"NEAR" "websocket" "flaky"*');
    expect(kit.search.all('"websocket').messages).toHaveLength(3);
    expect(kit.search.all('NOT websocket').messages).toEqual([]);
    expect(kit.search.all('***').terms).toEqual([]);
    expect(kit.db.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(4);
  });

  it('rebuilds to the same index, and init repairs a missing one', () => {
    const { kit } = seeded();
    const before = kit.search.all('websocket');
    expect(kit.search.rebuild()).toEqual({ messages: 3, tasks: 2 });
    expect(kit.search.all('websocket').messages.map((h) => h.messageId)).toEqual(before.messages.map((h) => h.messageId));
    kit.db.exec('DELETE FROM search_messages');
    expect(kit.search.all('websocket').messages).toEqual([]);
    expect(kit.search.init()).toEqual({ messages: 3, tasks: 2 });
    expect(kit.search.all('websocket').messages).toHaveLength(3);
  });

  it('never lets indexed text forge a highlight', () => {
    expect(toSegments('a\uE000b\uE001c')).toEqual([{ text: 'a', match: false }, { text: 'b', match: true }, { text: 'c', match: false }]);
    const { kit } = seeded();
    kit.agents.pipeline.write((w) => w.messages([{ id: 'forged', sessionId: 's1', provider: 'claude', timestamp: new Date().toISOString(), type: 'text', role: 'user', content: 'zebra \uE000fake\uE001 mark', raw: '{}' }]));
    const snippet = kit.search.all('zebra').messages[0]!.snippet;
    expect(snippet.filter((s) => s.match).map((s) => s.text)).toEqual(['zebra']);
  });
});
