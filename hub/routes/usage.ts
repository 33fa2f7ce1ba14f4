import type { Router } from '../http/router.ts';
import type { TeamUsage } from '../usage/usage.ts';

export function usageRoutes(router: Router, usage: TeamUsage): void {
  router.add('POST', '/api/usage', 'token', async ({ caller, body }) => ({ json: { accepted: await usage.ingest(caller, await body()) } }));
  router.add('GET', '/api/usage', 'token', async ({ caller, url }) => ({
    json: await usage.teamTotals(caller, url.searchParams.get('by') ?? 'person', url.searchParams.get('from'), url.searchParams.get('to')),
  }));
  router.add('GET', '/api/admin/usage', 'admin', async ({ url }) => ({
    json: await usage.totals(url.searchParams.get('by') ?? 'person', url.searchParams.get('from'), url.searchParams.get('to')),
  }));
}
