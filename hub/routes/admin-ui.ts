import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, sep } from 'node:path';
import type { Router } from '../http/router.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};
/** The UI talks only to its own origin; the token stays in the tab's session storage. */
const CSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'";

/** The admin UI's built files (`npm run build:hub-ui`), served at /admin/. */
export function adminUiRoutes(router: Router, uiDir: string): void {
  router.add('GET', '/', 'public', async () => ({ status: 302, headers: { Location: '/admin/' } }));
  router.add('GET', '/admin', 'public', async () => ({ status: 302, headers: { Location: '/admin/' } }));
  router.add('GET', '/admin/*', 'public', async ({ params, res }) => {
    if (!existsSync(join(uiDir, 'index.html'))) {
      return { status: 503, body: 'The admin UI is not built. Run: npm run build:hub-ui\n', headers: { 'Content-Type': 'text/plain; charset=utf-8' } };
    }
    const wanted = normalize(join(uiDir, params.rest || 'index.html'));
    const inside = wanted.startsWith(`${uiDir}${sep}`);
    const file = inside && existsSync(wanted) && statSync(wanted).isFile() ? wanted : join(uiDir, 'index.html');
    res.writeHead(200, {
      'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
      'Content-Length': String(statSync(file).size),
      'Content-Security-Policy': CSP,
      'X-Content-Type-Options': 'nosniff',
      'Cache-Control': file.endsWith('index.html') ? 'no-cache' : 'public, max-age=31536000, immutable',
    });
    createReadStream(file).pipe(res);
  });
}
