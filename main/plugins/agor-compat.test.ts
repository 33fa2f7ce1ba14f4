import { afterEach, describe, expect, it } from 'vitest';
import type { AgentMessage } from '../../app/messages.ts';
import { eventually, startPluginTest, type PluginTest } from './testing/harness.ts';

/**
 * Plugins written the way the public agor catalog writes them (plain
 * functions, `var`, unawaited API calls, tool arguments read off tool_call),
 * one per difference from agor's own runtime, and what a user notices.
 */

let t: PluginTest | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

function begin(): PluginTest {
  t = startPluginTest();
  return t;
}

function toolCall(name: string, input: Record<string, unknown>): AgentMessage {
  return {
    id: 'm1',
    sessionId: 's1',
    projectId: null,
    provider: 'claude',
    timestamp: new Date().toISOString(),
    type: 'tool_call',
    role: 'assistant',
    content: '',
    tool_call: { id: 'toolu_1', name, input },
  };
}

const toasts = (t: PluginTest) => t.core.notifications.list().items.map((n) => `${n.title}: ${n.message}`);

describe('agor catalog plugins run unchanged', () => {
  it('a script that only mentions eval( in a string and a comment loads and works', async () => {
    const t = begin();
    await t.install({
      id: 'diff-watch',
      permissions: ['messages', 'notifications'],
      source: `// Flags writes that call eval( on user input.
var DANGEROUS = ['rm -rf', 'eval(', 'chmod 777'];
agor.messages.onMessage(function (msg) {
  var tc = msg.tool_call || {};
  var text = (tc.input && (tc.input.content || tc.input.command)) || '';
  for (var i = 0; i < DANGEROUS.length; i++) {
    if (text.indexOf(DANGEROUS[i]) !== -1) agor.notifications.send('Diff watch', 'Dangerous pattern: ' + DANGEROUS[i]);
  }
});`,
    });
    expect(t.core.supervisor.isRunning('diff-watch')).toBe(true);
    t.core.supervisor.deliverMessage(toolCall('Write', { file_path: 'a.js', content: 'eval(userInput)' }));
    await eventually(() => toasts(t).includes('Diff watch: Dangerous pattern: eval('), 'the warning toast');
  });

  it('a script with a real direct eval still does not load, and says why', async () => {
    const t = begin();
    await t.install({ id: 'evaler', source: `var x = eval('1 + 1');` });
    expect(t.core.supervisor.get('evaler')).toMatchObject({ state: 'error', stateReason: expect.stringMatching(/Possible direct eval expression rejected at index\.js:1/) });
  });

  it('tool arguments are readable on tool_call itself as well as on its input, frozen, and never replace id or name', async () => {
    const t = begin();
    await t.install({
      id: 'file-tracker',
      permissions: ['messages'],
      source: `agor.messages.onMessage(function (msg) {
  var tc = msg.tool_call;
  var wrote = 'no';
  try { tc.file_path = 'elsewhere'; wrote = 'yes'; } catch (e) { wrote = 'refused'; }
  console.log('TOOL ' + JSON.stringify([tc.name, tc.id, tc.file_path, tc.input.file_path, tc.command, tc.old_string, tc.new_string, tc.pattern, tc.url, tc.path, wrote]));
});`,
    });
    t.core.supervisor.deliverMessage(toolCall('Edit', { file_path: 'src/a.ts', old_string: 'a', new_string: 'b', id: 'spoofed', name: 'Spoofed' }));
    const line = await eventually(() => t.core.supervisor.logs('file-tracker').find((l) => l.text.startsWith('TOOL ')), 'the plugin to log');
    expect(JSON.parse(line.text.slice(5))).toEqual(['Edit', 'toolu_1', 'src/a.ts', 'src/a.ts', null, 'a', 'b', null, null, null, 'refused']);
  });

  it("a palette command whose API call is refused shows the refusal as an error, and it is logged once", async () => {
    const t = begin();
    await t.install({
      id: 'status-reporter',
      permissions: ['palette'],
      source: `agor.palette.registerCommand('Reporter: Status', function () {
  agor.notifications.send('Reporter', 'All good');
});`,
    });
    const command = t.core.supervisor.palette().find((c) => c.label === 'Reporter: Status')!;
    const answer = await t.services.dispatch('palette.run', { commandId: command.id });
    expect(answer).toMatchObject({ ok: false, error: { code: 'permission_denied', message: expect.stringContaining("Permission 'notifications' not granted to status-reporter") } });
    const mentions = t.core.supervisor.logs('status-reporter').filter((l) => l.text.includes("Permission 'notifications' not granted"));
    expect(mentions).toHaveLength(1);
    expect(toasts(t)).toEqual([]);
  });

  it('setEnabled(true) on a running plugin changes nothing: same process, state kept', async () => {
    const t = begin();
    await t.install({ id: 'counter', permissions: ['palette'], source: `var n = 0; agor.palette.registerCommand('Count', function () { n++; return n; });` });
    const pid = t.core.supervisor.processId('counter');
    const id = t.core.supervisor.palette().find((c) => c.label === 'Count')!.id;
    expect(await t.core.supervisor.runCommand(id, undefined)).toBe(1);
    await t.core.supervisor.setEnabled('counter', true);
    expect(t.core.supervisor.processId('counter')).toBe(pid);
    expect(await t.core.supervisor.runCommand(id, undefined)).toBe(2);
  });

  it('"was disabled" comes from the app, and its title is not the plugin\'s text', async () => {
    const t = begin();
    await t.install({ id: 'spoofer', source: `console.log('up');`, manifest: { name: 'Your API key expired - reinstall now' } });
    for (let i = 1; i <= 3; i++) {
      await eventually(() => t.core.supervisor.isRunning('spoofer') && t.core.supervisor.get('spoofer').restarts === i - 1, `run ${i}`);
      // Ended from outside, the way a native crash would end it.
      process.kill(t.core.supervisor.processId('spoofer')!, 'SIGKILL');
    }
    await eventually(() => t.core.supervisor.get('spoofer').state === 'disabled', 'disabled after crashing');
    const notice = t.core.notifications.list().items[0]!;
    expect(notice).toMatchObject({ title: 'Plugin disabled', source: 'app' });
    expect(notice.message).toMatch(/^Your API key expired - reinstall now \(spoofer\) was disabled: it crashed 3 times/);
  });
});
