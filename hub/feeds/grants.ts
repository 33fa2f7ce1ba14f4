import { badRequest, notFound } from '../errors.ts';
import type { HubAudit } from '../people/audit.ts';
import type { Caller } from '../people/people.ts';
import type { HubDb } from '../storage/db.ts';
import type { SourcePlugin, Sources } from '../sources/sources.ts';

export interface Grant {
  ref: string;
  groupId: string;
  groupName: string;
}

/**
 * Which groups see which plugins (`<source>/<plugin>`), and the view of one
 * caller. Admins are filtered like everyone else: they see what is granted
 * to the groups they are in, the admin group included.
 */
export class Grants {
  readonly #db: HubDb;
  readonly #audit: HubAudit;
  readonly #sources: Sources;
  readonly #now: () => Date;
  readonly #changed: () => Promise<void>;
  /** Views by generation and group set; the generation changes with every sync, grant and source change. */
  #views = new Map<string, Promise<SourcePlugin[]>>();
  #generation: string | null = null;

  constructor(db: HubDb, audit: HubAudit, sources: Sources, now: () => Date, changed: () => Promise<void>) {
    this.#db = db;
    this.#audit = audit;
    this.#sources = sources;
    this.#now = now;
    this.#changed = changed;
  }

  async list(): Promise<Grant[]> {
    return this.#db.all<Grant>(
      'SELECT g.plugin_ref AS "ref", g.group_id AS "groupId", gr.name AS "groupName" FROM grants g JOIN groups gr ON gr.id = g.group_id ORDER BY g.plugin_ref, gr.name',
    );
  }

  async set(actor: string, input: Record<string, unknown>): Promise<Grant[]> {
    const ref = typeof input.ref === 'string' ? input.ref : '';
    const groupName = typeof input.group === 'string' ? input.group : '';
    if (typeof input.granted !== 'boolean') throw badRequest('Say whether the plugin is granted: "granted": true or false.');
    const group = await this.#db.get<{ id: string }>('SELECT id FROM groups WHERE name = ?', [groupName]);
    if (!group) throw notFound(`There is no group named "${groupName}".`);
    if (input.granted) {
      if (!(await this.#sources.plugins()).some((p) => p.ref === ref)) throw notFound(`No source offers a plugin "${ref}"; sync its source first.`);
      await this.#db.transaction(async (tx) => {
        const { changes } = await tx.run('INSERT INTO grants (plugin_ref, group_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [ref, group.id, this.#now().toISOString()]);
        if (changes) await this.#audit.record(actor, 'grant_added', ref, { group: groupName }, tx);
      });
    } else {
      await this.#db.transaction(async (tx) => {
        const { changes } = await tx.run('DELETE FROM grants WHERE plugin_ref = ? AND group_id = ?', [ref, group.id]);
        if (changes) await this.#audit.record(actor, 'grant_removed', ref, { group: groupName }, tx);
      });
    }
    await this.#changed();
    return this.list();
  }

  /** The plugins granted to the caller's groups, in a stable order, as of the caller's generation. */
  async view(caller: Pick<Caller, 'groupIds' | 'generation'>): Promise<SourcePlugin[]> {
    const { groupIds, generation } = caller;
    if (generation !== this.#generation) {
      this.#generation = generation;
      this.#views = new Map();
    }
    const key = groupIds.join(',');
    let view = this.#views.get(key);
    if (!view) {
      view = this.#compute(groupIds);
      this.#views.set(key, view);
      view.catch(() => this.#views.delete(key));
    }
    return view;
  }

  async #compute(groupIds: readonly string[]): Promise<SourcePlugin[]> {
    if (groupIds.length === 0) return [];
    const granted = new Set(
      (await this.#db.all<{ plugin_ref: string }>(`SELECT DISTINCT plugin_ref FROM grants WHERE group_id IN (${groupIds.map(() => '?').join(', ')})`, groupIds)).map(
        (r) => r.plugin_ref,
      ),
    );
    return (await this.#sources.plugins()).filter((p) => granted.has(p.ref));
  }
}
