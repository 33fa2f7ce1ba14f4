import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestCertificates {
  /** PEM of the throwaway CA: what the client under test is told to trust. */
  ca: string;
  cert: string;
  key: string;
}

let cached: TestCertificates | undefined;

/**
 * A CA and a server certificate for 127.0.0.1, made with openssl at test
 * time and never written anywhere that outlives the run.
 */
export function testCertificates(): TestCertificates {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), 'switchboard-test-ca-'));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=Switchboard Test CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1');
    writeFileSync(join(dir, 'ext.cnf'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
    ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'ext.cnf');
    const read = (name: string) => readFileSync(join(dir, name), 'utf8');
    cached = { ca: read('ca.crt'), cert: read('server.crt'), key: read('server.key') };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void;

interface StaticRoute {
  body: Buffer;
  headers: Record<string, string>;
}

/**
 * A real HTTPS server on 127.0.0.1 for catalogs and archives. Static bodies
 * get an ETag and honour If-None-Match; any path can instead be a handler
 * that misbehaves on purpose.
 */
export class TestHttpsServer {
  readonly certificates: TestCertificates;
  readonly #server: Server;
  readonly #static = new Map<string, StaticRoute>();
  readonly #handlers = new Map<string, RouteHandler>();
  /** Every request seen: path, method and selected headers, for assertions. */
  readonly requests: { path: string; authorization?: string; ifNoneMatch?: string }[] = [];
  origin = '';

  private constructor(certificates: TestCertificates) {
    this.certificates = certificates;
    this.#server = createServer({ cert: certificates.cert, key: certificates.key }, (req, res) => this.#serve(req, res));
  }

  static async start(): Promise<TestHttpsServer> {
    const server = new TestHttpsServer(testCertificates());
    await new Promise<void>((resolve) => server.#server.listen(0, '127.0.0.1', resolve));
    server.origin = `https://127.0.0.1:${(server.#server.address() as AddressInfo).port}`;
    return server;
  }

  url(path: string): string {
    return `${this.origin}${path}`;
  }

  /** Serves fixed bytes at `path` (replacing what was there), with a content-derived ETag. */
  put(path: string, body: Buffer | string, headers: Record<string, string> = {}): string {
    this.#handlers.delete(path);
    const bytes = Buffer.isBuffer(body) ? body : Buffer.from(body);
    this.#static.set(path, { body: bytes, headers });
    return this.url(path);
  }

  handle(path: string, handler: RouteHandler): string {
    this.#static.delete(path);
    this.#handlers.set(path, handler);
    return this.url(path);
  }

  remove(path: string): void {
    this.#static.delete(path);
    this.#handlers.delete(path);
  }

  requestsFor(path: string) {
    return this.requests.filter((r) => r.path === path);
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #serve(req: IncomingMessage, res: ServerResponse): void {
    const path = new URL(req.url ?? '/', this.origin).pathname;
    this.requests.push({
      path,
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      ...(req.headers['if-none-match'] ? { ifNoneMatch: String(req.headers['if-none-match']) } : {}),
    });
    const handler = this.#handlers.get(path);
    if (handler) return handler(req, res);
    const route = this.#static.get(path);
    if (!route) {
      res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found');
      return;
    }
    const etag = `"${hashOf(route.body)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag }).end();
      return;
    }
    res.writeHead(200, { 'Content-Length': String(route.body.length), ETag: etag, ...route.headers }).end(route.body);
  }
}

function hashOf(body: Buffer): string {
  return createHash('sha256').update(body).digest('hex').slice(0, 16);
}

/** A plain-http server on 127.0.0.1, the target of "redirect to http" tests. */
export async function startPlainHttp(handler: RouteHandler): Promise<{ origin: string; close(): Promise<void> }> {
  const server: HttpServer = createHttpServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
