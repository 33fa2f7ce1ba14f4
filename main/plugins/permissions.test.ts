import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PERMISSIONS, type Permission } from '../../app/permissions.ts';
import { probe, startPluginTest, type PluginTest } from './testing/harness.ts';

/**
 * Every API method, the permission it needs, and a call that exercises it.
 * `reached`: with the grant, the call gets past the gate and its capability
 * answers this (a refusal of its own, such as an unlisted host); otherwise "ok".
 */
const MATRIX: { method: string; permission: Permission | null; call: string; reached?: string }[] = [
  { method: 'palette.registerCommand', permission: 'palette', call: 'agor.palette.registerCommand("Matrix", () => 1)' },
  { method: 'bt.registerCommand', permission: 'palette', call: 'bt.registerCommand("Matrix bt", () => 1)' },
  { method: 'events.on', permission: 'events', call: 'agor.events.on("session.start", () => 1)' },
  { method: 'events.emit', permission: 'events', call: 'agor.events.emit("matrix.event", { n: 1 })' },
  { method: 'notifications.send', permission: 'notifications', call: 'agor.notifications.send("Matrix", "hello")' },
  { method: 'bt.notify', permission: 'notifications', call: 'bt.notify("hello from bt")' },
  { method: 'messages.onMessage', permission: 'messages', call: 'agor.messages.onMessage(() => 1)' },
  { method: 'tasks.list', permission: 'tasks', call: 'agor.tasks.list()' },
  { method: 'tasks.create', permission: 'tasks', call: 'agor.tasks.create("Matrix task", "made by the matrix")' },
  { method: 'tasks.updateStatus', permission: 'tasks', call: 'agor.tasks.updateStatus(1, "done")' },
  { method: 'settings.get', permission: 'settings', call: 'agor.settings.get("mode")' },
  { method: 'settings.set', permission: 'settings', call: 'agor.settings.set("mode", "fast")' },
  { method: 'bt.getSetting', permission: 'settings', call: 'bt.getSetting("mode")' },
  { method: 'settings.onChange', permission: 'settings', call: 'agor.settings.onChange(() => 1)' },
  { method: 'ui.setPanel', permission: 'panels', call: 'agor.ui.setPanel({ type: "markdown", markdown: "# Hi" })' },
  { method: 'hooks.register', permission: 'hooks', call: 'agor.hooks.register("pre_flight", () => undefined)' },
  { method: 'storage.set', permission: null, call: 'agor.storage.set("k", 1)' },
  { method: 'storage.get', permission: null, call: 'agor.storage.get("k")' },
  { method: 'storage.keys', permission: null, call: 'agor.storage.keys()' },
  { method: 'storage.delete', permission: null, call: 'agor.storage.delete("k")' },
  { method: 'ui.setStatus', permission: 'status', call: 'agor.ui.setStatus("12k tokens", { tooltip: "Matrix" })' },
  { method: 'net.fetch', permission: 'network', call: 'agor.net.fetch("https://example.invalid/")', reached: 'example.invalid is not among the hosts this plugin may reach (none)' },
  { method: 'files.append', permission: 'files', call: 'agor.files.append("matrix.txt", "line\\n")' },
  { method: 'files.read', permission: 'files', call: 'agor.files.read("matrix.txt")' },
  { method: 'files.list', permission: 'files', call: 'agor.files.list()' },
  { method: 'files.remove', permission: 'files', call: 'agor.files.remove("matrix.txt")' },
  { method: 'files.saveCopy', permission: 'files', call: 'agor.files.saveCopy({ names: ["matrix.txt"], suggestedName: "m.txt" })', reached: 'There is no file "matrix.txt" in the plugin\'s data folder' },
  { method: 'files.save', permission: 'files', call: 'agor.files.save({ suggestedName: "m.txt", content: "x" })', reached: 'Saving files is not available in this window' },
  { method: 'git.log', permission: 'git', call: 'agor.git.log({ projectId: "nope" })', reached: 'There is no project nope; plugins read only the projects added in Switchboard' },
  { method: 'git.status', permission: 'git', call: 'agor.git.status({ projectId: "nope" })', reached: 'There is no project nope; plugins read only the projects added in Switchboard' },
  { method: 'git.branch', permission: 'git', call: 'agor.git.branch({ projectId: "nope" })', reached: 'There is no project nope; plugins read only the projects added in Switchboard' },
  { method: 'git.diff', permission: 'git', call: 'agor.git.diff({ projectId: "nope", path: "a.js" })', reached: 'There is no project nope; plugins read only the projects added in Switchboard' },
  { method: 'projects.list', permission: null, call: 'agor.projects.list()' },
  { method: 'sessions.list', permission: 'sessions', call: 'agor.sessions.list({ limit: 5 })' },
  { method: 'sessions.get', permission: 'sessions', call: 'agor.sessions.get("nope")' },
  { method: 'sessions.messages', permission: 'sessions', call: 'agor.sessions.messages("nope", { limit: 5 })', reached: 'There is no session nope' },
  { method: 'sessions.current', permission: 'sessions', call: 'agor.sessions.current()' },
  { method: 'audit.query', permission: 'audit', call: 'agor.audit.query({ limit: 5 })' },
  { method: 'agents.run', permission: 'agents', call: 'agor.agents.run({ projectId: "nope", prompt: "hi" })', reached: 'There is no project nope' },
];

/** Runs every call in order (tasks.create before tasks.updateStatus) and reports "ok" or the error of each. */
const BODY = `const results = {};
${MATRIX.map((m) => `try { await ${m.call}; results[${JSON.stringify(m.method)}] = 'ok'; } catch (e) { results[${JSON.stringify(m.method)}] = e.message; }`).join('\n')}
return results;`;

let t: PluginTest;
let denied: Record<string, string>;
let granted: Record<string, string>;

beforeAll(async () => {
  t = startPluginTest();
  const none = await probe(t, 'no-grants', BODY, []);
  const all = await probe(t, 'all-grants', BODY, [...PERMISSIONS], { keepRunning: true });
  denied = (none as { value: Record<string, string> }).value;
  granted = (all as { value: Record<string, string> }).value;
}, 60_000);
afterAll(async () => {
  await t.close();
});

describe('the permission matrix', () => {
  for (const { method, permission } of MATRIX) {
    if (permission) {
      it(`${method} without '${permission}' is denied, logged and audited`, () => {
        const message = `Permission '${permission}' not granted to no-grants`;
        expect(denied[method]).toBe(message);
        expect(t.logText('no-grants')).toContain(message);
        const rows = t.audit('permission_denied').filter((r) => r.actor === 'plugin:no-grants' && r.subject === permission);
        expect(rows.length).toBeGreaterThan(0);
      });
    }
  }
  for (const { method, permission, reached } of MATRIX) {
    it(`${method} with ${permission ? `'${permission}'` : 'no permission needed'} ${reached ? 'reaches its capability' : 'works'}`, () => {
      expect(granted[method]).toBe(reached ?? 'ok');
      if (!permission) expect(denied[method]).toBe('ok');
    });
  }

  it('what the granted calls did is visible to the user', () => {
    const summary = t.core.supervisor.list().find((p) => p.id === 'all-grants')!;
    expect(summary.commands.map((c) => c.label)).toEqual(['Matrix', 'Matrix bt']);
    expect(t.core.notifications.list().items.map((n) => n.message)).toEqual(expect.arrayContaining(['hello', 'hello from bt']));
    expect(t.core.tasks.list().find((task) => task.title === 'Matrix task')).toMatchObject({ status: 'done', createdBy: 'plugin:all-grants' });
    expect(t.core.supervisor.get('all-grants').panel).toEqual({ type: 'markdown', markdown: '# Hi' });
    expect(t.core.supervisor.get('all-grants').settings).toEqual({});
    expect(t.audit('task_created').some((r) => r.actor === 'plugin:all-grants')).toBe(true);
  });

  it('the denied plugin changed nothing', () => {
    expect(t.core.supervisor.get('no-grants').panel).toBeNull();
    expect(t.core.tasks.list().filter((task) => task.createdBy === 'plugin:no-grants')).toEqual([]);
    expect(t.core.notifications.list().items.filter((n) => n.source === 'plugin:no-grants')).toEqual([]);
  });

  it("emit('notification') shows a toast only for a plugin that also holds notifications", async () => {
    const eventsOnly = await probe(t, 'events-only', 'await agor.events.emit("notification", { type: "success", message: "from events-only" }); return "sent"', ['events']);
    expect(eventsOnly).toEqual({ ok: false, error: "Permission 'notifications' not granted to events-only" });
    const both = await probe(t, 'events-and-toasts', 'await agor.events.emit("notification", { type: "success", message: "from both" }); return "sent"', ['events', 'notifications']);
    expect(both).toEqual({ ok: true, value: 'sent' });
    const toasts = t.core.notifications.list().items;
    expect(toasts.find((n) => n.message === 'from both')).toMatchObject({ type: 'success', title: 'events-and-toasts plugin', source: 'plugin:events-and-toasts' });
    expect(toasts.some((n) => n.message === 'from events-only')).toBe(false);
  });

  it('a grant removed while the plugin runs is enforced at once', async () => {
    const row = t.core.plugins.get('all-grants')!;
    expect(t.core.supervisor.palette().some((c) => c.pluginId === 'all-grants')).toBe(true);
    t.core.plugins.put({ ...row, grants: row.grants.filter((g) => g !== 'palette') });
    expect(t.core.supervisor.isRunning('all-grants')).toBe(true);
    expect(t.core.supervisor.palette().some((c) => c.pluginId === 'all-grants')).toBe(false);
    await expect(t.core.supervisor.runCommand('all-grants::1', undefined)).rejects.toThrow("Permission 'palette' not granted to all-grants");
  });
});
