import { BlockList, isIP } from 'node:net';

/**
 * Which hosts a plugin may reach, and which addresses no name may lead to.
 * A plugin lists the hosts it talks to in its manifest (`"network":
 * {"hosts": ["hooks.slack.com", "*.example.com"]}`); the user consents to
 * exactly those. A listed name must still resolve to a public address: a
 * name that leads into the machine or the local network (a DNS rebinding, or
 * a record pointing at 127.0.0.1) is refused. Only a plugin that lists an
 * address itself (`127.0.0.1`, `::1`, `192.168.1.20`) or `localhost` may
 * reach that address, and the consent dialog names it.
 */

export type SpecialRange = 'loopback' | 'private' | 'link-local' | 'unspecified' | 'multicast' | 'reserved';

const RANGES: [SpecialRange, string, number, 'ipv4' | 'ipv6'][] = [
  ['loopback', '127.0.0.0', 8, 'ipv4'],
  ['loopback', '::1', 128, 'ipv6'],
  ['unspecified', '0.0.0.0', 8, 'ipv4'],
  ['unspecified', '::', 128, 'ipv6'],
  ['private', '10.0.0.0', 8, 'ipv4'],
  ['private', '172.16.0.0', 12, 'ipv4'],
  ['private', '192.168.0.0', 16, 'ipv4'],
  ['private', '100.64.0.0', 10, 'ipv4'],
  ['private', 'fc00::', 7, 'ipv6'],
  ['link-local', '169.254.0.0', 16, 'ipv4'],
  ['link-local', 'fe80::', 10, 'ipv6'],
  ['multicast', '224.0.0.0', 4, 'ipv4'],
  ['multicast', 'ff00::', 8, 'ipv6'],
  ['reserved', '240.0.0.0', 4, 'ipv4'],
];

const LISTS = new Map<SpecialRange, BlockList>();
for (const [range, network, prefix, family] of RANGES) {
  let list = LISTS.get(range);
  if (!list) LISTS.set(range, (list = new BlockList()));
  list.addSubnet(network, prefix, family);
}

/** `::ffff:127.0.0.1` is 127.0.0.1 to the socket, so it is judged as that. */
function unmapped(address: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  return m ? m[1]! : address;
}

/** The special range an address is in, or null for a public address. */
export function specialRange(address: string): SpecialRange | null {
  const plain = unmapped(address);
  const family = isIP(plain) === 6 ? 'ipv6' : 'ipv4';
  for (const [range, list] of LISTS) if (list.check(plain, family)) return range;
  return null;
}

const RANGE_WORDS: Record<SpecialRange, string> = {
  loopback: 'an address of this computer',
  private: 'an address on a private network',
  'link-local': 'a link-local address',
  unspecified: 'an unspecified address',
  multicast: 'a multicast address',
  reserved: 'a reserved address',
};

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const NAME = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/** Hosts as the URL parser writes them: lower case, IPv6 without brackets. */
export function normalHost(hostname: string): string {
  return hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1');
}

/** Why a manifest's host entry is not usable, or null when it is. */
export function hostPatternProblem(pattern: string): string | null {
  if (pattern !== pattern.toLowerCase()) return `"${pattern}" must be written in lower case`;
  if (isIP(pattern)) return null;
  if (pattern === '*' || pattern.startsWith('*.') && !pattern.slice(2).includes('.')) {
    return `"${pattern}" is too broad: name a domain such as *.example.com`;
  }
  if (!NAME.test(pattern)) return `"${pattern}" is not a host name (write it without https:// or a path, e.g. hooks.slack.com or *.example.com)`;
  return null;
}

/** `*.example.com` covers example.com and every name under it; anything else covers itself. */
export function hostMatches(pattern: string, hostname: string): boolean {
  const host = normalHost(hostname);
  if (pattern.startsWith('*.')) {
    const domain = pattern.slice(2);
    return host === domain || host.endsWith(`.${domain}`);
  }
  return host === pattern;
}

/** May a plugin that lists these hosts reach this one at this address? Returns why not, or null. */
export function addressRefusal(hosts: readonly string[], hostname: string, address: string): string | null {
  const range = specialRange(address);
  if (!range) return null;
  const host = normalHost(hostname);
  const named = isIP(host) ? unmapped(host) === unmapped(address) : host === 'localhost' && range === 'loopback';
  if (named && hosts.includes(host)) return null;
  const what = RANGE_WORDS[range];
  return isIP(host)
    ? `${host} is ${what}; a plugin reaches it only if it lists that address itself`
    : `${host} leads to ${address}, ${what}; a plugin reaches such an address only if it lists the address itself`;
}
