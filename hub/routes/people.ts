import { badRequest } from '../errors.ts';
import type { Router } from '../http/router.ts';
import type { People } from '../people/people.ts';
import type { HubAudit } from '../people/audit.ts';

const str = (v: unknown, what: string): string => {
  if (typeof v !== 'string' || !v.trim()) throw badRequest(`Give ${what}.`);
  return v.trim();
};

/** Users, groups, tokens and the audit, for admins; `/api/me` for everyone with a token. */
export function peopleRoutes(router: Router, people: People, audit: HubAudit): void {
  router.add('GET', '/api/me', 'token', async ({ caller }) => ({ json: { ...(await people.user(caller.userId)), admin: caller.admin } }));

  router.add('GET', '/api/admin/users', 'admin', async () => ({ json: await people.users() }));
  router.add('POST', '/api/admin/users', 'admin', async ({ caller, body }) => {
    const b = await body();
    const groups = Array.isArray(b.groups) ? b.groups.filter((g): g is string => typeof g === 'string') : [];
    return { status: 201, json: await people.createUser(caller.userName, b.name, groups) };
  });
  router.add('DELETE', '/api/admin/users/:id', 'admin', async ({ caller, params }) => {
    await people.deleteUser(caller.userName, params.id!);
    return { status: 204 };
  });
  router.add('POST', '/api/admin/users/:id/groups', 'admin', async ({ caller, params, body }) => {
    await people.addMember(caller.userName, params.id!, str((await body()).group, 'a group name'));
    return { json: await people.user(params.id!) };
  });
  router.add('DELETE', '/api/admin/users/:id/groups/:group', 'admin', async ({ caller, params }) => {
    await people.removeMember(caller.userName, params.id!, params.group!);
    return { json: await people.user(params.id!) };
  });

  router.add('GET', '/api/admin/groups', 'admin', async () => ({ json: await people.groups() }));
  router.add('POST', '/api/admin/groups', 'admin', async ({ caller, body }) => ({
    status: 201,
    json: await people.createGroup(caller.userName, (await body()).name),
  }));
  router.add('POST', '/api/admin/groups/:id/permissions', 'admin', async ({ caller, params, body }) => {
    const b = await body();
    return { json: await people.setPermission(caller.userName, params.id!, b.permission, b.granted) };
  });
  router.add('DELETE', '/api/admin/groups/:id', 'admin', async ({ caller, params }) => {
    await people.deleteGroup(caller.userName, params.id!);
    return { status: 204 };
  });

  router.add('GET', '/api/admin/tokens', 'admin', async ({ url }) => ({ json: await people.tokens(url.searchParams.get('user') ?? undefined) }));
  router.add('POST', '/api/admin/users/:id/tokens', 'admin', async ({ caller, params, body }) => {
    const b = await body();
    const created = await people.createToken(caller.userName, params.id!, b.name, b.expiresAt);
    // The only time the token exists in clear: it is shown once and stored as a hash.
    return { status: 201, json: { token: created.token, ...created.info }, headers: { 'Cache-Control': 'no-store' } };
  });
  router.add('DELETE', '/api/admin/tokens/:id', 'admin', async ({ caller, params }) => {
    await people.revokeToken(caller.userName, params.id!);
    return { status: 204 };
  });

  router.add('GET', '/api/admin/audit', 'admin', async () => ({ json: await audit.list() }));
}
