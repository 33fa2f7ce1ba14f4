import type { ApiTable } from './context.ts';

/** `network`: main performs the request, to the hosts the plugin's manifest names and the user consented to. */
export const netApi = {
  'net.fetch': async (ctx, request) => ctx.services.capabilities.fetch(ctx.manifest()?.networkHosts ?? [], request),
} satisfies Partial<ApiTable>;
