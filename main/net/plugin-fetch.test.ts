import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeHttpsFetch } from '../marketplace/http.ts';
import { startPlainHttp, TestHttpsServer } from '../marketplace/testing/https-server.ts';
import { addressRefusal, hostMatches, hostPatternProblem, specialRange } from './address-policy.ts';
import { PluginNetwork, type ResolveHost } from './plugin-fetch.ts';

let server: TestHttpsServer;
let port: string;
/** What the plugin received at the server: method, path, headers and body of each request. */
const seen: { method: string; path: string; headers: Record<string, string | string[] | undefined>; body: string }[] = [];

beforeAll(async () => {
  server = await TestHttpsServer.start();
  port = new URL(server.origin).port;
  const record = (req: import('node:http').IncomingMessage, then: (body: string) => void) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', path: new URL(req.url ?? '/', server.origin).pathname, headers: req.headers, body });
      then(body);
    });
  };
  server.handle('/echo', (req, res) => record(req, (body) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ method: req.method, body }))));
  server.handle('/to-localhost', (req, res) => record(req, () => res.writeHead(302, { location: `https://localhost:${port}/echo` }).end()));
  server.handle('/to-echo', (req, res) => record(req, () => res.writeHead(307, { location: '/echo' }).end()));
  server.handle('/see-other', (req, res) => record(req, () => res.writeHead(303, { location: '/echo' }).end()));
  server.handle('/loop', (req, res) => record(req, () => res.writeHead(302, { location: '/loop' }).end()));
  server.handle('/big', (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('x'.repeat(2 * 1024 * 1024));
  });
  server.handle('/big-declared', (_req, res) => res.writeHead(200, { 'content-length': String(5 * 1024 * 1024) }).end('x'.repeat(5 * 1024 * 1024)));
  server.handle('/slow', () => undefined);
});

afterAll(async () => {
  await server.close();
});

const fakeDns = (table: Record<string, string>): ResolveHost => async (host) => {
  const address = table[host];
  if (!address) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return [{ address, family: address.includes(':') ? 6 : 4 }];
};

function network(resolve: ResolveHost = fakeDns({ localhost: '127.0.0.1' })) {
  return new PluginNetwork({ fetch: nodeHttpsFetch({ extraCa: [server.certificates.ca] }), resolve, limits: { defaultTimeoutMs: 1_000 } });
}

describe('agor.net.fetch in main', () => {
  it('sends the request to a listed host and answers with status, headers and body', async () => {
    const reply = await network().fetch(['127.0.0.1'], {
      url: `${server.origin}/echo`, method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Token': 'abc' }, body: '{"text":"hi"}',
    });
    expect(reply.status).toBe(200);
    expect(JSON.parse(reply.body)).toEqual({ method: 'POST', body: '{"text":"hi"}' });
    expect(reply.headers['content-type']).toBe('application/json');
    const last = seen.at(-1)!;
    expect(last.headers['x-token']).toBe('abc');
    expect(last.headers.cookie).toBeUndefined();
  });

  it('refuses a host that is not listed, before sending anything', async () => {
    const before = seen.length;
    await expect(network().fetch(['hooks.slack.com'], { url: `${server.origin}/echo` })).rejects.toThrow(
      '127.0.0.1 is not among the hosts this plugin may reach (hooks.slack.com)',
    );
    expect(seen.length).toBe(before);
  });

  it('re-checks every redirect hop: a redirect to an unlisted host is refused', async () => {
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/to-localhost` })).rejects.toThrow(
      'localhost is not among the hosts this plugin may reach (127.0.0.1)',
    );
    const ok = await network().fetch(['127.0.0.1', 'localhost'], { url: `${server.origin}/to-localhost` });
    expect(ok.url).toBe(`https://localhost:${port}/echo`);
  });

  it('keeps the method and body on a 307 and turns a 303 into a GET', async () => {
    const kept = await network().fetch(['127.0.0.1'], { url: `${server.origin}/to-echo`, method: 'PUT', body: 'v' });
    expect(JSON.parse(kept.body)).toEqual({ method: 'PUT', body: 'v' });
    const other = await network().fetch(['127.0.0.1'], { url: `${server.origin}/see-other`, method: 'POST', body: 'v' });
    expect(JSON.parse(other.body)).toEqual({ method: 'GET', body: '' });
  });

  it('stops a redirect loop after five hops', async () => {
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/loop` })).rejects.toThrow('Stopped after 5 redirects');
  });

  it('refuses plain http, also as a redirect target', async () => {
    const plain = await startPlainHttp((_req, res) => res.end('insecure'));
    try {
      await expect(network().fetch(['127.0.0.1'], { url: `${plain.origin}/` })).rejects.toThrow(/Only https:\/\/ addresses can be reached \(http:\/\/127\.0\.0\.1:\d+ was refused\)/);
    } finally {
      await plain.close();
    }
  });

  it('refuses a listed name that resolves to this computer (DNS rebinding), without connecting', async () => {
    const before = seen.length;
    const rebinding = network(fakeDns({ 'api.example.com': '127.0.0.1' }));
    await expect(rebinding.fetch(['api.example.com'], { url: `https://api.example.com:${port}/echo` })).rejects.toThrow(
      'api.example.com leads to 127.0.0.1, an address of this computer; a plugin reaches such an address only if it lists the address itself',
    );
    const mapped = network(fakeDns({ 'api.example.com': '::ffff:10.0.0.7' }));
    await expect(mapped.fetch(['*.example.com'], { url: 'https://api.example.com/' })).rejects.toThrow('an address on a private network');
    expect(seen.length).toBe(before);
  });

  it('refuses an unlisted private address even under a listed wildcard', async () => {
    await expect(network().fetch(['*.example.com', '10.0.0.1'], { url: 'https://169.254.169.254/latest/meta-data' })).rejects.toThrow(
      '169.254.169.254 is not among the hosts',
    );
  });

  it('caps the answer at 1 MB, whether or not its size is declared', async () => {
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/big` })).rejects.toThrow(
      'The answer from 127.0.0.1:' + port + ' is larger than the 1048576 bytes plugins may receive',
    );
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/big-declared` })).rejects.toThrow(
      `The answer from 127.0.0.1:${port} is 5242880 bytes; plugins may receive at most 1048576`,
    );
  });

  it('gives up on a server that does not answer', async () => {
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/slow`, timeoutMs: 300 })).rejects.toThrow(`127.0.0.1:${port} did not answer within 300 ms`);
  });

  it('refuses headers the app controls and bodies on GET', async () => {
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/echo`, headers: { Cookie: 'session=1' } })).rejects.toThrow(
      'The header Cookie is set by the app, not by plugins',
    );
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/echo`, headers: { Host: 'evil' } })).rejects.toThrow('The header Host is set by the app');
    await expect(network().fetch(['127.0.0.1'], { url: `${server.origin}/echo`, body: 'x' })).rejects.toThrow('A GET request cannot have a body');
    await expect(network().fetch(['127.0.0.1'], { url: `https://user:pw@127.0.0.1:${port}/echo` })).rejects.toThrow('Addresses with a user name or password are not allowed');
  });

  it('says plainly when a name cannot be found', async () => {
    await expect(network().fetch(['nowhere.example'], { url: 'https://nowhere.example/' })).rejects.toThrow('nowhere.example could not be found (ENOTFOUND)');
  });
});

describe('host patterns and address ranges', () => {
  it('matches a wildcard to the domain and names under it, and nothing else', () => {
    expect(hostMatches('*.example.com', 'example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'a.b.example.com')).toBe(true);
    expect(hostMatches('*.example.com', 'badexample.com')).toBe(false);
    expect(hostMatches('hooks.slack.com', 'HOOKS.SLACK.COM')).toBe(true);
    expect(hostMatches('::1', '[::1]')).toBe(true);
  });

  it('explains a host entry it cannot use', () => {
    expect(hostPatternProblem('https://hooks.slack.com/x')).toMatch(/is not a host name \(write it without https:\/\//);
    expect(hostPatternProblem('*')).toMatch(/too broad/);
    expect(hostPatternProblem('*.com')).toMatch(/too broad/);
    expect(hostPatternProblem('Hooks.Slack.com')).toMatch(/lower case/);
    expect(hostPatternProblem('*.example.com')).toBeNull();
    expect(hostPatternProblem('127.0.0.1')).toBeNull();
  });

  it('knows the special ranges, IPv4-mapped ones included', () => {
    expect(specialRange('127.0.0.53')).toBe('loopback');
    expect(specialRange('::ffff:192.168.1.1')).toBe('private');
    expect(specialRange('fe80::1')).toBe('link-local');
    expect(specialRange('fd12::1')).toBe('private');
    expect(specialRange('93.184.216.34')).toBeNull();
    expect(addressRefusal(['localhost'], 'localhost', '127.0.0.1')).toBeNull();
    expect(addressRefusal(['localhost'], 'localhost', '10.1.1.1')).toMatch(/private network/);
  });
});
