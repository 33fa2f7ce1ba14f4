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
