import { lookup as dnsLookup } from 'node:dns/promises';
import { isIP, type LookupFunction } from 'node:net';
import type { HttpFetch } from '../marketplace/http.ts';
import { addressRefusal, hostMatches, normalHost } from './address-policy.ts';
import { AppError } from '../../app/contract/envelope.ts';

/**
 * `agor.net.fetch`, performed by main on a plugin's behalf: plugin processes
 * have no network of their own. Every hop is checked against the hosts the
 * user consented to and against the address the name resolved to; the
 * checked addresses are the only ones the connection may use, so a name
 * cannot resolve to something else between the check and the connection.
 */

export interface PluginRequest {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

export interface PluginResponse {
  status: number;
  statusText: string;
  /** The address that answered, after redirects. */
  url: string;
  headers: Record<string, string>;
  body: string;
}

export const NET_LIMITS = {
  maxResponseBytes: 1024 * 1024,
  maxRequestBytes: 1024 * 1024,
  defaultTimeoutMs: 15_000,
  maxTimeoutMs: 60_000,
  maxRedirects: 5,
} as const;

type Limits<T> = { readonly [K in keyof T]: number };

export type ResolveHost = (hostname: string) => Promise<{ address: string; family: number }[]>;

export interface PluginNetworkOptions {
  fetch: HttpFetch;
  /** Defaults to the system resolver; tests name what a host resolves to. */
  resolve?: ResolveHost;
  limits?: Partial<Limits<typeof NET_LIMITS>>;
}

/** A refused or failed plugin request: its message is what the plugin (and its log) sees. */
export class PluginNetworkError extends AppError {
  constructor(message: string) {
    super('network', message);
    this.name = 'PluginNetworkError';
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
/** Headers the app controls: a plugin cannot send cookies, pose as another host or frame the body itself. */
const FORBIDDEN_HEADERS = new Set(['cookie', 'cookie2', 'host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'te', 'trailer', 'expect', 'proxy-authorization', 'proxy-connection']);
/** Dropped when a redirect leaves the origin, as browsers do. */
const ORIGIN_BOUND_HEADERS = new Set(['authorization']);

const systemResolve: ResolveHost = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** A lookup that answers only with the addresses main checked. */
function pinned(addresses: { address: string; family: number }[]): LookupFunction {
  return (_hostname, options, callback) => {
    if (options.all) callback(null, addresses);
    else callback(null, addresses[0]!.address, addresses[0]!.family);
  };
}

export class PluginNetwork {
  readonly #fetch: HttpFetch;
  readonly #resolve: ResolveHost;
  readonly #limits: Limits<typeof NET_LIMITS>;

  constructor(options: PluginNetworkOptions) {
    this.#fetch = options.fetch;
    this.#resolve = options.resolve ?? systemResolve;
    this.#limits = { ...NET_LIMITS, ...options.limits };
  }

  /** Performs a request for a plugin that lists `hosts`; refuses anything else with a specific reason. */
  async fetch(hosts: readonly string[], request: PluginRequest): Promise<PluginResponse> {
    const limits = this.#limits;
    let method = (request.method ?? 'GET').toUpperCase();
    if (!METHODS.has(method)) throw new PluginNetworkError(`The method ${method.slice(0, 20)} is not allowed; use GET, HEAD, POST, PUT, PATCH or DELETE`);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      const key = name.toLowerCase();
      if (FORBIDDEN_HEADERS.has(key) || key.startsWith('proxy-') || key.startsWith('sec-')) throw new PluginNetworkError(`The header ${name.slice(0, 60)} is set by the app, not by plugins`);
      headers[key] = value;
    }
    let body = request.body === undefined ? undefined : new TextEncoder().encode(request.body);
    if (body && body.byteLength > limits.maxRequestBytes) throw new PluginNetworkError(`The request body is ${body.byteLength} bytes; the limit is ${limits.maxRequestBytes}`);
    if (body && (method === 'GET' || method === 'HEAD')) throw new PluginNetworkError(`A ${method} request cannot have a body`);
    const timeoutMs = Math.min(request.timeoutMs ?? limits.defaultTimeoutMs, limits.maxTimeoutMs);
    const signal = AbortSignal.timeout(timeoutMs);

    let url = this.#parse(request.url);
    try {
      for (let hop = 0; ; hop++) {
        const lookup = await this.#check(hosts, url);
        const response = await this.#fetch(url.href, { method, headers, ...(body ? { body } : {}), signal, ...(lookup ? { lookup } : {}) });
        const location = response.headers.get('location');
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel();
          if (hop >= limits.maxRedirects) throw new PluginNetworkError(`Stopped after ${limits.maxRedirects} redirects`);
          const next = this.#parse(new URL(location, url).href, 'a redirect to ');
          if (next.origin !== url.origin) for (const h of ORIGIN_BOUND_HEADERS) delete headers[h];
          // As browsers do: a 303, or a 301/302 after a POST, continues as a GET without the body.
          if (response.status === 303 || ((response.status === 301 || response.status === 302) && method === 'POST')) {
            method = 'GET';
            body = undefined;
            delete headers['content-type'];
          }
          url = next;
          continue;
        }
        return {
          status: response.status,
          statusText: response.statusText,
          url: url.href,
          headers: Object.fromEntries(response.headers),
          body: await this.#readCapped(response, url),
        };
      }
    } catch (err) {
      if (err instanceof PluginNetworkError) throw err;
      if (signal.aborted) throw new PluginNetworkError(`${url.host} did not answer within ${timeoutMs < 1_000 ? `${timeoutMs} ms` : `${Math.round(timeoutMs / 1_000)} s`}`);
      throw new PluginNetworkError(`The request to ${url.host} failed: ${(err as Error).message}`);
    }
  }

  #parse(address: string, what = ''): URL {
    let url: URL;
    try {
      url = new URL(address);
    } catch {
      throw new PluginNetworkError(`${what ? 'A redirect led to an invalid address' : 'Not a valid address'}: ${address.slice(0, 200)}`);
    }
    if (url.protocol !== 'https:') throw new PluginNetworkError(`Only https:// addresses can be reached (${what}${url.protocol}//${url.host} was refused)`);
    if (url.username || url.password) throw new PluginNetworkError('Addresses with a user name or password are not allowed; send credentials in a header');
    return url;
  }

  /** Refuses an unlisted host or a forbidden address; returns the lookup that pins the checked addresses. */
  async #check(hosts: readonly string[], url: URL): Promise<LookupFunction | undefined> {
    const host = normalHost(url.hostname);
    if (!hosts.some((pattern) => hostMatches(pattern, host))) {
      throw new PluginNetworkError(`${host} is not among the hosts this plugin may reach (${hosts.join(', ') || 'none'})`);
    }
    if (isIP(host)) {
      const refusal = addressRefusal(hosts, host, host);
      if (refusal) throw new PluginNetworkError(refusal);
      return undefined;
    }
    let addresses: { address: string; family: number }[];
    try {
      addresses = await this.#resolve(host);
    } catch (err) {
      throw new PluginNetworkError(`${host} could not be found (${(err as { code?: string }).code ?? (err as Error).message})`);
    }
    if (addresses.length === 0) throw new PluginNetworkError(`${host} could not be found`);
    for (const { address } of addresses) {
      const refusal = addressRefusal(hosts, host, address);
      if (refusal) throw new PluginNetworkError(refusal);
    }
    return pinned(addresses);
  }

  async #readCapped(response: Response, url: URL): Promise<string> {
    const cap = this.#limits.maxResponseBytes;
    const declared = Number(response.headers.get('content-length'));
    if (declared > cap) {
      await response.body?.cancel();
      throw new PluginNetworkError(`The answer from ${url.host} is ${declared} bytes; plugins may receive at most ${cap}`);
    }
    if (!response.body) return '';
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      // Throwing out of the loop cancels the stream: the rest is never downloaded.
      if (size > cap) throw new PluginNetworkError(`The answer from ${url.host} is larger than the ${cap} bytes plugins may receive`);
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  }
}
