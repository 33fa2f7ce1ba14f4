import { randomUUID } from 'node:crypto';
import { basename, resolve, sep } from 'node:path';
import type { ProjectInfo, ToolPermissionSettings } from '../../app/contract/agents.ts';
import type { Statement } from 'better-sqlite3';
import type { Db } from '../db/database.ts';
import { preparedOnce } from '../db/statements.ts';

/** The same path, written the same way, with no trailing separator. */
export function canonicalPath(path: string): string {
  const full = resolve(path);
  return full.length > 1 && full.endsWith(sep) ? full.slice(0, -1) : full;
}

function contains(folder: string, path: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : folder + sep);
}

/**
 * Projects: the folders the user added and those discovered by repository root, the paths merged
 * into them, and which project each session's working folder belongs to.
 */
export class ProjectStore {
  readonly #db: Db;
  /** Prepared once, reused: preparing is far dearer than running. */
  readonly #q: (sql: string) => Statement;

  constructor(db: Db) {
    this.#db = db;
    this.#q = preparedOnce(db);
  }

  listProjects(): ProjectInfo[] {
    const rows = this.#db
      .prepare(
        `SELECT p.id, p.name, p.path, p.created_at, p.permissions, p.discovered, p.hidden,
           (SELECT count(*) FROM sessions s WHERE s.project_id = p.id AND s.parent_session_id IS NULL) AS session_count,
           (SELECT count(*) FROM sessions s WHERE s.project_id = p.id AND s.parent_session_id IS NULL AND s.status = 'running') AS live_count,
           (SELECT json_group_array(a.path) FROM (SELECT path FROM project_aliases WHERE project_id = p.id ORDER BY path) a) AS aliases
         FROM projects p ORDER BY p.name COLLATE NOCASE, p.path`,
      )
      .all() as {
      id: string;
      name: string;
      path: string;
      created_at: string;
      permissions: string;
      discovered: number;
      hidden: number;
      session_count: number;
      live_count: number;
      aliases: string;
    }[];
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      path: r.path,
      aliases: JSON.parse(r.aliases) as string[],
      discovered: r.discovered === 1,
      hidden: r.hidden === 1,
      createdAt: r.created_at,
      sessionCount: r.session_count,
      liveCount: r.live_count,
      permissions: JSON.parse(r.permissions) as ToolPermissionSettings,
    }));
  }

  setProjectPermissions(id: string, permissions: ToolPermissionSettings): boolean {
    return this.#q('UPDATE projects SET permissions = ? WHERE id = ?').run(JSON.stringify(permissions), id).changes > 0;
  }

  getProject(id: string): ProjectInfo | undefined {
    return this.listProjects().find((p) => p.id === id);
  }

  /** Adds the folder as a project and claims the sessions that ran inside it. */
  addProject(path: string, name: string | undefined, now = new Date()): ProjectInfo {
    const folder = canonicalPath(path);
    const id = randomUUID();
    this.#db.transaction(() => {
      this.#q('INSERT INTO projects (id, name, path, created_at) VALUES (?, ?, ?, ?)').run(id, name?.trim() || basename(folder) || folder, folder, now.toISOString());
      this.reattachSessions();
    })();
    return this.getProject(id)!;
  }

  removeProject(id: string): boolean {
    return this.#db.transaction(() => {
      const removed = this.#q('DELETE FROM projects WHERE id = ?').run(id).changes > 0;
      if (removed) this.reattachSessions();
      return removed;
    })();
  }

  /** The project that has this folder as its own or as a path merged into it. */
  projectAt(path: string): { id: string; name: string; own: boolean; discovered: boolean } | undefined {
    const row = this.#q(
      `SELECT id, name, 1 AS own, discovered FROM projects WHERE path = @path
       UNION ALL SELECT p.id, p.name, 0, p.discovered FROM project_aliases a JOIN projects p ON p.id = a.project_id WHERE a.path = @path LIMIT 1`,
    ).get({ path: canonicalPath(path) }) as { id: string; name: string; own: number; discovered: number } | undefined;
    return row ? { id: row.id, name: row.name, own: row.own === 1, discovered: row.discovered === 1 } : undefined;
  }

  /** A discovered project the user adds becomes theirs: shown, removable, named as they say. */
  adoptProject(id: string, name: string | undefined): ProjectInfo {
    this.#q('UPDATE projects SET discovered = 0, hidden = 0, name = coalesce(?, name) WHERE id = ?').run(name?.trim() || null, id);
    return this.getProject(id)!;
  }

  renameProject(id: string, name: string): boolean {
    return this.#q('UPDATE projects SET name = ? WHERE id = ?').run(name, id).changes > 0;
  }

  setProjectHidden(id: string, hidden: boolean): boolean {
    return this.#q('UPDATE projects SET hidden = ? WHERE id = ?').run(hidden ? 1 : 0, id).changes > 0;
  }

  /**
   * `from`'s folder and the paths merged into it become paths of `into`, its sessions move, and
   * it is gone; later sessions under those paths belong to `into`.
   */
  mergeProjects(from: string, into: string): boolean {
    return this.#db.transaction(() => {
      const source = this.#q('SELECT path FROM projects WHERE id = ?').pluck().get(from) as string | undefined;
      if (source === undefined || !this.#q('SELECT 1 FROM projects WHERE id = ?').get(into)) return false;
      this.#q('UPDATE project_aliases SET project_id = ? WHERE project_id = ?').run(into, from);
      this.#q('INSERT INTO project_aliases (path, project_id) VALUES (?, ?)').run(source, into);
      this.#q('UPDATE sessions SET project_id = ? WHERE project_id = ?').run(into, from);
      this.#q('DELETE FROM projects WHERE id = ?').run(from);
      this.reattachSessions();
      return true;
    })();
  }

  /** The project whose folder (or a path merged into it) holds `cwd` most closely; nested projects win over their parents. */
  projectFor(cwd: string | undefined | null): string | null {
    if (!cwd) return null;
    const path = canonicalPath(cwd);
    const folders = this.#q('SELECT id, path FROM projects UNION ALL SELECT project_id, path FROM project_aliases').all() as { id: string; path: string }[];
    const closest = (target: string) => {
      let best: { id: string; path: string } | null = null;
      for (const p of folders) {
        if (contains(p.path, target) && (!best || p.path.length > best.path.length)) best = p;
      }
      return best?.id ?? null;
    };
    const own = closest(path);
    if (own !== null || !folders.length) return own;
    // A worktree outside its repository's folder belongs where its repository does.
    const root = this.#q('SELECT root FROM repo_roots WHERE cwd = ?').pluck().get(path) as string | undefined;
    return root === undefined || root === path ? null : closest(root);
  }

  /** Re-derives every session's project from its working folder (after projects change). */
  reattachSessions(): void {
    this.#reattach(this.#q('SELECT id, cwd, project_id FROM sessions').all() as { id: string; cwd: string | null; project_id: string | null }[]);
  }

  #reattach(sessions: readonly { id: string; cwd: string | null; project_id: string | null }[]): number {
    const update = this.#q('UPDATE sessions SET project_id = ? WHERE id = ?');
    const byCwd = new Map<string, string | null>();
    let moved = 0;
    for (const s of sessions) {
      let project: string | null = null;
      if (s.cwd !== null) {
        if (!byCwd.has(s.cwd)) byCwd.set(s.cwd, this.projectFor(s.cwd));
        project = byCwd.get(s.cwd) ?? null;
      }
      if (project !== s.project_id) {
        update.run(project, s.id);
        moved += 1;
      }
    }
    return moved;
  }

  // Discovery

  /** The working folders of sessions that belong to no project. */
  unattachedCwds(): string[] {
    return this.#q('SELECT DISTINCT cwd FROM sessions WHERE project_id IS NULL AND cwd IS NOT NULL').pluck().all() as string[];
  }

  /** The repository roots already resolved for these folders. */
  cachedRoots(cwds: readonly string[]): Map<string, string> {
    const get = this.#q('SELECT root FROM repo_roots WHERE cwd = ?').pluck();
    const out = new Map<string, string>();
    for (const cwd of cwds) {
      const root = get.get(canonicalPath(cwd)) as string | undefined;
      if (root !== undefined) out.set(cwd, root);
    }
    return out;
  }

  /**
   * Keeps each folder's repository root, makes a discovered project at every root no project
   * holds yet, and attaches the sessions that had none. Returns how many projects it made.
   */
  applyRoots(roots: ReadonlyMap<string, string>, now = new Date()): { projectsAdded: number; sessionsAttached: number } {
    return this.#db.transaction(() => {
      const keep = this.#q('INSERT OR IGNORE INTO repo_roots (cwd, root, resolved_at) VALUES (?, ?, ?)');
      for (const [cwd, root] of roots) keep.run(canonicalPath(cwd), canonicalPath(root), now.toISOString());
      let projectsAdded = 0;
      const insert = this.#q('INSERT INTO projects (id, name, path, created_at, discovered) VALUES (?, ?, ?, ?, 1)');
      for (const root of new Set([...roots.values()].map(canonicalPath))) {
        if (this.projectFor(root) !== null) continue;
        insert.run(randomUUID(), basename(root) || root, root, now.toISOString());
        projectsAdded += 1;
      }
      const sessionsAttached = this.#reattach(this.#q('SELECT id, cwd, project_id FROM sessions WHERE project_id IS NULL AND cwd IS NOT NULL').all() as { id: string; cwd: string; project_id: null }[]);
      return { projectsAdded, sessionsAttached };
    })();
  }
}
