import { X509Certificate } from 'node:crypto';
import { Agent, request as httpsRequest } from 'node:https';
import { request as httpRequest } from 'node:http';
import { connect, type TLSSocket } from 'node:tls';
import type { HubLog } from '../log.ts';

/** Milliseconds from `now` until the next `HH:MM` (server local time); a time that just passed is tomorrow. */
export function msUntilNext(at: string, now: Date): number {
  const [h, m] = at.split(':').map(Number) as [number, number];
  const next = new Date(now);
  next.setHours(h, m, 0, 0);
  if (next.getTime() <= now.getTime()) next.setDate(next.getDate() + 1);
  return next.getTime() - now.getTime();
}

export function checkSyncTime(at: string): string {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(at);
  if (!m) throw new Error(`The daily sync time must be HH:MM in 24-hour time, like 03:00, not "${at}".`);
  return at;
}

export interface DailySyncOptions {
  at: string;
  /** Where the Hub listens (loopback when it listens on every address). */
  target: () => URL;
  /** The Hub's own certificate, pinned when it speaks TLS itself. */
  cert: string | null;
  /** The per-process secret the Hub accepts on its sync endpoint in place of an admin token. */
  secret: string;
  log: HubLog;
}

/**
 * Runs "Sync all" every day at a set time by calling the Hub's own HTTP
 * endpoint, like any other client: the Hub process stays the only writer of
 * its database, and behind a load balancer any instance may take the call.
 */
export class DailySync {
  readonly #o: DailySyncOptions;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: DailySyncOptions) {
    this.#o = options;
  }

  start(now: () => Date = () => new Date()): void {
    const arm = () => {
      this.#timer = setTimeout(() => {
        void this.fire().finally(arm);
      }, msUntilNext(this.#o.at, now()));
      this.#timer.unref();
    };
    arm();
  }

  stop(): void {
    clearTimeout(this.#timer);
  }

  /** One scheduled sync: POST /api/admin/sources/sync. Resolves with the HTTP status. */
  fire(): Promise<number> {
    const url = new URL('/api/admin/sources/sync', this.#o.target());
    const headers = { 'X-Hub-Scheduler': this.#o.secret, 'Content-Length': '0' };
    return new Promise((resolve) => {
      const done = (res: import('node:http').IncomingMessage) => {
        res.resume();
        this.#o.log.info(`schedule: daily sync answered HTTP ${res.statusCode}`);
        resolve(res.statusCode ?? 0);
      };
      const req = this.#o.cert
        ? httpsRequest(url, { method: 'POST', headers, agent: pinnedAgent(this.#o.cert) }, done)
        : httpRequest(url, { method: 'POST', headers }, done);
      req.on('error', (err) => {
        this.#o.log.warn(`schedule: daily sync could not reach the Hub: ${err.message}`);
        resolve(0);
      });
      req.end();
    });
  }
}

/**
 * An agent that talks only to the holder of our own certificate: the
 * handshake is checked against its fingerprint before the secret is sent,
 * whichever CA issued it and whatever name it carries.
 */
function pinnedAgent(certPem: string): Agent {
  const fingerprint = new X509Certificate(certPem).fingerprint256;
  const agent = new Agent({ keepAlive: false });
  agent.createConnection = ((options: { host?: string; port?: number }, callback: (err: Error | null, socket?: TLSSocket) => void) => {
    const socket = connect({ host: options.host ?? '127.0.0.1', port: options.port ?? 443, rejectUnauthorized: false });
    socket.once('secureConnect', () => {
      if (socket.getPeerX509Certificate()?.fingerprint256 === fingerprint) callback(null, socket);
      else {
        socket.destroy();
        callback(new Error('the Hub answered with a certificate that is not its own'));
      }
    });
    socket.once('error', (err) => callback(err));
    return undefined;
  }) as unknown as Agent['createConnection'];
  return agent;
}
