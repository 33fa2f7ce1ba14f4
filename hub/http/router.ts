import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequest, HubError } from '../errors.ts';
import type { Caller } from '../people/people.ts';

/** `sync`: an admin, or the Hub's own daily schedule. */
export type Access = 'public' | 'token' | 'admin' | 'sync';

export interface Reply {
  status?: number;
  json?: unknown;
  body?: Buffer | string;
  headers?: Record<string, string>;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  params: Record<string, string>;
  /** Set for every route that is not public. */
  caller: Caller;
  body(): Promise<Record<string, unknown>>;
}

/** A reply of its own (a stream, a child process) returns nothing and writes `ctx.res` itself. */
export type Handler = (ctx: Ctx) => Promise<Reply | void>;

interface Route {
  method: string;
  pattern: RegExp;
  keys: string[];
  access: Access;
  handle: Handler;
}

export const MAX_JSON_BODY = 4 * 1024 * 1024;

export class Router {
  readonly #routes: Route[] = [];
  /** Routes without parameters by method and path: the polled ones are found without a scan. */
  readonly #exact = new Map<string, Route>();

  /** `path` may hold `:name` segments and end in `*` for "anything below". */
  add(method: string, path: string, access: Access, handle: Handler): void {
    const keys: string[] = [];
    const source = path
      .split('/')
      .map((part) => {
        if (part === '*') {
          keys.push('rest');
          return '(.*)';
        }
        if (part.startsWith(':')) {
          keys.push(part.slice(1));
          return '([^/]+)';
        }
        return part.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
      })
      .join('/');
    const route = { method, pattern: new RegExp(`^${source}$`), keys, access, handle };
    this.#routes.push(route);
    if (keys.length === 0 && !this.#exact.has(`${method} ${path}`)) this.#exact.set(`${method} ${path}`, route);
  }

  /** The route for a request, or the status that says why there is none (404, 405). */
  match(method: string, pathname: string): { route: Route; params: Record<string, string> } | number {
    const exact = this.#exact.get(`${method === 'HEAD' ? 'GET' : method} ${pathname}`);
    if (exact) return { route: exact, params: {} };
    let wrongMethod = false;
    for (const route of this.#routes) {
      const m = route.pattern.exec(pathname);
      if (!m) continue;
      if (route.method !== method && !(route.method === 'GET' && method === 'HEAD')) {
        wrongMethod = true;
        continue;
      }
      const params: Record<string, string> = {};
      route.keys.forEach((k, i) => (params[k] = decodeURIComponent(m[i + 1] ?? '')));
      return { route, params };
    }
    return wrongMethod ? 405 : 404;
  }
}

export async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_JSON_BODY) throw new HubError(413, `The request body is larger than ${MAX_JSON_BODY / 1024 / 1024} MB.`);
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return {};
  let value: unknown;
  try {
    value = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw badRequest('The request body must be a JSON object.');
  return value as Record<string, unknown>;
}

/** The token from `Authorization: Bearer …`, or the password of `Basic …` (the git CLI does not speak Bearer). */
export function bearerOf(req: IncomingMessage): string | null {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, value] = header.split(/\s+/, 2);
  if (!value) return null;
  if (/^bearer$/i.test(scheme ?? '')) return value;
  if (/^basic$/i.test(scheme ?? '')) {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) : null;
  }
  return null;
}

export function send(res: ServerResponse, reply: Reply): void {
  const status = reply.status ?? 200;
  const headers: Record<string, string> = { ...reply.headers };
  let body: Buffer | string | undefined = reply.body;
  if (reply.json !== undefined) {
    body = `${JSON.stringify(reply.json)}\n`;
    headers['Content-Type'] ??= 'application/json; charset=utf-8';
  }
  if (body !== undefined && status !== 304) headers['Content-Length'] = String(Buffer.byteLength(body));
  res.writeHead(status, headers);
  res.end(status === 304 || res.req.method === 'HEAD' ? undefined : body);
}
