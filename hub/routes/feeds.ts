import { createReadStream, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { HubError, notFound } from '../errors.ts';
import type { CatalogFeed } from '../feeds/catalog.ts';
import type { Grants } from '../feeds/grants.ts';
import type { HubKey } from '../feeds/signing.ts';
import type { Router } from '../http/router.ts';
import type { Sources } from '../sources/sources.ts';

const PRIVATE = { 'Cache-Control': 'private, no-cache', Vary: 'Authorization' };

/** What desktops read: the caller's signed catalog, its signature, and the archives it lists. */
export function feedRoutes(router: Router, grants: Grants, catalog: CatalogFeed, sources: Sources, key: HubKey, origin: () => string): void {
  router.add('GET', '/api/hub-key', 'public', async () => ({ json: { publicKey: key.publicKeyBase64, algorithm: 'ed25519' } }));
  router.add('GET', '/api/admin/grants', 'admin', async () => ({ json: await grants.list() }));
  router.add('POST', '/api/admin/grants', 'admin', async ({ caller, body }) => ({ json: await grants.set(caller.userName, await body()) }));

  router.add('GET', '/catalog.json', 'token', async ({ caller, req }) => {
    const signed = await catalog.for(caller, origin());
    const headers = { ...PRIVATE, ETag: signed.etag };
    if (req.headers['if-none-match'] === signed.etag) return { status: 304, headers };
    return { body: signed.body, headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' } };
  });
  router.add('GET', '/catalog.json.sig', 'token', async ({ caller }) => {
    const signed = await catalog.for(caller, origin());
    return { body: signed.signature, headers: { ...PRIVATE, ETag: signed.etag, 'Content-Type': 'text/plain' } };
  });

  router.add('GET', '/archives/:file', 'token', async ({ caller, params, req, res }) => {
    const m = /^([0-9a-f]{64})\.tgz$/.exec(params.file!);
    if (!m) throw notFound('Nothing is served at this address.');
    const sha = m[1]!;
    const view = await grants.view(caller);
    if (!view.some((p) => p.kind === 'switchboard' && p.contentHash === sha)) throw new HubError(404, 'No plugin granted to you has this archive.');
    const path = join(sources.archivesDir(), sha);
    if (!existsSync(path)) throw notFound('The archive is missing from the Hub; ask an admin to sync its source.');
    const etag = `"${sha}"`;
    if (req.headers['if-none-match'] === etag) return { status: 304, headers: { ETag: etag } };
    res.writeHead(200, { ...PRIVATE, ETag: etag, 'Content-Type': 'application/gzip', 'Content-Length': String(statSync(path).size) });
    createReadStream(path).pipe(res);
  });
}
