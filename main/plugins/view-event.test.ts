import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startPluginTest, type PluginTest } from './testing/harness.ts';

let t: PluginTest;
afterEach(() => t?.close());

const LISTENER = `
  agor.events.on('session.viewed', (payload, event) => console.log('VIEWED ' + JSON.stringify(payload) + ' from=' + event.from))
    .then(() => console.log('LISTENING'));
`;

describe('the session.viewed host event', () => {
  it('tells plugins holding events and sessions which session the window shows, once per change, and nobody else', async () => {
    t = startPluginTest();
    await t.install({ id: 'follower', source: LISTENER, permissions: ['events', 'sessions'] });
    await t.install({ id: 'events-only', source: LISTENER, permissions: ['events'] });
    await eventually(() => t.logText('follower').includes('LISTENING') && t.logText('events-only').includes('LISTENING'), 'both listening');

    await t.services.dispatch('plugins.setViewContext', { sessionId: 'session-1', projectId: 'project-1' });
    await t.services.dispatch('plugins.setViewContext', { sessionId: 'session-1', projectId: 'project-1' });
    await t.services.dispatch('plugins.setViewContext', { sessionId: null, projectId: 'project-1' });
    await eventually(() => t.logText('follower').includes('VIEWED {"sessionId":null,"projectId":"project-1"} from=null'), 'the second change');
    expect(t.logText('follower').split('\n').filter((l) => l.startsWith('VIEWED '))).toEqual([
      'VIEWED {"sessionId":"session-1","projectId":"project-1"} from=null',
      'VIEWED {"sessionId":null,"projectId":"project-1"} from=null',
    ]);
    // What the user looks at is sessions data: events alone does not get it.
    expect(t.logText('events-only')).not.toContain('VIEWED');
  });
});

describe('the task.changed host event', () => {
  it('tells plugins holding events and tasks about every change on the board, whoever made it, and nobody else', async () => {
    t = startPluginTest();
    const source = `agor.events.on('task.changed', (payload) => console.log('TASK ' + JSON.stringify(payload))).then(() => console.log('LISTENING'));`;
    await t.install({ id: 'board-watcher', source, permissions: ['events', 'tasks'] });
    await t.install({ id: 'events-only', source, permissions: ['events'] });
    await eventually(() => t.logText('board-watcher').includes('LISTENING') && t.logText('events-only').includes('LISTENING'), 'both listening');

    const task = t.core.tasks.create('Ship it', '', 'user');
    t.core.tasks.updateStatus(task.id, 'done', 'user');
    await eventually(() => t.logText('board-watcher').includes(`TASK {"kind":"moved","taskId":${task.id},"status":"done"}`), 'the move');
    expect(t.logText('board-watcher')).toContain(`TASK {"kind":"created","taskId":${task.id},"status":"todo"}`);
    expect(t.logText('events-only')).not.toContain('TASK ');
  });
});
