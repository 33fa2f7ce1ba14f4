import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Envelope } from '../../app/contract/envelope.ts';
import type { NativeNotifier } from '../notifications/notifications.ts';
import { startServices, type AppServices } from '../services.ts';
import type { Task } from './tasks.ts';

const silentDesktop: NativeNotifier = { isSupported: () => false, show: () => undefined };

let services: AppServices | undefined;
afterEach(() => services?.close());

function start(dataDir = mkdtempSync(join(tmpdir(), 'sb-tasks-'))): { services: AppServices; dataDir: string } {
  services = startServices({ dataDir, appVersion: '0.1.0-test', native: silentDesktop, agentHome: dataDir });
  return { services, dataDir };
}

async function call(channel: string, args: unknown): Promise<Envelope<unknown>> {
  return services!.dispatch(channel, args);
}

async function ok<T>(channel: string, args: unknown): Promise<T> {
  const result = await call(channel, args);
  if (!result.ok) throw new Error(`${channel} failed: ${result.error.message}`);
  return result.value as T;
}

const titlesByColumn = (tasks: Task[]) => tasks.map((t) => `${t.status}:${t.title}`);

describe('task board', () => {
  it('creates a task in "todo", records who made it, pushes the change and keeps it across a restart', async () => {
    const { dataDir } = start();
    const pushed: unknown[] = [];
    services!.events.subscribe((name, payload) => name === 'tasks.changed' && pushed.push(payload));
    const heard: string[] = [];
    services!.core().tasks.onChange((task, kind) => heard.push(`${kind}:${task.title}`));

    const task = await ok<Task>('tasks.create', { title: '  Write the release notes  ', description: 'For 0.2' });

    expect(task).toMatchObject({ title: 'Write the release notes', description: 'For 0.2', status: 'todo', createdBy: 'user', createdByName: 'You', assignee: null });
    expect(pushed).toEqual([{ kind: 'created', task }]);
    expect(heard).toEqual(['created:Write the release notes']);
    const audit = services!.core().audit.list({ eventType: 'task_created' });
    expect(audit.map((e) => [e.actor, e.subject, e.detail])).toEqual([['user', `task:${task.id}`, { title: 'Write the release notes', status: 'todo' }]]);

    services!.close();
    start(dataDir);
    expect((await ok<{ tasks: Task[] }>('tasks.list', {})).tasks).toEqual([task]);
  });

  it('names the plugin that created a task and audits the plugin as the actor', async () => {
    start();
    const core = services!.core();
    core.plugins.put({ id: 'acme.standup', name: 'Acme Standup', version: '1.0.0', sourceId: null, previousVersion: null, grants: ['tasks'] });

    const task = core.tasks.create('Summarise yesterday', '', 'plugin:acme.standup');
    core.tasks.updateStatus(task.id, 'progress', 'plugin:acme.standup');

    expect(core.tasks.list()).toEqual([expect.objectContaining({ title: 'Summarise yesterday', status: 'progress', createdByName: 'Acme Standup' })]);
    expect(core.audit.list({ actor: 'plugin:acme.standup' }).map((e) => [e.eventType, e.detail])).toEqual([
      ['task_status_changed', { title: 'Summarise yesterday', from: 'todo', to: 'progress' }],
      ['task_created', { title: 'Summarise yesterday', status: 'todo' }],
    ]);
    core.plugins.remove('acme.standup');
    expect(core.tasks.list()[0]!.createdByName).toBe('acme.standup');
  });

  it('moves tasks between columns and within a column, keeping the board order', async () => {
    start();
    const a = await ok<Task>('tasks.create', { title: 'A' });
    const b = await ok<Task>('tasks.create', { title: 'B' });
    const c = await ok<Task>('tasks.create', { title: 'C' });
    await ok('tasks.create', { title: 'D', status: 'blocked' });

    await ok('tasks.move', { id: b.id, status: 'review' });
    await ok('tasks.move', { id: c.id, status: 'todo', index: 0 });
    await ok('tasks.move', { id: a.id, status: 'review', index: 0 });

    const { tasks } = await ok<{ tasks: Task[] }>('tasks.list', {});
    expect(titlesByColumn(tasks)).toEqual(['todo:C', 'review:A', 'review:B', 'blocked:D']);
    const moves = services!.core().audit.list({ eventType: 'task_status_changed' });
    // Reordering C inside "todo" is not a status change, so only two rows.
    expect(moves.map((e) => [e.subject, e.detail.from, e.detail.to])).toEqual([
      [`task:${a.id}`, 'todo', 'review'],
      [`task:${b.id}`, 'todo', 'review'],
    ]);
  });

  it('edits the text of a task and says nothing when nothing changed', async () => {
    start();
    const task = await ok<Task>('tasks.create', { title: 'Draft', description: '' });
    const pushed: string[] = [];
    services!.events.subscribe((name, payload) => name === 'tasks.changed' && pushed.push((payload as { kind: string }).kind));

    const edited = await ok<Task>('tasks.update', { id: task.id, title: 'Final', description: 'Ship it', assignee: 'Sam' });
    const again = await ok<Task>('tasks.update', { id: task.id, title: 'Final' });

    expect(edited).toMatchObject({ title: 'Final', description: 'Ship it', assignee: 'Sam', status: 'todo' });
    expect(again).toEqual(edited);
    expect(pushed).toEqual(['updated']);
  });

  it.each([
    ['tasks.create', { title: '' }, 'Give the task a title', 'title'],
    ['tasks.create', { title: '   ' }, 'Give the task a title', 'title'],
    ['tasks.create', { title: 'x'.repeat(201) }, 'At most 200 characters (this one has 201)', 'title'],
    ['tasks.create', { title: 'Fine', assignee: 'x'.repeat(101) }, 'At most 100 characters', 'assignee'],
    ['tasks.create', { title: 'Fine', status: 'later' }, 'Unknown status "later". A task\'s status is one of todo, progress, review, done, blocked.', 'status'],
    ['tasks.move', { id: 1, status: 'finished' }, 'Unknown status "finished". A task\'s status is one of todo, progress, review, done, blocked.', 'status'],
    ['tasks.move', { id: 99, status: 'done' }, 'There is no task #99. It may have been removed.', null],
    ['tasks.update', { id: 99, title: 'New' }, 'There is no task #99. It may have been removed.', null],
    ['tasks.update', { id: 1, title: ' ' }, 'Give the task a title', 'title'],
    ['tasks.delete', { id: 99 }, 'There is no task #99. It may have been removed.', null],
    ['tasks.restore', { id: 1 }, 'Task #1 cannot be brought back any more.', null],
  ])('%s %j is refused with a clear message on its field and changes nothing', async (channel, args, message, field) => {
    start();
    await ok('tasks.create', { title: 'Existing', description: 'kept' });
    const before = await ok<{ tasks: Task[] }>('tasks.list', {});
    const auditBefore = services!.core().audit.list({});

    const result = await call(channel, args);

    expect(result).toEqual({ ok: false, error: { code: expect.any(String), message, ...(field ? { fields: { [field]: message } } : {}) } });
    expect(await ok('tasks.list', {})).toEqual(before);
    expect(services!.core().audit.list({})).toEqual(auditBefore);
  });

  it('deletes a task with an audit row, takes it out of search, and restores it in its place until the next start', async () => {
    const { dataDir } = start();
    const a = await ok<Task>('tasks.create', { title: 'Alpha' });
    const b = await ok<Task>('tasks.create', { title: 'Bravo unique' });
    await ok<Task>('tasks.create', { title: 'Charlie' });
    const pushed: string[] = [];
    services!.events.subscribe((name, payload) => name === 'tasks.changed' && pushed.push((payload as { kind: string }).kind));

    await ok('tasks.delete', { id: b.id });
    expect(titlesByColumn((await ok<{ tasks: Task[] }>('tasks.list', {})).tasks)).toEqual(['todo:Alpha', 'todo:Charlie']);
    expect((await ok<{ tasks: unknown[] }>('search.all', { query: 'unique' })).tasks).toEqual([]);
    expect(services!.core().audit.list({ eventType: 'task_deleted' }).map((e) => [e.actor, e.subject, e.detail])).toEqual([
      ['user', `task:${b.id}`, { title: 'Bravo unique', status: 'todo' }],
    ]);
    // Moving the others around while it is gone does not lose its place.
    await ok('tasks.move', { id: a.id, status: 'todo' });

    await ok('tasks.restore', { id: b.id });
    expect(titlesByColumn((await ok<{ tasks: Task[] }>('tasks.list', {})).tasks)).toEqual(['todo:Charlie', 'todo:Bravo unique', 'todo:Alpha']);
    expect((await ok<{ tasks: unknown[] }>('search.all', { query: 'unique' })).tasks).toHaveLength(1);
    expect(services!.core().audit.list({ eventType: 'task_restored' })).toHaveLength(1);
    expect(pushed).toEqual(['deleted', 'moved', 'restored']);

    await ok('tasks.delete', { id: b.id });
    services!.close();
    start(dataDir);
    expect(titlesByColumn((await ok<{ tasks: Task[] }>('tasks.list', {})).tasks)).toEqual(['todo:Charlie', 'todo:Alpha']);
    expect((await call('tasks.restore', { id: b.id })).ok).toBe(false);
  });

  it('gives plugins the same checks when they pass something that is not text', () => {
    start();
    const { tasks } = services!.core();
    expect(() => tasks.create({ toString: () => 'sneaky' }, '', 'plugin:p')).toThrow('A task title must be text.');
    expect(() => tasks.create('Ok', 42, 'plugin:p')).toThrow('A task description must be text.');
    expect(() => tasks.updateStatus('1', 'done', 'plugin:p')).toThrow('A task id is a whole number from 1.');
    expect(tasks.list()).toEqual([]);
  });

  it('keeps a change when a listener fails', async () => {
    start();
    services!.core().tasks.onChange(() => {
      throw new Error('index offline');
    });
    const task = await ok<Task>('tasks.create', { title: 'Still saved' });
    expect((await ok<{ tasks: Task[] }>('tasks.list', {})).tasks).toEqual([task]);
  });
});
