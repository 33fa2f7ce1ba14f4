import { createHash, randomBytes } from 'node:crypto';
import { badRequest, conflict, HubError, notFound } from '../errors.ts';
import { newId } from '../ids.ts';
import type { HubDb } from '../storage/db.ts';
import type { Generation } from '../state.ts';
import type { HubAudit } from './audit.ts';

export const ADMIN_GROUP = 'admin';
const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
const TOKEN_PREFIX = 'sbh_';
/** last_used_at is written at most this often per token, so polling does not turn every read into a write. */
const LAST_USED_RESOLUTION_MS = 60_000;

export interface Caller {
  userId: string;
  userName: string;
  tokenId: string;
  groupIds: string[];
  admin: boolean;
  /** The Hub's generation this caller was checked at; the feeds' caches are keyed by it. */
  generation: string;
}

export interface UserInfo {
  id: string;
  name: string;
  createdAt: string;
  groups: string[];
}

/**
 * What an admin can allow a group besides plugin grants. `usage:read`: the
 * group's members see the team usage of the group's members (by person,
 * project, model and day).
 */
export const GROUP_PERMISSIONS = ['usage:read'] as const;
export type GroupPermission = (typeof GROUP_PERMISSIONS)[number];

export interface GroupInfo {
  id: string;
  name: string;
  members: string[];
  permissions: GroupPermission[];
}

export interface TokenInfo {
  id: string;
  userId: string;
  name: string;
  createdAt: string;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

function checkName(kind: string, name: unknown): string {
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw badRequest(`The ${kind} name must be 1 to 64 characters of lower-case letters, digits, ".", "_" and "-", starting with a letter or digit.`);
  }
  return name;
}

interface TokenRow {
  id: string;
  user_id: string;
  name: string;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

const tokenInfo = (r: TokenRow): TokenInfo => ({
  id: r.id,
  userId: r.user_id,
  name: r.name,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at,
});

/** Users, groups and personal access tokens. A token exists in clear only in the answer that creates it. */
export class People {
  readonly #db: HubDb;
  readonly #audit: HubAudit;
  readonly #now: () => Date;
  readonly #generation: Generation;
  /** Checked tokens by hash, valid for one generation: revoking, deleting or regrouping bumps it. */
  #checked = new Map<string, { caller: Omit<Caller, 'generation'>; expiresAt: number | null; lastUsedAt: number }>();
  #checkedAt = '';

  constructor(db: HubDb, audit: HubAudit, now: () => Date, generation: Generation) {
    this.#db = db;
    this.#audit = audit;
    this.#now = now;
    this.#generation = generation;
  }

  /**
   * At the very first start: the admin group, the first admin and their
   * token, which the caller prints once. Later starts (or a second instance
   * racing this one) return null.
   */
  async firstStart(): Promise<{ userName: string; token: string } | null> {
    return this.#db.transaction(async (tx) => {
      const claimed = await tx.run("INSERT INTO hub_state (key, value) VALUES ('initialized', ?) ON CONFLICT (key) DO NOTHING", [this.#now().toISOString()]);
      if (claimed.changes === 0) return null;
      const at = this.#now().toISOString();
      const groupId = newId('grp');
      const userId = newId('usr');
      await tx.run('INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)', [groupId, ADMIN_GROUP, at]);
      await tx.run('INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)', [userId, 'admin', at]);
      await tx.run('INSERT INTO memberships (user_id, group_id) VALUES (?, ?)', [userId, groupId]);
      const { token, id } = await this.#insertToken(tx, userId, 'first admin token', null);
      await this.#audit.record('hub', 'hub_initialized', userId, { tokenId: id }, tx);
      return { userName: 'admin', token };
    });
  }

  async createUser(actor: string, name: unknown, groupNames: string[] = []): Promise<UserInfo> {
    const clean = checkName('user', name);
    const id = newId('usr');
    await this.#db.transaction(async (tx) => {
      if (await tx.get('SELECT id FROM users WHERE name = ?', [clean])) throw conflict(`A user named "${clean}" already exists.`);
      await tx.run('INSERT INTO users (id, name, created_at) VALUES (?, ?, ?)', [id, clean, this.#now().toISOString()]);
      for (const g of groupNames) await this.#join(tx, id, g);
      await this.#audit.record(actor, 'user_created', id, { name: clean, groups: groupNames }, tx);
    });
    return this.user(id);
  }

  async deleteUser(actor: string, id: string): Promise<void> {
    const user = await this.user(id);
    await this.#db.transaction(async (tx) => {
      if (user.groups.includes(ADMIN_GROUP)) await this.#keepOneAdmin(tx, id);
      await tx.run('DELETE FROM users WHERE id = ?', [id]);
      await this.#audit.record(actor, 'user_deleted', id, { name: user.name }, tx);
    });
    await this.#generation.bump();
  }

  async user(id: string): Promise<UserInfo> {
    const row = await this.#db.get<{ id: string; name: string; created_at: string }>('SELECT * FROM users WHERE id = ?', [id]);
    if (!row) throw notFound('That user does not exist.');
    const groups = await this.#db.all<{ name: string }>(
      'SELECT g.name FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = ? ORDER BY g.name',
      [id],
    );
    return { id: row.id, name: row.name, createdAt: row.created_at, groups: groups.map((g) => g.name) };
  }

  async users(): Promise<UserInfo[]> {
    const rows = await this.#db.all<{ id: string; name: string; created_at: string; group_name: string | null }>(
      `SELECT u.id, u.name, u.created_at, g.name AS group_name FROM users u
       LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN groups g ON g.id = m.group_id ORDER BY u.name, g.name`,
    );
    const out = new Map<string, UserInfo>();
    for (const r of rows) {
      const u = out.get(r.id) ?? { id: r.id, name: r.name, createdAt: r.created_at, groups: [] };
      if (r.group_name) u.groups.push(r.group_name);
      out.set(r.id, u);
    }
    return [...out.values()];
  }

  async userByName(name: string): Promise<UserInfo | null> {
    const row = await this.#db.get<{ id: string }>('SELECT id FROM users WHERE name = ?', [name]);
    return row ? this.user(row.id) : null;
  }

  async createGroup(actor: string, name: unknown): Promise<GroupInfo> {
    const clean = checkName('group', name);
    const id = newId('grp');
    await this.#db.transaction(async (tx) => {
      if (await tx.get('SELECT id FROM groups WHERE name = ?', [clean])) throw conflict(`A group named "${clean}" already exists.`);
      await tx.run('INSERT INTO groups (id, name, created_at) VALUES (?, ?, ?)', [id, clean, this.#now().toISOString()]);
      await this.#audit.record(actor, 'group_created', id, { name: clean }, tx);
    });
    return { id, name: clean, members: [], permissions: [] };
  }

  async deleteGroup(actor: string, id: string): Promise<void> {
    const row = await this.#db.get<{ name: string }>('SELECT name FROM groups WHERE id = ?', [id]);
    if (!row) throw notFound('That group does not exist.');
    if (row.name === ADMIN_GROUP) throw conflict('The admin group cannot be deleted.');
    await this.#db.transaction(async (tx) => {
      await tx.run('DELETE FROM groups WHERE id = ?', [id]);
      await this.#audit.record(actor, 'group_deleted', id, { name: row.name }, tx);
    });
    await this.#generation.bump();
  }

  async groups(): Promise<GroupInfo[]> {
    const rows = await this.#db.all<{ id: string; name: string; member: string | null }>(
      `SELECT g.id, g.name, u.name AS member FROM groups g LEFT JOIN memberships m ON m.group_id = g.id
       LEFT JOIN users u ON u.id = m.user_id ORDER BY g.name, u.name`,
    );
    const allowed = await this.#db.all<{ group_id: string; permission: GroupPermission }>('SELECT group_id, permission FROM group_permissions ORDER BY permission');
    const out = new Map<string, GroupInfo>();
    for (const r of rows) {
      const g = out.get(r.id) ?? { id: r.id, name: r.name, members: [], permissions: allowed.filter((a) => a.group_id === r.id).map((a) => a.permission) };
      if (r.member) g.members.push(r.member);
      out.set(r.id, g);
    }
    return [...out.values()];
  }

  /** Allows a group a permission (`granted`) or takes it away; returns the group as it is now. */
  async setPermission(actor: string, groupId: string, permission: unknown, granted: unknown): Promise<GroupInfo> {
    if (!GROUP_PERMISSIONS.includes(permission as GroupPermission)) {
      throw badRequest(`A group can be allowed ${GROUP_PERMISSIONS.map((p) => `"${p}"`).join(', ')}; "${String(permission).slice(0, 40)}" is not a permission.`);
    }
    if (typeof granted !== 'boolean') throw badRequest('Say whether the group has the permission: "granted": true or false.');
    const group = await this.#db.get<{ name: string }>('SELECT name FROM groups WHERE id = ?', [groupId]);
    if (!group) throw notFound('That group does not exist.');
    await this.#db.transaction(async (tx) => {
      const { changes } = granted
        ? await tx.run('INSERT INTO group_permissions (group_id, permission, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [groupId, permission, this.#now().toISOString()])
        : await tx.run('DELETE FROM group_permissions WHERE group_id = ? AND permission = ?', [groupId, permission]);
      if (changes) await this.#audit.record(actor, granted ? 'permission_granted' : 'permission_removed', groupId, { group: group.name, permission }, tx);
    });
    const updated = (await this.groups()).find((g) => g.id === groupId);
    if (!updated) throw notFound('That group does not exist.');
    return updated;
  }

  /** The groups among `groupIds` that have `permission`, by name. */
  async groupsWith(groupIds: readonly string[], permission: GroupPermission): Promise<{ id: string; name: string }[]> {
    if (groupIds.length === 0) return [];
    return this.#db.all<{ id: string; name: string }>(
      `SELECT g.id, g.name FROM group_permissions p JOIN groups g ON g.id = p.group_id
       WHERE p.permission = ? AND p.group_id IN (${groupIds.map(() => '?').join(', ')}) ORDER BY g.name`,
      [permission, ...groupIds],
    );
  }

  async addMember(actor: string, userId: string, groupName: string): Promise<void> {
    await this.user(userId);
    await this.#db.transaction(async (tx) => {
      await this.#join(tx, userId, groupName);
      await this.#audit.record(actor, 'member_added', userId, { group: groupName }, tx);
    });
    await this.#generation.bump();
  }

  async removeMember(actor: string, userId: string, groupName: string): Promise<void> {
    const group = await this.#db.get<{ id: string }>('SELECT id FROM groups WHERE name = ?', [groupName]);
    if (!group) throw notFound(`There is no group named "${groupName}".`);
    await this.#db.transaction(async (tx) => {
      if (groupName === ADMIN_GROUP) await this.#keepOneAdmin(tx, userId);
      const { changes } = await tx.run('DELETE FROM memberships WHERE user_id = ? AND group_id = ?', [userId, group.id]);
      if (changes === 0) throw notFound(`That user is not in "${groupName}".`);
      await this.#audit.record(actor, 'member_removed', userId, { group: groupName }, tx);
    });
    await this.#generation.bump();
  }

  /** `expiresAt`: an ISO time in the future, or null for a token that does not expire. */
  async createToken(actor: string, userId: string, name: unknown, expiresAt: unknown): Promise<{ token: string; info: TokenInfo }> {
    await this.user(userId);
    const label = typeof name === 'string' && name.trim() ? name.trim().slice(0, 80) : 'token';
    let expires: string | null = null;
    if (expiresAt !== null && expiresAt !== undefined && expiresAt !== '') {
      const at = typeof expiresAt === 'string' ? Date.parse(expiresAt) : Number.NaN;
      if (Number.isNaN(at)) throw badRequest('The expiry must be a date and time, like 2027-01-31T00:00:00Z.');
      if (at <= this.#now().getTime()) throw badRequest('The expiry must be in the future.');
      expires = new Date(at).toISOString();
    }
    return this.#db.transaction(async (tx) => {
      const { token, id } = await this.#insertToken(tx, userId, label, expires);
      await this.#audit.record(actor, 'token_created', id, { user: userId, name: label, expiresAt: expires }, tx);
      const row = await tx.get<TokenRow>('SELECT * FROM tokens WHERE id = ?', [id]);
      return { token, info: tokenInfo(row!) };
    });
  }

  async revokeToken(actor: string, tokenId: string): Promise<void> {
    const { changes } = await this.#db.run('UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL', [this.#now().toISOString(), tokenId]);
    if (changes === 0) throw notFound('That token does not exist or is already revoked.');
    await this.#audit.record(actor, 'token_revoked', tokenId);
    await this.#generation.bump();
  }

  async tokens(userId?: string): Promise<TokenInfo[]> {
    const rows = userId
      ? await this.#db.all<TokenRow>('SELECT * FROM tokens WHERE user_id = ? ORDER BY created_at', [userId])
      : await this.#db.all<TokenRow>('SELECT * FROM tokens ORDER BY created_at');
    return rows.map(tokenInfo);
  }

  /** Who a bearer token belongs to; a 401 with the reason when it cannot be used. */
  async authenticate(token: string): Promise<Caller> {
    if (!token.startsWith(TOKEN_PREFIX)) throw new HubError(401, 'That is not a Hub token.');
    const hash = hashToken(token);
    const generation = await this.#generation.read();
    if (generation !== this.#checkedAt) {
      this.#checked = new Map();
      this.#checkedAt = generation;
    }
    const now = this.#now();
    let known = this.#checked.get(hash);
    if (!known) {
      const row = await this.#db.get<TokenRow & { user_name: string }>(
        'SELECT t.*, u.name AS user_name FROM tokens t JOIN users u ON u.id = t.user_id WHERE t.hash = ?',
        [hash],
      );
      if (!row) throw new HubError(401, 'The token is not known to this Hub.');
      if (row.revoked_at) throw new HubError(401, 'The token was revoked.');
      const groups = await this.#db.all<{ id: string; name: string }>(
        'SELECT g.id, g.name FROM memberships m JOIN groups g ON g.id = m.group_id WHERE m.user_id = ?',
        [row.user_id],
      );
      known = {
        caller: {
          userId: row.user_id,
          userName: row.user_name,
          tokenId: row.id,
          groupIds: groups.map((g) => g.id).sort(),
          admin: groups.some((g) => g.name === ADMIN_GROUP),
        },
        expiresAt: row.expires_at ? Date.parse(row.expires_at) : null,
        lastUsedAt: row.last_used_at ? Date.parse(row.last_used_at) : 0,
      };
      if (this.#checked.size > 50_000) this.#checked.clear();
      this.#checked.set(hash, known);
    }
    if (known.expiresAt !== null && known.expiresAt <= now.getTime()) {
      throw new HubError(401, `The token expired on ${new Date(known.expiresAt).toISOString()}.`);
    }
    if (now.getTime() - known.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      known.lastUsedAt = now.getTime();
      await this.#db.run('UPDATE tokens SET last_used_at = ? WHERE id = ?', [now.toISOString(), known.caller.tokenId]);
    }
    return { ...known.caller, generation };
  }

  async #insertToken(tx: HubDb, userId: string, name: string, expiresAt: string | null): Promise<{ token: string; id: string }> {
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const id = newId('tok');
    await tx.run('INSERT INTO tokens (id, user_id, name, hash, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)', [
      id,
      userId,
      name,
      hashToken(token),
      this.#now().toISOString(),
      expiresAt,
    ]);
    return { token, id };
  }

  async #join(tx: HubDb, userId: string, groupName: string): Promise<void> {
    const group = await tx.get<{ id: string }>('SELECT id FROM groups WHERE name = ?', [groupName]);
    if (!group) throw notFound(`There is no group named "${groupName}".`);
    await tx.run('INSERT INTO memberships (user_id, group_id) VALUES (?, ?) ON CONFLICT DO NOTHING', [userId, group.id]);
  }

  /** An admin cannot remove the last admin: nobody could manage the Hub afterwards. */
  async #keepOneAdmin(tx: HubDb, leaving: string): Promise<void> {
    const others = await tx.get<{ n: number }>(
      `SELECT COUNT(*) AS n FROM memberships m JOIN groups g ON g.id = m.group_id WHERE g.name = ? AND m.user_id <> ?`,
      [ADMIN_GROUP, leaving],
    );
    if (!others || Number(others.n) === 0) throw conflict('This is the last admin; make someone else an admin first.');
  }
}
