import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_AGENT } from '../agents/test-kit.ts';
import { TestHttpsServer } from '../marketplace/testing/https-server.ts';
import type { ResolveHost } from '../net/plugin-fetch.ts';
import { eventually, probe, startPluginTest, type PluginTest } from './testing/harness.ts';

/** The stand-in save dialog: each save takes the next answer (a path, or null for Cancel). */
const answers: (string | null)[] = [];
const asked: { pluginName: string; suggestedName: string }[] = [];
const resolveHost: ResolveHost = async (host) => {
  if (host === 'rebind.example.com') return [{ address: '127.0.0.1', family: 4 }];
  throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
};

let t: PluginTest;
let server: TestHttpsServer;
const git = (cwd: string, ...args: string[]) =>
  execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com', GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' } });

beforeAll(async () => {
  server = await TestHttpsServer.start();
  server.handle('/hook', (req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ received: JSON.parse(body) })));
  });
  t = startPluginTest({
    services: {
      extraCa: [server.certificates.ca],
      resolveHost,
      saveDialog: async (request) => {
        asked.push({ pluginName: request.pluginName, suggestedName: request.suggestedName });
        return answers.shift() ?? null;
      },
    },
  });
});

afterAll(async () => {
  await t.close();
  await server.close();
});

/** The question a plugin is waiting on, once main has put it to the user. */
async function question(kind: string): Promise<{ requestId: string; kind: string } & Record<string, unknown>> {
  const until = Date.now() + 15_000;
  for (;;) {
    const reply = (await t.services.dispatch('plugins.consents', {})) as { ok: true; value: { pending: ({ requestId: string; kind: string } & Record<string, unknown>)[] } };
    const open = reply.value.pending.find((p) => p.kind === kind);
    if (open) return open;
    if (Date.now() > until) throw new Error(`Gave up waiting for a ${kind} question`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const value = (r: Awaited<ReturnType<typeof probe>>) => {
  if (!r.ok) throw new Error(r.error);
  return r.value;
};

describe('agor.net.fetch from a plugin process', () => {
  it('reaches a listed host through main, and is refused an unlisted one or a name that leads to this computer', async () => {
    const body = `
      const ok = await agor.net.fetch(${JSON.stringify(server.url('/hook'))}, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'cost alert' }) });
      const refusals = [];
      for (const url of ['https://hooks.slack.com/services/x', 'https://rebind.example.com:${new URL(server.origin).port}/hook', 'http://127.0.0.1/']) {
        try { await agor.net.fetch(url); refusals.push('sent'); } catch (e) { refusals.push(e.message); }
      }
      return { status: ok.status, body: JSON.parse(ok.body), refusals };`;
    const result = value(await probe(t, 'net-user', body, ['network'], { manifest: { network: { hosts: ['127.0.0.1', 'rebind.example.com'] } } })) as {
      status: number;
      body: unknown;
      refusals: string[];
    };
    expect(result.status).toBe(200);
    expect(result.body).toEqual({ received: { text: 'cost alert' } });
    expect(result.refusals).toEqual([
      'hooks.slack.com is not among the hosts this plugin may reach (127.0.0.1, rebind.example.com)',
      'rebind.example.com leads to 127.0.0.1, an address of this computer; a plugin reaches such an address only if it lists the address itself',
      'Only https:// addresses can be reached (http://127.0.0.1 was refused)',
    ]);
    expect(server.requestsFor('/hook')).toHaveLength(1);
  });
});

describe('agor.files from a plugin process', () => {
  it('saves where the user chose, returns null when they cancel, and keeps its own files by plain name', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sb-saves-'));
    answers.push(join(folder, 'tasks.md'), null);
    const body = `
      const saved = await agor.files.save({ suggestedName: 'tasks.md', content: '# Tasks\\n- one\\n', mimeType: 'text/markdown' });
      const cancelled = await agor.files.save({ suggestedName: 'again.md', content: 'x' });
      await agor.files.append('log.jsonl', '{"n":1}\\n');
      await agor.files.append('log.jsonl', '{"n":2}\\n');
      let climbed;
      try { await agor.files.append('../escape.txt', 'x'); climbed = 'written'; } catch (e) { climbed = e.message; }
      return { saved, cancelled, read: await agor.files.read('log.jsonl'), list: (await agor.files.list()).map((f) => f.name), climbed };`;
    const result = value(await probe(t, 'file-user', body, ['files'])) as Record<string, unknown>;
    expect(result).toEqual({
      saved: 'tasks.md',
      cancelled: null,
      read: '{"n":1}\n{"n":2}\n',
      list: ['log.jsonl'],
      climbed: '"../escape.txt" names a folder; plugins keep plain file names in their data folder',
    });
    expect(readFileSync(join(folder, 'tasks.md'), 'utf8')).toBe('# Tasks\n- one\n');
    expect(readdirSync(folder)).toEqual(['tasks.md']);
    expect(asked.slice(-2)).toEqual([
      { pluginName: 'file-user plugin', suggestedName: 'tasks.md' },
      { pluginName: 'file-user plugin', suggestedName: 'again.md' },
    ]);
    expect(readFileSync(join(t.dataDir, 'plugin-data', 'file-user', 'log.jsonl'), 'utf8')).toBe('{"n":1}\n{"n":2}\n');
    expect(existsSync(join(t.dataDir, 'plugin-data', 'escape.txt'))).toBe(false);
    expect(t.audit('plugin_file_saved').map((r) => [r.actor, r.subject])).toEqual([['plugin:file-user', 'tasks.md']]);
  });
});

describe('agor.git, agor.sessions and agor.audit from a plugin process', () => {
  it('reads the log, status and diff of a project repository, with option-like names kept as data', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'sb-plugin-git-'));
    git(repo, 'init', '-q', '-b', 'main');
    writeFileSync(join(repo, '--output=pwned'), 'a\n');
    git(repo, 'add', '--', '--output=pwned');
    git(repo, 'commit', '-q', '-m', 'Add an oddly named file');
    writeFileSync(join(repo, '--output=pwned'), 'b\n');
    const project = t.core.agents.addProject(repo, 'Odd repo');
    const body = `
      const projectId = (await agor.projects.list()).find((p) => p.name === 'Odd repo').id;
      const log = await agor.git.log({ projectId, limit: 5 });
      const status = await agor.git.status({ projectId });
      const diff = await agor.git.diff({ projectId, path: '--output=pwned' });
      return { subjects: log.map((c) => c.subject), branch: status.branch, files: status.files, diffHasChange: diff.includes('+b') };`;
    const result = value(await probe(t, 'git-user', body, ['git']));
    expect(result).toEqual({ subjects: ['Add an oddly named file'], branch: 'main', files: [{ code: ' M', path: '--output=pwned' }], diffHasChange: true });
    expect(existsSync(join(repo, 'pwned'))).toBe(false);
    expect(project.name).toBe('Odd repo');
  });

  it('reads stored sessions and their messages, and the audit log after a row id', async () => {
    const at = new Date().toISOString();
    t.core.agents.pipeline.write((w) => {
      w.session({ id: 'stored-1', provider: 'claude', title: 'Fix the login bug', timestamp: at }, 'transcript');
      w.messages([
        { id: 'm1', sessionId: 'stored-1', provider: 'claude', timestamp: at, type: 'text', role: 'user', content: 'Fix the login bug', raw: '{}' },
        { id: 'm2', sessionId: 'stored-1', provider: 'claude', timestamp: at, type: 'text', role: 'assistant', content: 'Done: the token check was inverted.', raw: '{}' },
      ]);
    });
    const mark = t.core.audit.append('marker_for_plugins', 'user', 'before');
    t.core.audit.append('marker_for_plugins', 'user', 'after');
    const body = `
      const list = await agor.sessions.list({ limit: 10 });
      const one = await agor.sessions.get('stored-1');
      const page = await agor.sessions.messages('stored-1', { afterSeq: 0, limit: 10 });
      const rows = await agor.audit.query({ types: ['marker_for_plugins'], afterId: ${mark.id} });
      let badSince;
      try { await agor.audit.query({ since: 'yesterday' }); } catch (e) { badSince = e.message; }
      return { titles: list.map((s) => s.title), messages: one.messageCount, page: page.map((m) => m.content), rows: rows.map((r) => r.subject), badSince };`;
    const result = value(await probe(t, 'reader', body, ['sessions', 'audit']));
    expect(result).toEqual({
      titles: ['Fix the login bug'],
      messages: 2,
      page: ['Done: the token check was inverted.'],
      rows: ['after'],
      badSince: '"since" must be a date and time such as 2026-12-01T09:00:00Z, not "yesterday"',
    });
  });
});

describe('questions the user answers for a plugin', () => {
  it('asks before a plugin grants itself an optional permission, and a no rejects', async () => {
    const source = `
      agor.palette.registerCommand('Ask for git', async () => {
        try { await agor.permissions.request('git', 'to show your recent commits'); console.log('ASKED granted'); }
        catch (e) { console.log('ASKED ' + e.message); }
      });`;
    await t.install({ id: 'asker', source, permissions: ['palette'], manifest: { optionalPermissions: ['git'] } });
    const answer = async (allow: boolean) => {
      const running = t.core.supervisor.runCommand('asker::1', undefined);
      const q = await question('permission');
      expect(q).toMatchObject({ kind: 'permission', pluginId: 'asker', permission: 'git', reason: 'to show your recent commits', pluginName: 'asker plugin' });
      await t.services.dispatch('plugins.answerConsent', { requestId: q.requestId, allow });
      await running;
    };
    await answer(false);
    await eventually(() => t.logText('asker').includes("ASKED The user did not grant 'Read your repositories' (git) to asker plugin"), 'the refusal');
    expect(t.core.plugins.grants('asker')).toEqual(['palette']);
    await answer(true);
    await eventually(() => t.logText('asker').includes('ASKED granted'), 'the grant');
    expect(t.core.plugins.grants('asker')).toEqual(['git', 'palette']);
    expect(t.audit('permission_granted').find((r) => r.subject === 'asker')).toMatchObject({ actor: 'user', detail: { permission: 'git' } });
  });

  it("confirms a plugin's first agent run with the user, and remembers a yes", async () => {
    t.core.agents.updateConfig({ claudeBinary: FAKE_AGENT, watch: false });
    const folder = mkdtempSync(join(tmpdir(), 'sb-run-'));
    mkdirSync(folder, { recursive: true });
    const project = t.core.agents.addProject(folder, 'Runner project');
    const source = `
      agor.palette.registerCommand('Run', async () => {
        try { const r = await agor.agents.run({ projectId: ${JSON.stringify(project.id)}, prompt: 'Say hello' }); console.log('RUN started ' + typeof r.sessionId); }
        catch (e) { console.log('RUN ' + e.message); }
      });`;
    await t.install({ id: 'runner', source, permissions: ['palette', 'agents'] });
    const denied = t.core.supervisor.runCommand('runner::1', undefined);
    const first = await question('agent_run');
    expect(first).toMatchObject({ kind: 'agent_run', pluginId: 'runner', projectName: 'Runner project', prompt: 'Say hello' });
    // The user takes longer than a command may take: waiting for them is not the plugin hanging.
    await new Promise((r) => setTimeout(r, 2 * 1500));
    expect(t.core.supervisor.isRunning('runner')).toBe(true);
    await t.services.dispatch('plugins.answerConsent', { requestId: first.requestId, allow: false });
    await denied;
    await eventually(() => t.logText('runner').includes('RUN The user did not allow runner plugin to run an agent'), 'the refusal');
    expect(t.core.agents.store.listSessions({ projectId: project.id })).toEqual([]);

    const allowed = t.core.supervisor.runCommand('runner::1', undefined);
    const second = await question('agent_run');
    await t.services.dispatch('plugins.answerConsent', { requestId: second.requestId, allow: true });
    await allowed;
    await eventually(() => t.logText('runner').includes('RUN started string'), 'the run');
    await t.core.supervisor.runCommand('runner::1', undefined);
    await eventually(() => t.logText('runner').split('RUN started string').length === 3, 'a second run without a question');
    expect(t.core.agents.store.listSessions({ projectId: project.id })).toHaveLength(2);
    expect(t.audit('agent_run_refused').map((r) => r.subject)).toEqual(['runner']);
    expect(t.audit('agent_run_confirmed').map((r) => r.subject)).toEqual(['runner']);
  });
});

describe('permissions managed after install', () => {
  it('a revoke takes effect on the next call of a running plugin, and a grant brings it back', async () => {
    const source = `agor.palette.registerCommand('Count tasks', async () => { try { console.log('TASKS ' + (await agor.tasks.list()).length); } catch (e) { console.log('TASKS ' + e.message); } });`;
    await t.install({ id: 'counter', source, permissions: ['palette', 'tasks'] });
    await t.core.supervisor.runCommand('counter::1', undefined);
    await eventually(() => /TASKS \d+/.test(t.logText('counter')), 'the count');
    t.core.supervisor.setPermission('counter', 'tasks', false);
    expect(t.core.supervisor.isRunning('counter')).toBe(true);
    await t.core.supervisor.runCommand('counter::1', undefined);
    await eventually(() => t.logText('counter').includes("TASKS Permission 'tasks' not granted to counter"), 'the denial');
    expect(t.audit('permission_revoked').find((r) => r.subject === 'counter')).toMatchObject({ actor: 'user', detail: { permission: 'tasks' } });
    t.core.supervisor.setPermission('counter', 'tasks', true);
    expect(t.core.plugins.grants('counter')).toEqual(['palette', 'tasks']);
    expect(() => t.core.supervisor.setPermission('counter', 'network', true)).toThrow("counter plugin does not ask for 'network', so it cannot be granted.");
  });

  it('a folder dropped into plugins/ runs only after its exact permissions are approved', async () => {
    t.write({ id: 'dropped', source: 'agor.ui.setStatus("dropped in");', permissions: ['status'] });
    const listed = t.core.supervisor.list().find((p) => p.id === 'dropped')!;
    expect(listed).toMatchObject({ sideloaded: true, enabled: false, grants: [] });
    await expect(t.core.supervisor.setEnabled('dropped', true)).rejects.toThrow('dropped plugin was sideloaded. Review and approve its permissions to enable it.');
    await expect(t.core.supervisor.approveSideload('dropped', [])).rejects.toThrow('dropped plugin asks for status; approve exactly those to enable it.');
    expect(t.core.supervisor.isRunning('dropped')).toBe(false);
    const shown: string[][] = [];
    const unsubscribe = t.services.events.subscribe((name, payload) => {
      if (name === 'plugins.status') shown.push((payload as { items: { text: string }[] }).items.map((i) => i.text));
    });
    const approved = await t.core.supervisor.approveSideload('dropped', ['status']);
    expect(approved).toMatchObject({ state: 'running', grants: ['status'], sideloaded: true });
    await eventually(() => t.core.supervisor.statusItems().find((s) => s.pluginId === 'dropped'), 'its status item');
    expect(t.core.supervisor.statusItems().find((s) => s.pluginId === 'dropped')).toEqual({ pluginId: 'dropped', pluginName: 'dropped plugin', text: 'dropped in', tooltip: null });
    // Set while it was still starting, the item reaches the window once the plugin runs.
    expect(shown.at(-1)).toContain('dropped in');
    unsubscribe();
    t.core.supervisor.setPermission('dropped', 'status', false);
    expect(t.core.supervisor.statusItems().find((s) => s.pluginId === 'dropped')).toBeUndefined();
  });
});

describe('interactive panels', () => {
  it("sends a submitted form's values to the plugin's handler, and a handler's error back to the form", async () => {
    const source = `
      const draw = (note) => agor.ui.setPanel({ type: 'blocks', blocks: [
        { type: 'markdown', markdown: note ? 'Saved: ' + note : 'No note yet' },
        { type: 'form', id: 'note', fields: [{ key: 'text', type: 'textarea', label: 'Note' }], submitLabel: 'Save' },
      ] });
      agor.ui.onAction('note', async (values) => {
        if (!values.text) throw new Error('Write something first');
        await agor.storage.set('note', values.text);
        await draw(values.text);
      });
      draw(null);`;
    await t.install({ id: 'notes-panel', source, permissions: ['panels'] });
    await eventually(() => t.core.supervisor.get('notes-panel').panel, 'the panel');
    expect(await t.core.supervisor.panelAction('notes-panel', 'note', null, { text: '' })).toEqual({ ok: false, error: 'Write something first' });
    expect(await t.core.supervisor.panelAction('notes-panel', 'note', null, { text: 'Ship on Friday' })).toEqual({ ok: true });
    const panel = t.core.supervisor.get('notes-panel').panel as { blocks: { markdown?: string }[] };
    expect(panel.blocks[0]!.markdown).toBe('Saved: Ship on Friday');
    expect(await t.core.supervisor.panelAction('notes-panel', 'other', null, {})).toEqual({ ok: false, error: 'Nothing handles "other" on this panel' });
  });
});
