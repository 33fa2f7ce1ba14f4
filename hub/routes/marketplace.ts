import { createReadStream, statSync } from 'node:fs';
import { notFound } from '../errors.ts';
import type { Grants } from '../feeds/grants.ts';
import type { MarketplaceCache } from '../feeds/marketplace.ts';
import { setupLines, setupPage } from '../feeds/setup.ts';
import { serveGitHttpBackend } from '../git/http-backend.ts';
import type { Router } from '../http/router.ts';

/** The smart-HTTP paths git asks for when cloning and fetching. */
const GIT_PATHS = /^(info\/refs|git-upload-pack|git-receive-pack)$/;

/** The Claude Code marketplace, re-served per caller: ZIP, git smart HTTP, info and the setup page. */
export function marketplaceRoutes(router: Router, grants: Grants, cache: MarketplaceCache, cacheDir: string, name: string, origin: () => string): void {
  router.add('GET', '/marketplace.zip', 'token', async ({ caller, req, res }) => {
    const build = await cache.get(await grants.view(caller));
    const etag = `"${build.hash}"`;
    const headers = { ETag: etag, 'Cache-Control': 'private, no-cache', Vary: 'Authorization' };
    if (req.headers['if-none-match'] === etag) return { status: 304, headers };
    res.writeHead(200, {
      ...headers,
      'Content-Type': 'application/zip',
      'Content-Length': String(statSync(build.zip).size),
      'Content-Disposition': `attachment; filename="${name}.zip"`,
    });
    createReadStream(build.zip).pipe(res);
  });

  const git = async ({ caller, params, req, res }: Parameters<Parameters<Router['add']>[3]>[0]) => {
    const rest = params.rest ?? '';
    if (!GIT_PATHS.test(rest)) throw notFound('Only git smart HTTP is served here: clone this address with git.');
    const build = await cache.get(await grants.view(caller));
    serveGitHttpBackend(req, res, { projectRoot: cacheDir, pathInfo: `/${build.hash}/repo.git/${rest}`, remoteUser: caller.userName });
  };
  router.add('GET', '/marketplace.git/*', 'token', git);
  router.add('POST', '/marketplace.git/*', 'token', git);

  router.add('GET', '/marketplace/info', 'token', async ({ caller }) => {
    const build = await cache.get(await grants.view(caller));
    return {
      json: {
        name,
        commit: build.commit,
        etag: `"${build.hash}"`,
        zip: `${origin()}/marketplace.zip`,
        git: `${origin()}/marketplace.git`,
        plugins: build.plugins,
        setup: setupLines(origin(), name),
        setupPage: `${origin()}/marketplace/setup`,
      },
    };
  });
  router.add('GET', '/marketplace/setup', 'public', async () => ({
    body: setupPage(origin(), name),
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'" },
  }));
}
