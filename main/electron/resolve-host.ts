import { isIP } from 'node:net';
import type { ResolvedHost } from 'electron';
import type { ResolveHost } from '../net/plugin-fetch.ts';

/**
 * Names for plugin requests are resolved by Chromium's own resolver (the
 * session's `resolveHost`), the one `net.request` then uses, so main checks
 * the addresses Chromium will connect to. Chromium resolves again when it
 * connects, normally from the same cache; Node's stack in the harness
 * connects only to the checked addresses.
 */
export function chromiumResolveHost(resolve: (host: string) => Promise<ResolvedHost>): ResolveHost {
  return async (host) => {
    const { endpoints } = await resolve(host);
    return endpoints
      .filter((e) => isIP(e.address) !== 0)
      .map((e) => ({ address: e.address, family: e.family === 'ipv6' || isIP(e.address) === 6 ? 6 : 4 }));
  };
}
