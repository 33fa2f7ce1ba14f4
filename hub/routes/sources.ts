import type { Router } from '../http/router.ts';
import type { Sources } from '../sources/sources.ts';

export function sourceRoutes(router: Router, sources: Sources): void {
  router.add('GET', '/api/admin/sources', 'admin', async () => ({ json: await sources.list() }));
  router.add('POST', '/api/admin/sources', 'admin', async ({ caller, body }) => ({ status: 201, json: await sources.add(caller.userName, await body()) }));
  router.add('DELETE', '/api/admin/sources/:id', 'admin', async ({ caller, params }) => {
    await sources.remove(caller.userName, params.id!);
    return { status: 204 };
  });
  // "Sync now", one or all. The daily schedule calls the second one too.
  router.add('POST', '/api/admin/sources/:id/sync', 'admin', async ({ caller, params }) => ({ json: await sources.sync(caller.userName, params.id!) }));
  router.add('POST', '/api/admin/sources/sync', 'sync', async ({ caller }) => ({ json: await sources.syncAll(caller.userName) }));
  router.add('GET', '/api/admin/plugins', 'admin', async () => ({ json: await sources.plugins() }));
}
