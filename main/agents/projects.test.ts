import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { agentHandlers } from './service.ts';
import { SessionStore } from './store.ts';
import { agentKit, gitRepo, type AgentKit } from './test-kit.ts';

const START = Date.parse('2026-11-30T09:00:00Z');
let counter = 0;

/** A Claude Code transcript of one prompt and reply, run in `cwd`; returns its session id. */
function transcript(kit: AgentKit, cwd: string, prompt: string, extra: Record<string, unknown>[] = []): { id: string; file: string } {
  counter += 1;
  const id = `aaaa${String(counter).padStart(4, '0')}-2222-4333-8444-555566667777`;
  const folder = join(kit.dir, 'home', '.claude', 'projects', cwd.replaceAll('/', '-'));
  mkdirSync(folder, { recursive: true });
  const bodies = [{ type: 'user', message: { role: 'user', content: prompt } }, { type: 'assistant', message: { id: `msg_${counter}`, role: 'assistant', model: 'claude-sonnet-4-5', content: [{ type: 'text', text: 'Done.' }] } }, ...extra];
  const file = join(folder, `${id}.jsonl`);
  writeFileSync(
    file,
    bodies.map((b, n) => JSON.stringify({ parentUuid: null, isSidechain: false, sessionId: id, cwd, uuid: `${id.slice(0, 8)}-0000-4000-8000-${String(n).padStart(12, '0')}`, timestamp: new Date(START + n * 1000).toISOString(), ...b })).join('\n') + '\n',
  );
  return { id, file };
}

/** Reads the transcripts and lets discovery finish, as the app does after a scan. */
async function scan(kit: AgentKit): Promise<void> {
  kit.agents.sources.scan();
  await kit.agents.discovery.run();
}

function projectNamed(kit: AgentKit, name: string) {
  const project = kit.agents.listProjects().find((p) => p.name === name);
  if (!project) throw new Error(`no project ${name} in ${kit.agents.listProjects().map((p) => p.name).join(', ')}`);
  return project;
}

const titles = (kit: AgentKit, filter: Parameters<AgentKit['agents']['store']['listSessions']>[0] = {}) => kit.agents.store.listSessions(filter).map((s) => s.title).sort();

/** A kit with real folders: a repository `shop` and its worktree beside it. */
function kitWithRepo() {
  const kit = agentKit();
  const code = realpathSync(mkdtempSync(join(tmpdir(), 'sb-code-')));
  return { kit, code, ...gitRepo(code, 'shop') };
}

describe('projects found in the transcripts', () => {
  it('groups sessions by repository root: subfolders, worktrees (even deleted ones) and folders that no longer exist', async () => {
    const { kit, code, repo, worktree } = kitWithRepo();
    const notes = join(code, 'notes');
    mkdirSync(notes);
    transcript(kit, repo, 'In the repository');
    transcript(kit, join(repo, 'src'), 'In a subfolder');
    transcript(kit, worktree, 'In a worktree beside it');
    transcript(kit, join(repo, '.claude', 'worktrees', 'gone'), 'In a deleted worktree');
    transcript(kit, notes, 'Not a repository');
    transcript(kit, '/home/someone-else/laptop/api', 'On another computer');

    kit.agents.sources.scan();
    // Nothing is resolved on the import's path.
    expect(kit.agents.listProjects()).toEqual([]);
    await kit.agents.discovery.run();

    const projects = kit.agents.listProjects();
    expect(projects.map((p) => [p.name, p.path, p.sessionCount, p.discovered, p.hidden])).toEqual([
      ['api', '/home/someone-else/laptop/api', 1, true, false],
      ['notes', notes, 1, true, false],
      ['shop', repo, 4, true, false],
    ]);
    expect(titles(kit, { projectId: projectNamed(kit, 'shop').id })).toEqual(['In a deleted worktree', 'In a subfolder', 'In a worktree beside it', 'In the repository']);
    expect(kit.emitted.filter((e) => e.name === 'projects.changed').at(-1)?.payload).toEqual({ projects });
  });

  it('remembers each folder’s root: a worktree removed later still belongs to its repository', async () => {
    const { kit, repo, worktree } = kitWithRepo();
    transcript(kit, worktree, 'First in the worktree');
    await scan(kit);
    const shop = projectNamed(kit, 'shop');
    rmSync(worktree, { recursive: true });
    transcript(kit, worktree, 'Second in the worktree');
    await scan(kit);
    expect(kit.agents.listProjects().map((p) => p.path)).toEqual([repo]);
    expect(titles(kit, { projectId: shop.id })).toEqual(['First in the worktree', 'Second in the worktree']);
  });

  it('leaves sessions of a project the user added where they are, and finds the rest again when it is removed', async () => {
    const { kit, repo } = kitWithRepo();
    transcript(kit, join(repo, 'src'), 'Added by hand');
    const added = kit.agents.addProject(repo, 'My shop');
    await scan(kit);
    expect(kit.agents.listProjects().map((p) => [p.name, p.discovered, p.sessionCount])).toEqual([['My shop', false, 1]]);

    kit.agents.removeProject(added.id);
    await kit.agents.discovery.run();
    expect(kit.agents.listProjects().map((p) => [p.name, p.discovered, p.sessionCount])).toEqual([['shop', true, 1]]);
  });
});

describe('adding a folder that was found already', () => {
  it('makes the discovered project the user’s own, under their name, shown again', async () => {
    const { kit, repo } = kitWithRepo();
    transcript(kit, repo, 'Work');
    await scan(kit);
    const found = projectNamed(kit, 'shop');
    kit.agents.setProjectHidden(found.id, true);
    const added = kit.agents.addProject(repo, 'My shop');
    expect(added).toMatchObject({ id: found.id, name: 'My shop', discovered: false, hidden: false, sessionCount: 1 });
    expect(kit.agents.listProjects()).toHaveLength(1);
    expect(() => kit.agents.addProject(repo)).toThrow(`${repo} is already a project.`);
  });
});

describe('renaming, merging and hiding projects', () => {
  it('renames a project; an empty, too long or unknown one changes nothing', async () => {
    const { kit, repo } = kitWithRepo();
    transcript(kit, repo, 'Work');
    await scan(kit);
    const shop = projectNamed(kit, 'shop');
    expect(kit.agents.renameProject(shop.id, '  Shop front  ').name).toBe('Shop front');

    expect(() => kit.agents.renameProject(shop.id, '   ')).toThrow(expect.objectContaining({ code: 'invalid_argument', message: 'A project needs a name.', fields: { name: 'A project needs a name.' } }));
    expect(() => kit.agents.renameProject(shop.id, 'x'.repeat(121))).toThrow(expect.objectContaining({ fields: { name: 'At most 120 characters' } }));
    expect(() => kit.agents.renameProject('no-such-project', 'Other')).toThrow(expect.objectContaining({ code: 'not_found', message: 'That project no longer exists.' }));
    expect(kit.agents.listProjects().map((p) => p.name)).toEqual(['Shop front']);
    // A scan keeps the user's name.
    await scan(kit);
    expect(kit.agents.store.getSession(kit.agents.store.listSessions()[0]!.id)!.projectName).toBe('Shop front');
  });

  it('merges a project into another: its folders become the target’s, its sessions and later ones go there, it does not come back', async () => {
    const { kit, code, repo } = kitWithRepo();
    const old = join(code, 'shop-old');
    mkdirSync(old);
    transcript(kit, repo, 'In the repository');
    transcript(kit, old, 'In the old copy');
    await scan(kit);
    const shop = projectNamed(kit, 'shop');
    const copy = projectNamed(kit, 'shop-old');
    // The sessions ended (quiet since November) before they had a project; their history follows them.
    expect(kit.metrics.history(copy.id)).toHaveLength(1);

    const merged = kit.agents.mergeProjects(copy.id, shop.id);
    expect(merged).toMatchObject({ id: shop.id, aliases: [old], sessionCount: 2 });
    expect(kit.agents.listProjects().map((p) => p.name)).toEqual(['shop']);
    expect(kit.metrics.history(shop.id).map((r) => r.sessionId).sort()).toEqual(kit.agents.store.listSessions({ projectId: shop.id }).map((s) => s.id).sort());
    expect(kit.metrics.history(copy.id)).toEqual([]);

    transcript(kit, join(old, 'lib'), 'Later in the old copy');
    await scan(kit);
    expect(kit.agents.listProjects().map((p) => [p.name, p.sessionCount])).toEqual([['shop', 3]]);
    expect(() => kit.agents.addProject(old)).toThrow(`${old} is already part of the project shop.`);
  });

  it('refuses to merge a project into itself or with one that does not exist, changing nothing', async () => {
    const { kit, repo } = kitWithRepo();
    transcript(kit, repo, 'Work');
    await scan(kit);
    const shop = projectNamed(kit, 'shop');
    const before = kit.agents.listProjects();
    expect(() => kit.agents.mergeProjects(shop.id, shop.id)).toThrow(expect.objectContaining({ code: 'invalid_argument', message: 'A project cannot be merged into itself. Choose another project.' }));
    expect(() => kit.agents.mergeProjects('gone', shop.id)).toThrow(expect.objectContaining({ code: 'not_found', message: 'The project to merge no longer exists.' }));
    expect(() => kit.agents.mergeProjects(shop.id, 'gone')).toThrow(expect.objectContaining({ code: 'not_found', message: 'The project to merge shop into no longer exists.' }));
    expect(kit.agents.listProjects()).toEqual(before);
  });

  it('hides a project and its sessions from the default list, shows them on request, and unhides; a discovered one is hidden, not removed', async () => {
    const { kit, code, repo } = kitWithRepo();
    const notes = join(code, 'notes');
    mkdirSync(notes);
    transcript(kit, repo, 'Shop work');
    transcript(kit, notes, 'Notes work');
    await scan(kit);
    const shop = projectNamed(kit, 'shop');

    expect(() => kit.agents.removeProject(shop.id)).toThrow('shop was found in your transcripts and would come back: hide it instead.');
    expect(kit.agents.setProjectHidden(shop.id, true).hidden).toBe(true);
    expect(titles(kit)).toEqual(['Notes work']);
    expect(kit.metrics.live(kit.agents.store, undefined).projects.map((p) => p.name)).toEqual(['notes']);
    expect(kit.agents.store.listSessions({ includeHidden: true }).map((s) => [s.title, s.hidden]).sort()).toEqual([['Notes work', false], ['Shop work', true]]);
    await scan(kit);
    expect(kit.agents.listProjects().map((p) => [p.name, p.hidden])).toEqual([['notes', false], ['shop', true]]);

    kit.agents.setProjectHidden(shop.id, false);
    expect(titles(kit)).toEqual(['Notes work', 'Shop work']);
    expect(() => kit.agents.setProjectHidden('gone', true)).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('answers the same through the IPC handlers', async () => {
    const { kit, repo } = kitWithRepo();
    transcript(kit, repo, 'Work');
    await scan(kit);
    const handlers = agentHandlers(() => ({ agents: kit.agents, search: kit.search, metrics: kit.metrics }));
    const shop = projectNamed(kit, 'shop');
    expect(await handlers['projects.rename']({ id: shop.id, name: 'Shop' })).toMatchObject({ name: 'Shop' });
    expect(await handlers['projects.setHidden']({ id: shop.id, hidden: true })).toMatchObject({ hidden: true });
    expect((await handlers['sessions.list']({})).sessions).toEqual([]);
    expect((await handlers['sessions.list']({ includeHidden: true })).sessions).toHaveLength(1);
  });
});

describe('renaming and hiding sessions', () => {
  it('keeps the user’s title over the transcript’s, through a re-import, and goes back to it when emptied; the transcript is not touched', async () => {
    const { kit, repo } = kitWithRepo();
    const { id, file } = transcript(kit, repo, 'Fix the login');
    await scan(kit);
    const written = readFileSync(file, 'utf8');
    expect(kit.agents.store.getSession(id)!.title).toBe('Fix the login');

    expect(kit.agents.renameSession(id, '  Login, for real  ')).toMatchObject({ title: 'Login, for real', renamed: true });
    expect(kit.emitted.at(-1)).toMatchObject({ name: 'sessions.changed', payload: { id, title: 'Login, for real' } });
    const summary = JSON.stringify({ type: 'summary', summary: 'Login fix', leafUuid: `${id.slice(0, 8)}-0000-4000-8000-000000000001` }) + '\n';
    writeFileSync(file, written + summary);
    await scan(kit);
    expect(kit.agents.store.getSession(id)!.title).toBe('Login, for real');

    expect(kit.agents.renameSession(id, '   ')).toMatchObject({ title: 'Login fix', renamed: false });
    expect(readFileSync(file, 'utf8')).toBe(written + summary);
  });

  it('refuses a title too long or an unknown session, changing nothing', async () => {
    const { kit, repo } = kitWithRepo();
    const { id } = transcript(kit, repo, 'Fix the login');
    await scan(kit);
    expect(() => kit.agents.renameSession(id, 'x'.repeat(201))).toThrow(expect.objectContaining({ code: 'invalid_argument', fields: { title: 'At most 200 characters' } }));
    expect(() => kit.agents.renameSession('gone', 'Other')).toThrow(expect.objectContaining({ code: 'not_found', message: 'That session is not in the database any more.' }));
    expect(() => kit.agents.setSessionHidden('gone', true)).toThrow(expect.objectContaining({ code: 'not_found' }));
    expect(kit.agents.store.getSession(id)).toMatchObject({ title: 'Fix the login', renamed: false, hidden: false });
  });

  it('hides a session from the default list and shows it again', async () => {
    const { kit, repo } = kitWithRepo();
    const { id } = transcript(kit, repo, 'Hide me');
    transcript(kit, repo, 'Keep me');
    await scan(kit);
    const shop = projectNamed(kit, 'shop');
    expect(kit.agents.setSessionHidden(id, true)).toMatchObject({ hidden: true });
    expect(titles(kit)).toEqual(['Keep me']);
    expect(titles(kit, { projectId: shop.id })).toEqual(['Keep me']);
    expect(titles(kit, { includeHidden: true })).toEqual(['Hide me', 'Keep me']);
    kit.agents.setSessionHidden(id, false);
    expect(titles(kit)).toEqual(['Hide me', 'Keep me']);
  });
});

describe('upgrading to discovered projects', () => {
  it('keeps every project and session as it was, none hidden, none renamed', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'sb-upgrade-')), 'app.db');
    const before = openDatabase(file, MIGRATIONS.filter((m) => m.id !== 'agents/discovered-projects'));
    before.prepare("INSERT INTO projects (id, name, path, created_at) VALUES ('p1', 'Shop', '/home/dev/shop', '2026-01-01T00:00:00Z')").run();
    before
      .prepare("INSERT INTO sessions (id, project_id, provider, origin, title, status, started_at, last_activity_at, cwd) VALUES ('s1', 'p1', 'claude', 'transcript', 'Old work', 'success', '2026-01-01T00:00:00Z', '2026-01-01T00:01:00Z', '/home/dev/shop')")
      .run();
    before.close();

    const db = openDatabase(file, MIGRATIONS);
    const upgraded = new SessionStore(db);
    expect(upgraded.listProjects()).toMatchObject([{ id: 'p1', name: 'Shop', path: '/home/dev/shop', aliases: [], discovered: false, hidden: false, sessionCount: 1 }]);
    expect(upgraded.getSession('s1')).toMatchObject({ title: 'Old work', renamed: false, hidden: false, projectId: 'p1' });
    db.close();
  });
});
