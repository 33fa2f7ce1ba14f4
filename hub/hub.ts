import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { HubError } from './errors.ts';
import { bearerOf, readJson, Router, send, type Ctx } from './http/router.ts';
import { redactingLog, type HubLog } from './log.ts';
import { HubAudit } from './people/audit.ts';
import { People } from './people/people.ts';
import { RateLimiter } from './people/rate-limit.ts';
import { Redactor } from './redact.ts';
import { Generation } from './state.ts';
import { peopleRoutes } from './routes/people.ts';
import { sourceRoutes } from './routes/sources.ts';
import { feedRoutes } from './routes/feeds.ts';
import { CatalogFeed } from './feeds/catalog.ts';
import { Grants } from './feeds/grants.ts';
import { loadHubKey, type HubKey } from './feeds/signing.ts';
import { MarketplaceCache } from './feeds/marketplace.ts';
import { marketplaceRoutes } from './routes/marketplace.ts';
import { usageRoutes } from './routes/usage.ts';
import { adminUiRoutes } from './routes/admin-ui.ts';
import { resolve } from 'node:path';
import { TeamUsage } from './usage/usage.ts';
import { join } from 'node:path';
import { DEFAULT_REPO_LIMITS, type RepoLimits } from './sources/claude.ts';
import { checkSyncTime, DailySync } from './sources/schedule.ts';
import { SecretFiles } from './sources/secrets.ts';
import { Sources } from './sources/sources.ts';
import type { HubDb } from './storage/db.ts';
import { openHubDb } from './storage/open.ts';

export interface HubConfig {
  dataDir: string;
  /** Loopback unless told otherwise. */
  host?: string;
  port?: number;
  /** PEM certificate and key: the Hub speaks HTTPS itself. Without them, put a TLS reverse proxy in front. */
  tls?: { cert: string; key: string };
  /** PostgreSQL instead of the SQLite file in the data folder. */
  databaseUrl?: string;
  /** The address clients reach the Hub at, when it differs from where it listens (a reverse proxy). */
  publicUrl?: string;
  rateLimit?: { perMinute: number; burst: number };
  /** Daily "Sync all" at this local time (HH:MM); null turns the schedule off. */
  syncAt?: string | null;
  /** Certificate authorities (PEM) trusted for catalog sources besides the usual roots. */
  extraCa?: string[];
  repoLimits?: RepoLimits;
  /** The re-served Claude Code marketplace's name. */
  marketplaceName?: string;
  /** Re-served marketplaces nobody used for this long are removed from the cache (default: a day). */
  cacheKeepMs?: number;
  /** How stale this instance's view of changes made by other instances may be (default 500 ms). */
  sharedStateMaxAgeMs?: number;
  /** The built admin UI (default: out/hub-ui in the repository). */
  uiDir?: string;
  /** Where log lines go (already redacted). */
  write?: (line: string) => void;
  now?: () => Date;
}

export interface RunningHub {
  url: string;
  db: HubDb;
  /** The PostgreSQL URL when it runs on PostgreSQL, for a restart on the same database. */
  databaseUrl: string | undefined;
  people: People;
  log: HubLog;
  redactor: Redactor;
  sources: Sources;
  key: HubKey;
  schedule: DailySync | null;
  /** The first admin's token, only on the start that created it. */
  firstAdmin: { userName: string; token: string } | null;
  close(): Promise<void>;
}

/** The parts every route module is given. */
export interface HubParts {
  config: Required<Pick<HubConfig, 'dataDir'>> & HubConfig;
  db: HubDb;
  router: Router;
  people: People;
  audit: HubAudit;
  log: HubLog;
  redactor: Redactor;
  now: () => Date;
  /** The Hub's own address as clients see it; known once it listens. */
  origin: () => string;
}

/** The Hub's composition root: storage, people, routes and the HTTP(S) server. */
export async function startHub(config: HubConfig): Promise<RunningHub> {
  const now = config.now ?? (() => new Date());
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const redactor = new Redactor();
  const log = redactingLog(redactor, config.write ?? ((line) => process.stdout.write(`${line}\n`)));
  const db = await openHubDb(config.dataDir, config.databaseUrl, now);
  const audit = new HubAudit(db, now);
  const generation = new Generation(db, config.sharedStateMaxAgeMs ?? 500);
  const people = new People(db, audit, now, generation);
  const router = new Router();
  const limiter = new RateLimiter(config.rateLimit ?? { perMinute: 600, burst: 120 });
  let origin = config.publicUrl?.replace(/\/+$/, '') ?? '';
  const parts: HubParts = { config, db, router, people, audit, log, redactor, now, origin: () => origin };
  const changed = () => generation.bump();
  const sources = new Sources({
    db,
    audit,
    secrets: new SecretFiles(config.dataDir, redactor),
    redactor,
    log,
    dataDir: config.dataDir,
    extraCa: config.extraCa ?? [],
    limits: config.repoLimits ?? DEFAULT_REPO_LIMITS,
    now,
    changed,
  });
  const schedulerSecret = randomBytes(32);
  peopleRoutes(router, people, audit);
  sourceRoutes(router, sources);
  const key = loadHubKey(config.dataDir);
  const grants = new Grants(db, audit, sources, now, changed);
  feedRoutes(router, grants, new CatalogFeed(db, grants, key, now), sources, key, () => origin);
  const cacheDir = join(config.dataDir, 'cache', 'marketplace');
  const marketplaceName = config.marketplaceName ?? 'switchboard-hub';
  const cache = new MarketplaceCache({
    cacheDir,
    checkoutsDir: sources.marketplacesDir(),
    marketplaceName,
    keepMs: config.cacheKeepMs ?? 24 * 3600_000,
    redactor,
    now,
  });
  marketplaceRoutes(router, grants, cache, cacheDir, marketplaceName, () => origin);
  usageRoutes(router, new TeamUsage(db, now, people));
  adminUiRoutes(router, resolve(config.uiDir ?? join(import.meta.dirname, '..', 'out', 'hub-ui')));

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    void serve(parts, limiter, schedulerSecret, req, res).catch((err: unknown) => {
      const status = err instanceof HubError ? err.status : 500;
      const message = err instanceof HubError ? err.message : 'The Hub failed to answer this request; the error is in its log.';
      if (!(err instanceof HubError)) log.warn(`${req.method} ${new URL(req.url ?? '/', 'http://hub').pathname}: ${(err as Error).stack ?? String(err)}`);
      if (res.headersSent) {
        res.destroy();
        return;
      }
      const headers: Record<string, string> = status === 401 ? { 'WWW-Authenticate': 'Basic realm="Switchboard Hub", charset="UTF-8"' } : {};
      if (err instanceof HubError && err.status === 429) headers['Retry-After'] = String((err as HubError & { retryAfter?: number }).retryAfter ?? 1);
      send(res, { status, json: { error: redactor.redact(message) }, headers });
    });
  };
  const server: Server = config.tls ? createHttpsServer({ cert: config.tls.cert, key: config.tls.key }, handle) : createHttpServer(handle);
  const host = config.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port ?? 0, host, resolve);
  });
  const port = (server.address() as AddressInfo).port;
  const shownHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  origin ||= `${config.tls ? 'https' : 'http'}://${shownHost}:${port}`;
  const firstAdmin = await people.firstStart();
  log.info(`hub: listening on ${origin}`);
  const syncAt = config.syncAt === undefined ? '03:00' : config.syncAt;
  const schedule = syncAt
    ? new DailySync({
        at: checkSyncTime(syncAt),
        target: () => new URL(`${config.tls ? 'https' : 'http'}://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : shownHost}:${port}`),
        cert: config.tls?.cert ?? null,
        secret: schedulerSecret.toString('base64url'),
        log,
      })
    : null;
  schedule?.start(now);
  return {
    url: origin,
    db,
    databaseUrl: config.databaseUrl,
    people,
    log,
    redactor,
    sources,
    key,
    schedule,
    firstAdmin,
    close: async () => {
      schedule?.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await db.close();
    },
  };
}

/** The daily schedule's pseudo-caller: it may only reach `sync` routes. */
const SCHEDULER: Ctx['caller'] = { userId: '', userName: 'scheduler', tokenId: 'scheduler', groupIds: [], admin: true, generation: '' };

function isScheduler(req: IncomingMessage, secret: Buffer): boolean {
  const given = req.headers['x-hub-scheduler'];
  if (typeof given !== 'string') return false;
  const bytes = Buffer.from(given, 'base64url');
  return bytes.length === secret.length && timingSafeEqual(bytes, secret);
}

async function serve(parts: HubParts, limiter: RateLimiter, schedulerSecret: Buffer, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://hub');
  const found = parts.router.match(req.method ?? 'GET', url.pathname);
  if (typeof found === 'number') throw new HubError(found, found === 405 ? 'This address does not accept that method.' : 'Nothing is served at this address.');
  const { route, params } = found;
  let caller = null as unknown as Ctx['caller'];
  if (route.access === 'sync' && isScheduler(req, schedulerSecret)) {
    caller = SCHEDULER;
  } else if (route.access !== 'public') {
    const token = bearerOf(req);
    if (!token) throw new HubError(401, 'This needs a Hub token: send "Authorization: Bearer <token>".');
    caller = await parts.people.authenticate(token);
    const wait = limiter.take(caller.tokenId);
    if (wait !== null) throw Object.assign(new HubError(429, `Too many requests with this token; try again in ${wait} s.`), { retryAfter: wait });
    if ((route.access === 'admin' || route.access === 'sync') && !caller.admin) throw new HubError(403, 'Only members of the admin group can do this.');
  }
  let parsed: Promise<Record<string, unknown>> | undefined;
  const ctx: Ctx = { req, res, url, params, caller, body: () => (parsed ??= readJson(req)) };
  const reply = await route.handle(ctx);
  if (reply) send(res, reply);
}
