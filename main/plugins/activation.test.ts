import { afterEach, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../app/messages.ts';
import { eventually, startPluginTest, type PluginTest } from './testing/harness.ts';
import type { SupervisorTiming } from './supervisor-options.ts';

let t: PluginTest | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function begin(timing: Partial<SupervisorTiming> = {}): PluginTest {
  t = startPluginTest({ timing });
  return t;
}

const summary = (t: PluginTest, id: string) => t.core.supervisor.list().find((p) => p.id === id)!;

const message = (content: string): AgentMessage => ({
  id: 'm1',
  sessionId: 's1',
  projectId: null,
  provider: 'claude',
  timestamp: new Date().toISOString(),
  type: 'text',
  role: 'assistant',
  content,
});

describe('a plugin with activation events', () => {
  it('sleeps after start-up and says why; its contributed command is in the palette before it runs', async () => {
    const t = begin();
    await t.install({
      id: 'exporter',
      source: `bt.registerCommand('Export tasks', () => 'exported 3 tasks');`,
      permissions: ['palette'],
      manifest: { activationEvents: ['onCommand:Export tasks'], contributes: { commands: [{ label: 'Export tasks' }] } },
    });
    expect(summary(t, 'exporter')).toMatchObject({ state: 'sleeping', stateReason: 'Starts when you run “Export tasks”' });
    expect(t.core.supervisor.processId('exporter')).toBeUndefined();
    const entry = t.core.supervisor.palette().find((c) => c.label === 'Export tasks');
    expect(entry).toMatchObject({ source: 'plugin', pluginId: 'exporter', pluginName: 'exporter plugin' });

    // Choosing it starts the plugin and runs the command it registered under that label.
    await expect(t.core.supervisor.runCommand(entry!.id, undefined)).resolves.toBe('exported 3 tasks');
    expect(summary(t, 'exporter').state).toBe('running');
    expect(t.logText('exporter')).toMatch(/Starting because you ran “Export tasks”/);
    // Once it runs, the palette lists what it registered, once.
    expect(t.core.supervisor.palette().filter((c) => c.label === 'Export tasks')).toHaveLength(1);
  });

  it('Restart on its page starts a sleeping plugin', async () => {
    const t = begin();
    await t.install({ id: 'restartable', source: `console.log('awake');`, manifest: { activationEvents: ['onPanel'] } });
    expect(summary(t, 'restartable').state).toBe('sleeping');
    await t.services.dispatch('plugins.restart', { id: 'restartable' });
    expect(summary(t, 'restartable').state).toBe('running');
  });

  it('a plugin that declares no activation events starts at start-up, as before', async () => {
    const t = begin();
    await t.install({ id: 'eager', source: `bt.registerCommand('Hello', () => 'hi');`, permissions: ['palette'] });
    expect(summary(t, 'eager').state).toBe('running');
  });

  it('a contributed command the plugin never registers fails with a plain reason', async () => {
    const t = begin();
    await t.install({ id: 'forgetful', source: `// registers nothing`, permissions: ['palette'], manifest: { activationEvents: ['onCommand:Go'], contributes: { commands: [{ label: 'Go' }] } } });
    const entry = t.core.supervisor.palette().find((c) => c.label === 'Go')!;
    await expect(t.core.supervisor.runCommand(entry.id, undefined)).rejects.toThrow('forgetful plugin started but registered no command “Go”, though its manifest lists one.');
  });

  it('a message for a sleeping plugin is held and delivered after it starts', async () => {
    const t = begin();
    await t.install({
      id: 'logger',
      source: `agor.messages.onMessage((m) => console.log('GOT ' + m.content));`,
      permissions: ['messages'],
      manifest: { activationEvents: ['onMessage'] },
    });
    expect(summary(t, 'logger')).toMatchObject({ state: 'sleeping', stateReason: 'Starts when an agent message arrives' });
    t.core.supervisor.deliverMessage(message('first'));
    t.core.supervisor.deliverMessage(message('second'));
    await eventually(() => /GOT second/.test(t.logText('logger')), 'both messages delivered');
    expect(t.logText('logger')).toMatch(/GOT first[\s\S]*GOT second/);
    expect(summary(t, 'logger').state).toBe('running');
  });

  it('the held messages are bounded: past 200 the oldest are dropped, and its log says how many', async () => {
    const t = begin();
    await t.install({
      id: 'flooded',
      source: `var n = 0; agor.messages.onMessage((m) => { n++; if (m.content === 'last') console.log('COUNT ' + n); });`,
      permissions: ['messages'],
      manifest: { activationEvents: ['onMessage'] },
    });
    for (let i = 0; i < 249; i++) t.core.supervisor.deliverMessage(message(`m${i}`));
    t.core.supervisor.deliverMessage(message('last'));
    await eventually(() => /COUNT \d+/.test(t.logText('flooded')), 'the last message');
    expect(t.logText('flooded')).toMatch(/50 messages and events arrived while it was starting and were dropped \(at most 200 are held\)[\s\S]*COUNT 200/);
  });

  it('an event for a sleeping plugin is held and delivered after it starts', async () => {
    const t = begin();
    await t.install({
      id: 'listener',
      source: `agor.events.on('session.complete', (p) => console.log('DONE ' + p.sessionId));`,
      permissions: ['events'],
      manifest: { activationEvents: ['onEvent:session.complete'] },
    });
    t.core.supervisor.emitHostEvent('session.start', { sessionId: 'ignored' });
    expect(summary(t, 'listener').state).toBe('sleeping');
    t.core.supervisor.emitHostEvent('session.complete', { sessionId: 's42' });
    await eventually(() => /DONE s42/.test(t.logText('listener')), 'the event delivered');
  });

  it('a plugin without the permission its activation event needs is not woken by it', async () => {
    const t = begin();
    await t.install({ id: 'ungranted', source: `agor.messages.onMessage(() => 1);`, permissions: ['messages'], grants: [], manifest: { activationEvents: ['onMessage'] } });
    t.core.supervisor.deliverMessage(message('x'));
    expect(summary(t, 'ungranted').state).toBe('sleeping');
  });

  it('a hook reaches a plugin that was asleep, within the hook deadline', async () => {
    const t = begin({ coldHookDeadlineMs: 15_000 });
    await t.install({
      id: 'redactor',
      source: `agor.hooks.register('pre_flight', (c) => c.body.replace('secret', '[redacted]'));`,
      permissions: ['hooks'],
      manifest: { activationEvents: ['onHook:pre_flight'] },
    });
    expect(summary(t, 'redactor').state).toBe('sleeping');
    const outcome = await t.core.supervisor.runHooks('pre_flight', 'my secret prompt');
    expect(outcome).toMatchObject({ action: 'modify', body: 'my [redacted] prompt' });
  });

  it('a hook whose plugin cannot start within the cold-start deadline fails open', async () => {
    const t = begin({ coldHookDeadlineMs: 1 });
    await t.install({
      id: 'slowpoke',
      source: `agor.hooks.register('pre_flight', () => ({ action: 'block', message: 'no' }));`,
      permissions: ['hooks'],
      manifest: { activationEvents: ['onHook:pre_flight'] },
    });
    const outcome = await t.core.supervisor.runHooks('pre_flight', 'hello');
    expect(outcome).toMatchObject({ action: 'passthrough', body: 'hello' });
    expect(t.logText('slowpoke')).toMatch(/The pre_flight hook waited for the plugin to start and it did not start within 1 ms; skipped/);
  });

  it('idle for the idle time: its unload handler runs, then it is stopped and sleeps again', async () => {
    const t = begin({ idleMs: 300, idleCheckMs: 50 });
    await t.install({
      id: 'napper',
      source: `bt.registerCommand('Nap', () => 'zz');
agor.events.on('unload', () => console.log('UNLOADING'));`,
      permissions: ['palette'],
      manifest: { activationEvents: ['onCommand:Nap'], contributes: { commands: [{ label: 'Nap' }] } },
    });
    const id = t.core.supervisor.palette().find((c) => c.label === 'Nap')!.id;
    await t.core.supervisor.runCommand(id, undefined);
    await eventually(() => summary(t, 'napper').state === 'sleeping', 'asleep again');
    expect(t.logText('napper')).toMatch(/UNLOADING[\s\S]*Stopped: Stopped after 300 ms without use/);
    expect(summary(t, 'napper').stateReason).toBe('Stopped after 300 ms without use. Starts again when you run “Nap”');
    // And it wakes again for its command.
    await expect(t.core.supervisor.runCommand(id, undefined)).resolves.toBe('zz');
  });

  it('onStartup keeps it running however long it is idle', async () => {
    const t = begin({ idleMs: 100, idleCheckMs: 20 });
    await t.install({ id: 'resident', source: `bt.registerCommand('Stay', () => 1);`, permissions: ['palette'], manifest: { activationEvents: ['onStartup', 'onMessage'] } });
    expect(summary(t, 'resident').state).toBe('running');
    await new Promise((r) => setTimeout(r, 300));
    expect(summary(t, 'resident').state).toBe('running');
  });

  it('opening the page of an onPanel plugin starts it', async () => {
    const t = begin();
    await t.install({ id: 'dash', source: `agor.ui.setPanel({ type: 'markdown', markdown: '# Ready' });`, permissions: ['panels'], manifest: { activationEvents: ['onPanel'] } });
    expect(summary(t, 'dash').stateReason).toBe('Starts when its page is opened');
    t.core.supervisor.get('dash');
    await eventually(() => t.core.supervisor.get('dash').panel, 'its panel');
  });

  it('a manifest with a malformed activation event is refused with the reason', async () => {
    const t = begin();
    t.write({ id: 'typo', source: '', manifest: { activationEvents: ['onStartUp'] } });
    expect(summary(t, 'typo').errors.join(' ')).toMatch(/activationEvents/);
  });
});
