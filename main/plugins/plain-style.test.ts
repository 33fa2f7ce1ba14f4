import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../app/messages.ts';
import { eventually, startPluginTest, type PluginTest } from './testing/harness.ts';

function message(id: string, type: AgentMessage['type'], content: string): AgentMessage {
  return {
    id,
    sessionId: 'sess-1',
    projectId: 'proj',
    provider: 'claude-code',
    timestamp: '2026-11-21T10:00:00.000Z',
    type,
    role: type === 'tool_call' ? 'assistant' : 'system',
    content,
    ...(type === 'tool_call' ? { tool_call: { id: 'tc1', name: 'Bash', input: { command: 'ls' } } } : {}),
  };
}

let t: PluginTest;
beforeAll(async () => {
  t = startPluginTest();
  await t.installFixture('plain-style');
  await t.installFixture('listener');
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('a plugin written in the plain style', () => {
  it('loads with its commands, and its setInterval runs and clears', async () => {
    const summary = t.core.supervisor.list().find((p) => p.id === 'plain-style')!;
    expect(summary).toMatchObject({ name: 'plain-style', version: '1.2.0', state: 'running' });
    expect(summary.commands).toEqual([
      { id: 'plain-style::1', label: 'Show summary', takesArgument: false },
      { id: 'plain-style::2', label: 'Add note', takesArgument: true },
    ]);
    await eventually(() => t.logText('plain-style').includes('ticked 3 times'), 'interval');
  });

  it('receives agent messages deep-frozen and turns errors into tasks with its settings', async () => {
    t.core.supervisor.deliverMessage(message('m1', 'tool_call', 'running ls'));
    t.core.supervisor.deliverMessage(message('m2', 'error', 'rate limited'));
    await eventually(() => t.logText('plain-style').includes('created task #'), 'task created');
    expect(t.logText('plain-style')).toContain('message m1 (tool_call) frozen=true');
    const task = await eventually(() => t.core.tasks.list().find((x) => x.title === 'Follow up: rate limited' && x.status === 'blocked'), 'task blocked');
    expect(task).toMatchObject({ description: 'From session sess-1', createdBy: 'plugin:plain-style', createdByName: 'plain-style' });
    const panel = await eventually(() => t.core.supervisor.get('plain-style').panel, 'panel');
    expect(panel).toEqual({ type: 'table', title: 'Errors', columns: ['#', 'error'], rows: [[1, 'rate limited']] });
  });

  it('hears host events, and its own events reach other plugins (not itself)', async () => {
    t.core.supervisor.emitHostEvent('session.complete', { sessionId: 'sess-1' });
    await eventually(() => t.logText('listener').includes('heard plain.summary from plain-style: 2'), 'listener heard');
    expect(t.logText('plain-style')).toContain('session complete: sess-1, seen 2 messages, 1 errors');
  });

  it('runs palette commands, with and without an argument, through the window channel', async () => {
    const palette = await t.services.dispatch('palette.list', {});
    expect(palette).toMatchObject({
      ok: true,
      value: { commands: expect.arrayContaining([expect.objectContaining({ id: 'plain-style::2', pluginName: 'plain-style', takesArgument: true })]) },
    });
    expect(await t.services.dispatch('palette.run', { commandId: 'plain-style::1' })).toEqual({ ok: true, value: { ok: true } });
    await eventually(() => t.core.notifications.list().items.find((n) => n.message === 'seen 2 messages, 1 errors' && n.title === 'plain-style'), 'toast');
    expect(await t.services.dispatch('palette.run', { commandId: 'plain-style::2', argument: 'check the deploy' })).toEqual({ ok: true, value: { ok: true } });
    expect(t.core.tasks.list().find((x) => x.title === 'Note: check the deploy')).toMatchObject({ description: 'There were 1 tasks before this one' });
    expect(t.core.db.prepare("SELECT value FROM plugin_kv WHERE key = 'plugin:plain-style:kv:last-note'").pluck().get()).toBe('"check the deploy"');
  });

  it('a command that no longer exists fails with a clear message', async () => {
    expect(await t.services.dispatch('palette.run', { commandId: 'plain-style::99' })).toEqual({
      ok: false,
      error: { code: 'not_found', message: 'That command no longer exists. Its plugin may have been stopped or changed.' },
    });
  });
});

describe('its settings form', () => {
  it('shows every ui_schema field with config and field defaults', () => {
    const detail = t.core.supervisor.get('plain-style');
    expect(detail.settings).toEqual({ prefix: 'Follow up', threshold: 3, mode: 'quiet' });
    expect(detail.uiSchema.map((f) => f.key)).toEqual(['prefix', 'threshold', 'mode']);
    expect(detail.requestedPermissions).toContain('messages');
  });

  it('refuses bad values with a message per field and saves nothing', async () => {
    const result = await t.services.dispatch('plugins.updateSettings', { id: 'plain-style', values: { prefix: 'Todo', threshold: 500, mode: 'shouting', colour: 'red' } });
    expect(result).toEqual({
      ok: true,
      value: {
        saved: false,
        errors: {
          threshold: 'Between 1 and 100',
          mode: 'Choose one of: quiet, loud',
          colour: 'This plugin has no setting called "colour"',
        },
      },
    });
    expect(t.core.supervisor.get('plain-style').settings.prefix).toBe('Follow up');
  });

  it('saves good values, which the plugin then reads', async () => {
    const result = await t.services.dispatch('plugins.updateSettings', { id: 'plain-style', values: { prefix: 'Look at', mode: 'loud' } });
    expect(result).toEqual({ ok: true, value: { saved: true, values: { prefix: 'Look at', threshold: 3, mode: 'loud' } } });
    t.core.supervisor.deliverMessage(message('m3', 'error', 'disk full'));
    await eventually(() => t.core.tasks.list().find((x) => x.title === 'Look at: disk full'), 'task with new prefix');
    expect(t.audit('plugin_settings_changed')[0]).toMatchObject({ actor: 'user', subject: 'plain-style', detail: { keys: ['prefix', 'mode'] } });
  });
});

// Last, because the other plugins above count the messages and events they see.
describe('data a plugin receives', () => {
  it('comes as messages and event payloads frozen at every level, however deeply nested', async () => {
    await t.install({
      id: 'freeze-probe',
      permissions: ['messages', 'events'],
      source: [
        'function deepFrozen(v) { return v === null || typeof v !== "object" || (Object.isFrozen(v) && Object.keys(v).every(function (k) { return deepFrozen(v[k]); })); }',
        'function tryWrite(v) { try { v.tool_call.input.options[0].flag = false; return "written"; } catch (e) { return "refused"; } }',
        'agor.messages.onMessage(function (msg) { console.log("message deep-frozen=" + deepFrozen(msg) + " write=" + tryWrite(msg) + " flag=" + msg.tool_call.input.options[0].flag); });',
        'agor.events.on("session.start", function (payload, info) { console.log("event deep-frozen=" + deepFrozen(payload) + " info-frozen=" + Object.isFrozen(info)); });',
      ].join('\n'),
    });
    const nested = message('m-nested', 'tool_call', 'nested');
    t.core.supervisor.deliverMessage({ ...nested, tool_call: { id: 'tc2', name: 'Edit', input: { options: [{ flag: true, path: ['a', 'b'] }] } } });
    t.core.supervisor.emitHostEvent('session.start', { session: { id: 'sess-2', tags: [{ name: 'x' }] } });
    await eventually(() => t.logText('freeze-probe').includes('event deep-frozen='), 'event heard');
    expect(t.logText('freeze-probe')).toContain('message deep-frozen=true write=refused flag=true');
    expect(t.logText('freeze-probe')).toContain('event deep-frozen=true info-frozen=true');
  });
});
