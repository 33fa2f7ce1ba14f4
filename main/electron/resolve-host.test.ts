import { describe, expect, it } from 'vitest';
import { PluginNetwork } from '../net/plugin-fetch.ts';
import { chromiumResolveHost } from './resolve-host.ts';

describe("plugin requests resolved by Chromium's resolver", () => {
  it('hands the endpoints Chromium found to the address check', async () => {
    const resolve = chromiumResolveHost(async () => ({ endpoints: [{ address: '93.184.216.34', family: 'ipv4' }, { address: '2606:2800:220:1::1', family: 'ipv6' }] }));
    expect(await resolve('example.com')).toEqual([
      { address: '93.184.216.34', family: 4 },
      { address: '2606:2800:220:1::1', family: 6 },
    ]);
  });

  it('refuses a name Chromium resolves into the local network, before any request is made', async () => {
    const requests: string[] = [];
    const network = new PluginNetwork({
      fetch: async (url) => {
        requests.push(url);
        return new Response('');
      },
      resolve: chromiumResolveHost(async () => ({ endpoints: [{ address: '192.168.1.5', family: 'ipv4' }] })),
    });
    await expect(network.fetch(['printer.example.com'], { url: 'https://printer.example.com/status' })).rejects.toThrow(
      'printer.example.com leads to 192.168.1.5, an address on a private network',
    );
    expect(requests).toEqual([]);
  });
});
