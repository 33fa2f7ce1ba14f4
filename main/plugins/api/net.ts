import { AppError } from '../../../app/contract/envelope.ts';
import { hostPatternProblem, normalHost } from '../../net/address-policy.ts';
import type { ApiContext, ApiTable } from './context.ts';

/** How an approved user-named host is remembered among the plugin's consents. */
const hostConsent = (host: string) => `network-host:${host}`;

/** The hosts a request may reach: the manifest's, plus the request's own host if the user approved exactly that one. */
function reachableHosts(ctx: ApiContext, url: string): string[] {
  const listed = ctx.manifest()?.networkHosts ?? [];
  let host: string;
  try {
    host = normalHost(new URL(url).hostname);
  } catch {
    return listed;
  }
  return ctx.services.consents.has(ctx.pluginId, hostConsent(host)) ? [...listed, host] : listed;
}

/** `network`: main performs the request, to the hosts the plugin's manifest names and the user consented to. */
export const netApi = {
  'net.fetch': async (ctx, request) => ctx.services.capabilities.fetch(reachableHosts(ctx, request.url), request),
  'net.allowHost': async (ctx, { host: asked, reason }) => {
    const manifest = ctx.manifest();
    if (!manifest?.optionalPermissions.includes('network') && !manifest?.permissions.includes('network')) {
      throw new AppError('permission_denied', `${ctx.name()} cannot ask to reach a host: its manifest lists 'network' in neither permissions nor optionalPermissions`);
    }
    const host = normalHost(asked);
    const problem = host.includes('*') ? `"${asked}" must be one host, without a wildcard` : hostPatternProblem(host);
    if (problem) throw new AppError('invalid_argument', problem);
    if (ctx.granted('network') && ctx.services.consents.has(ctx.pluginId, hostConsent(host))) return true;
    const allowed = await ctx.askUser({
      kind: 'permission',
      pluginId: ctx.pluginId,
      pluginName: ctx.name(),
      permission: 'network',
      reason: `Send data to ${host}: ${reason}`,
    });
    if (!allowed) {
      ctx.services.audit('network_host_refused', 'user', host, { plugin: ctx.pluginId, reason });
      throw new AppError('permission_denied', `The user did not allow ${ctx.name()} to send data to ${host}`);
    }
    if (!ctx.granted('network')) ctx.services.grants.grant(ctx.pluginId, 'network', 'user');
    ctx.services.consents.remember(ctx.pluginId, hostConsent(host));
    ctx.services.audit('network_host_allowed', 'user', host, { plugin: ctx.pluginId, reason });
    return true;
  },
} satisfies Partial<ApiTable>;
