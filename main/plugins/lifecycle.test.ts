import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServices } from '../services.ts';
import { eventually, FAST_TIMING, startPluginTest, type PluginTest } from './testing/harness.ts';
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

const state = (t: PluginTest, id: string) => t.core.supervisor.list().find((p) => p.id === id)!;

/** Ends the plugin's process from outside, the way a native crash or the OOM killer would. */
function crash(t: PluginTest, id: string): void {
  const pid = t.core.supervisor.processId(id);
  if (pid === undefined) throw new Error(`${id} has no process`);
  process.kill(pid, 'SIGKILL');
}

const COMMAND_PLUGIN = `bt.registerCommand('Ping', function () { return 'pong'; });
bt.registerCommand('Spin', function () { for (;;) {} });
bt.registerCommand('Hog', function () { const hog = []; for (;;) hog.push(new Array(100000).fill(Math.random())); });`;

describe('crash and restart', () => {
  it('a crashed plugin is restarted, and the crash is an audit row and an incident on its page', async () => {
    const t = begin();
    await t.install({ id: 'crashy', source: COMMAND_PLUGIN, permissions: ['palette'] });
    const firstPid = t.core.supervisor.processId('crashy');
    crash(t, 'crashy');
    await eventually(() => state(t, 'crashy').restarts === 1 && state(t, 'crashy').state === 'running', 'restart');
    expect(t.core.supervisor.processId('crashy')).not.toBe(firstPid);
    expect(t.audit('plugin_crashed')[0]).toMatchObject({ subject: 'crashy', detail: { reason: 'its process was ended by SIGKILL' } });
    expect(t.core.supervisor.get('crashy').incidents).toEqual([expect.objectContaining({ kind: 'crashed', reason: 'its process was ended by SIGKILL' })]);
    expect(t.logText('crashy')).toMatch(/Restarting in 10 ms \(crash 1 of 3/);
    await t.core.supervisor.runCommand('crashy::1', undefined);
  });

  it('three crashes within the window disable it with a notification', async () => {
    const t = begin();
    await t.install({ id: 'fragile', source: COMMAND_PLUGIN, permissions: ['palette'] });
    for (let i = 1; i <= 3; i++) {
      await eventually(() => t.core.supervisor.isRunning('fragile') && state(t, 'fragile').restarts === i - 1, `run ${i}`);
      crash(t, 'fragile');
    }
    await eventually(() => state(t, 'fragile').state === 'disabled', 'disabled');
    const summary = state(t, 'fragile');
    expect(summary.enabled).toBe(false);
    expect(summary.stateReason).toMatch(/^Disabled after crashing 3 times within 5 minutes/);
    expect(t.core.plugins.get('fragile')!.enabled).toBe(false);
    expect(t.core.notifications.list().items[0]).toMatchObject({ type: 'error', title: 'Plugin disabled', message: expect.stringMatching(/^fragile plugin \(fragile\) was disabled: it crashed 3 times/), source: 'app' });
    expect(t.audit('plugin_disabled')[0]).toMatchObject({ actor: 'app', subject: 'fragile' });
    expect(t.audit('plugin_crashed')).toHaveLength(3);
  });

  it('crashes spread wider than the window do not disable it', async () => {
    const t = begin({ crashWindowMs: 1000 });
    await t.install({ id: 'sturdy', source: COMMAND_PLUGIN, permissions: ['palette'] });
    for (let i = 1; i <= 3; i++) {
      await eventually(() => t.core.supervisor.isRunning('sturdy') && state(t, 'sturdy').restarts === i - 1, `run ${i}`);
      // Let the previous crash fall out of the one-second window.
      await new Promise((r) => setTimeout(r, 1100));
      crash(t, 'sturdy');
    }
    await eventually(() => state(t, 'sturdy').restarts === 3 && t.core.supervisor.isRunning('sturdy'), 'fourth run');
    expect(t.core.plugins.get('sturdy')!.enabled).toBe(true);
  });
});

describe('runaway plugins', () => {
  it('an infinite loop is killed as unresponsive while the app keeps answering, then restarted', async () => {
    const t = begin();
    await t.install({ id: 'spinner', source: COMMAND_PLUGIN, permissions: ['palette'] });
    const running = t.core.supervisor.runCommand('spinner::2', undefined);
    const failed = running.then(() => 'finished', (err: Error) => err.message);
    // While the plugin spins, main answers the window.
    const list = await t.services.dispatch('plugins.list', {});
    expect(list).toMatchObject({ ok: true, value: { plugins: [expect.objectContaining({ id: 'spinner', state: 'running' })] } });
    expect(await failed).toMatch(/"Spin" \(spinner plugin\) failed: the plugin process stopped|timed out/);
    expect(t.audit('plugin_killed')[0]).toMatchObject({ subject: 'spinner', detail: { reason: expect.stringMatching(/did not answer within .* \(unresponsive; it may be stuck in a loop\)/) } });
    await eventually(() => state(t, 'spinner').state === 'running' && state(t, 'spinner').restarts === 1, 'restarted');
    expect(t.core.supervisor.get('spinner').incidents[0]).toMatchObject({ kind: 'killed' });
  });

  it('a plugin spinning inside a timer misses its heartbeat and is killed as unresponsive', async () => {
    const t = begin();
    await t.install({ id: 'timer-spin', source: 'setTimeout(function () { for (;;) {} }, 50);', permissions: [] });
    const row = await eventually(() => t.audit('plugin_killed').find((r) => r.subject === 'timer-spin'), 'kill row');
    expect(String(row.detail.reason)).toMatch(/unresponsive/);
  });

  it('a memory bomb is killed with the memory reason', async () => {
    const t = begin();
    await t.install({ id: 'hog', source: COMMAND_PLUGIN, permissions: ['palette'] });
    await t.core.supervisor.runCommand('hog::3', undefined).catch(() => undefined);
    const row = await eventually(() => t.audit('plugin_killed').find((r) => r.subject === 'hog'), 'kill row');
    expect(String(row.detail.reason)).toMatch(/memory/);
    expect(String(row.detail.reason)).toMatch(/128 MB/);
    expect(t.core.supervisor.get('hog').incidents[0]).toMatchObject({ kind: 'killed', reason: expect.stringMatching(/memory/) });
  });

  it('a plugin that never finishes loading misses the handshake and is killed', async () => {
    const t = begin({ readyTimeoutMs: 1500 });
    await t.install({ id: 'stuck', source: 'while (true) {}', permissions: [] });
    expect(t.audit('plugin_killed')[0]).toMatchObject({ subject: 'stuck', detail: { reason: 'did not finish loading within 1.5 s (no ready handshake)' } });
    expect(t.logText('stuck')).toContain('Killed: did not finish loading within 1.5 s (no ready handshake)');
    await t.core.supervisor.setEnabled('stuck', false);
    expect(state(t, 'stuck')).toMatchObject({ state: 'disabled', enabled: false });
  });

  it('a script that throws while loading is in state error with the reason, and is not restarted', async () => {
    const t = begin();
    await t.install({ id: 'thrower', source: 'var x = 1;\nthrow new Error("config missing");', permissions: [] });
    const summary = state(t, 'thrower');
    expect(summary.state).toBe('error');
    expect(summary.stateReason).toMatch(/its script threw while loading: .*config missing/);
    expect(summary.restarts).toBe(0);
    expect(t.audit('plugin_start_failed')[0]).toMatchObject({ subject: 'thrower' });
  });
});

describe('controls', () => {
  it('disable stops it gracefully: the unload handler runs before the process ends', async () => {
    const t = begin();
    await t.install({ id: 'tidy', source: 'agor.events.on("unload", async function () { await agor.storage.set("said-goodbye", true); });', permissions: [] });
    const summary = await t.core.supervisor.setEnabled('tidy', false);
    expect(summary).toMatchObject({ state: 'disabled', enabled: false, stateReason: 'Disabled by you' });
    expect(t.core.plugins.get('tidy')!.enabled).toBe(false);
    expect(t.core.supervisor.processId('tidy')).toBeUndefined();
    expect(t.core.db.prepare("SELECT value FROM plugin_kv WHERE key = 'plugin:tidy:kv:said-goodbye'").pluck().get()).toBe('true');
    expect(t.audit('plugin_disabled')[0]).toMatchObject({ actor: 'user', subject: 'tidy' });
    const again = await t.core.supervisor.setEnabled('tidy', true);
    expect(again).toMatchObject({ state: 'running', enabled: true });
    expect(t.audit('plugin_enabled')[0]).toMatchObject({ actor: 'user', subject: 'tidy' });
  });

  it('an unload handler that hangs is cut off at the deadline', async () => {
    const t = begin({ stopDeadlineMs: 300 });
    await t.install({ id: 'clingy', source: 'agor.events.on("unload", function () { return new Promise(function () {}); });', permissions: [] });
    await t.core.supervisor.setEnabled('clingy', false);
    expect(state(t, 'clingy').state).toBe('disabled');
    expect(t.logText('clingy')).toContain('The unload handler did not finish: timed out after 300 ms');
  });

  it('restart starts the same code again and counts it', async () => {
    const t = begin();
    await t.install({ id: 'again', source: COMMAND_PLUGIN, permissions: ['palette'] });
    const summary = await t.core.supervisor.restart('again');
    expect(summary).toMatchObject({ state: 'running', restarts: 1 });
    expect(summary.commands.map((c) => c.label)).toEqual(['Ping', 'Spin', 'Hog']);
  });

  it('hot reload picks up new code from disk', async () => {
    const t = begin();
    await t.install({ id: 'live', source: "bt.registerCommand('Version one', function () {});", permissions: ['palette'] });
    t.write({ id: 'live', source: "bt.registerCommand('Version two', function () {});", permissions: ['palette'], manifest: { version: '2.0.0' } });
    const summary = await t.core.supervisor.reload('live');
    expect(summary).toMatchObject({ state: 'running', version: '2.0.0', commands: [expect.objectContaining({ label: 'Version two' })] });
  });

  it('a hot reload whose new code fails puts the previous version back and says so', async () => {
    const t = begin();
    await t.install({ id: 'careful', source: "bt.registerCommand('Still here', function () { return 1; });", permissions: ['palette'] });
    t.write({ id: 'careful', source: 'throw new Error("broken v2");', permissions: ['palette'], manifest: { version: '2.0.0' } });
    await expect(t.core.supervisor.reload('careful')).rejects.toThrow(
      /The new code of careful plugin did not start \(its script threw while loading: .*broken v2\)\. The previous version is running again\./,
    );
    const summary = state(t, 'careful');
    expect(summary).toMatchObject({ state: 'running', version: '1.0.0', commands: [expect.objectContaining({ label: 'Still here' })] });
    await t.core.supervisor.runCommand(summary.commands[0]!.id, undefined);
    expect(t.logText('careful')).toContain('starting the previous version again');
  });

  it('a hot reload of a broken manifest leaves the running version alone', async () => {
    const t = begin();
    await t.install({ id: 'steady', source: "bt.registerCommand('Steady', function () {});", permissions: ['palette'] });
    const pid = t.core.supervisor.processId('steady');
    writeFileSync(join(t.core.pluginPaths.root, 'steady', 'plugin.json'), '{ "name": "steady", ');
    await expect(t.core.supervisor.reload('steady')).rejects.toThrow(/steady plugin was not reloaded: plugin.json is not valid JSON.*The running version was left as it was/);
    expect(t.core.supervisor.processId('steady')).toBe(pid);
    expect(state(t, 'steady').state).toBe('running');
  });

  it('the log keeps the last 1,000 lines and streams each as an event', async () => {
    const t = begin();
    const streamed: string[] = [];
    t.services.events.subscribe((name, payload) => {
      if (name === 'plugins.log' && (payload as { id: string }).id === 'chatty') streamed.push((payload as { line: { text: string } }).line.text);
    });
    await t.install({ id: 'chatty', source: 'for (var i = 0; i < 1500; i++) console.log("line " + i);', permissions: [] });
    await eventually(() => t.core.supervisor.logs('chatty').some((l) => l.text === 'line 1499'), 'last line');
    const lines = t.core.supervisor.logs('chatty');
    expect(lines).toHaveLength(1000);
    expect(lines.filter((l) => l.source === 'plugin').at(-1)).toMatchObject({ level: 'info', text: 'line 1499' });
    expect(lines.some((l) => l.text === 'line 0')).toBe(false);
    expect(streamed).toContain('line 0');
    expect(streamed).toContain('line 1499');
  });

  it('enabled plugins start when the app starts, disabled ones do not', async () => {
    const t = begin();
    await t.install({ id: 'on', source: '', permissions: [] });
    await t.install({ id: 'off', source: '', permissions: [], enabled: false });
    await t.services.close();
    const reopened = startServices({ dataDir: t.dataDir, appVersion: '0.1.0', native: t.native, pluginTiming: FAST_TIMING, agentHome: t.dataDir });
    try {
      const supervisor = reopened.core().supervisor;
      await eventually(() => supervisor.isRunning('on'), 'on running after restart');
      expect(supervisor.list().map((p) => [p.id, p.state])).toEqual([
        ['off', 'disabled'],
        ['on', 'running'],
      ]);
    } finally {
      await reopened.close();
    }
  });

  it('closing the app stops every plugin process', async () => {
    const t = begin();
    await t.install({ id: 'one', source: '', permissions: [] });
    await t.install({ id: 'two', source: '', permissions: [] });
    const pids = [t.core.supervisor.processId('one')!, t.core.supervisor.processId('two')!];
    await t.services.close();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });
});
