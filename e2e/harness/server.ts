import { randomBytes, timingSafeEqual } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { WebSocketServer, type WebSocket } from 'ws';
import type { NativeNotifier } from '../../main/notifications/notifications.ts';
import { startServices, type AppServices, type ServiceOptions } from '../../main/services.ts';
import { harnessSaveDialog, type HarnessSaveDialog } from './save-dialog.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** SWITCHBOARD_RENDERER_DIR lets one test run serve its own build while others rebuild out/renderer. */
export const RENDERER_DIR = process.env.SWITCHBOARD_RENDERER_DIR ? resolve(process.env.SWITCHBOARD_RENDERER_DIR) : join(ROOT, 'out', 'renderer');
const BRIDGE_SOURCE = join(ROOT, 'e2e', 'harness', 'bridge.ts');
const APP_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

export interface HarnessOptions {
  dataDir: string;
  port?: number;
  token?: string;
  mirrorLog?: boolean;
  /** Home folder for agent transcripts (`<home>/.claude/projects`, `<home>/.codex/sessions`); `<dataDir>/home` by default. */
  agentHome?: string;
  /** CA certificates (PEM) the marketplace trusts besides the usual roots: the tests' HTTPS server. */
  extraCa?: string[];
  /** An app updater to drive instead of "the harness does not update itself": the e2e update spec's loopback feed. */
  updater?: ServiceOptions['updater'];
  /** The public key Pro licences are checked against (base64): a spec's own, so it signs its own licences. */
  licensePublicKey?: string;
}

export interface Harness {
  url: string;
  token: string;
  dataDir: string;
  services: AppServices;
  /** Where the stand-in for desktop notifications writes, one JSON object a line. */
  nativeLog: string;
  /** The stand-in for the OS save dialog of `agor.files.save`; queue its next answers. */
  saveDialog: HarnessSaveDialog;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

/** Desktop notifications in the harness: a log the tests can read. */
export function logFileNotifier(file: string): NativeNotifier {
  return {
    isSupported: () => true,
    show: (n) => appendFileSync(file, `${JSON.stringify({ type: n.type, title: n.title, message: n.message })}\n`),
  };
}

function sameToken(given: string | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The browser harness: the real services in Node, the real renderer in a
 * browser, and a WebSocket in place of Electron IPC. Loopback only; every
 * socket must present the random token printed with the URL.
 */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  if (!existsSync(join(RENDERER_DIR, 'index.html'))) {
    throw new Error(`The renderer is not built (${RENDERER_DIR} is missing). Run: npm run build:web`);
  }
  const token = options.token ?? randomBytes(24).toString('base64url');
  const nativeLog = join(options.dataDir, 'native-notifications.log');
  const saveDialog = harnessSaveDialog(options.dataDir);
  const services = startServices({
    dataDir: options.dataDir,
    appVersion: APP_VERSION,
    native: logFileNotifier(nativeLog),
    mirrorLog: options.mirrorLog ?? false,
    // Never the real ~/.claude or ~/.codex: each harness follows transcripts in its own folder.
    agentHome: options.agentHome ?? join(options.dataDir, 'home'),
    extraCa: options.extraCa,
    // No system browser here: links the app would open are written to a log the tests can read.
    openExternal: (url) => appendFileSync(join(options.dataDir, 'opened-links.log'), `${url}\n`),
    saveDialog: saveDialog.dialog,
    ...(options.updater ? { updater: options.updater } : {}),
    ...(options.licensePublicKey ? { marketplace: { licensePublicKey: options.licensePublicKey } } : {}),
  });
  const bridge = ts.transpileModule(readFileSync(BRIDGE_SOURCE, 'utf8'), { compilerOptions: { target: ts.ScriptTarget.ES2022 } }).outputText;

  let origin = '';
  const server = createServer((req, res) => serve(req, res));
  const sockets = new WebSocketServer({ noServer: true, maxPayload: 8 * 1024 * 1024 });

  function serve(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', origin);
    const headers = {
      'Content-Security-Policy': `default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self' ${origin.replace('http', 'ws')}; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': 'no-store',
    };
    if (url.pathname === '/__harness/bridge.js') {
      res.writeHead(200, { ...headers, 'Content-Type': MIME['.js']! }).end(bridge);
      return;
    }
    let relative: string;
    try {
      relative = url.pathname === '/' ? 'index.html' : decodeURIComponent(url.pathname).replace(/^\/+/, '');
    } catch {
      res.writeHead(400, headers).end('Bad request');
      return;
    }
    const file = normalize(join(RENDERER_DIR, relative));
    if (!file.startsWith(RENDERER_DIR + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, headers).end('Not found');
      return;
    }
    let body: Buffer | string = readFileSync(file);
    if (relative === 'index.html') {
      body = body.toString('utf8').replace('<head>', '<head>\n    <script src="/__harness/bridge.js"></script>');
    }
    res.writeHead(200, { ...headers, 'Content-Type': MIME[extname(file)] ?? 'application/octet-stream' }).end(body);
  }

  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', origin);
    if (url.pathname !== '/__harness/ws' || !sameToken(url.searchParams.get('token'), token) || req.headers.origin !== origin) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attach(ws));
  });

  function attach(ws: WebSocket): void {
    const unsubscribe = services.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ event, payload }));
    });
    ws.on('close', unsubscribe);
    ws.on('message', async (data) => {
      let message: unknown;
      try {
        message = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof message !== 'object' || message === null || !('id' in message) || typeof message.id !== 'number') return;
      const { id, channel, args } = message as { id: number; channel?: unknown; args?: unknown };
      const envelope = await services.dispatch(String(channel), args);
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id, envelope }));
    });
  }

  await new Promise<void>((resolveListen) => server.listen(options.port ?? 0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;

  return {
    url: `${origin}/?token=${token}`,
    token,
    dataDir: options.dataDir,
    services,
    nativeLog,
    saveDialog,
    close: async () => {
      for (const client of sockets.clients) client.terminate();
      const closed = new Promise<void>((r) => server.close(() => r()));
      // A browser keeps idle keep-alive connections open; close() alone would wait for them.
      server.closeAllConnections();
      await closed;
      await services.close();
    },
  };
}
