// Child process of bench/hub-catalog.bench.ts: either the Hub with a granted
// marketplace of PLUGINS plugins and CLIENTS tokens, or a plain static file server
// answering with the same bytes and ETag. Prints one JSON line once listening.
import { rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestHub } from '../hub/testing/hub.ts';
import { newRepo, writeMarketplace } from '../hub/testing/repos.ts';

const [mode, bodyFile, etag] = process.argv.slice(2);
if (mode === 'static') {
  const { readFileSync } = await import('node:fs');
  const body = readFileSync(bodyFile!);
  const server = createServer((req, res) => {
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { ETag: etag }).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(body.length), ETag: etag }).end(body);
  });
  server.listen(0, '127.0.0.1', () => process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/catalog.json` })}\n`));
} else {
  const plugins = Number(process.env.PLUGINS ?? 50);
  const clients = Number(process.env.CLIENTS ?? 200);
  const hub = await startTestHub({ rateLimit: { perMinute: 1e9, burst: 1e9 } });
  const repo = newRepo();
  process.on('SIGTERM', () => void hub.close().then(() => (rmSync(repo, { recursive: true, force: true }), process.exit(0))));
  writeMarketplace(repo, Array.from({ length: plugins }, (_, i) => ({ name: `plugin-${i}` })));
  const source = await hub.api<{ id: string }>(hub.adminToken, 'POST', '/api/admin/sources', { name: 'Bench', kind: 'git', url: `file://${repo}` });
  await hub.api(hub.adminToken, 'POST', `/api/admin/sources/${source.body.id}/sync`);
  await hub.api(hub.adminToken, 'POST', '/api/admin/groups', { name: 'team' });
  for (let i = 0; i < plugins; i++) await hub.api(hub.adminToken, 'POST', '/api/admin/grants', { ref: `bench/plugin-${i}`, group: 'team', granted: true });
  // Twenty people, ten desktops each: the catalog differs per person, not per desktop.
  const tokens: string[] = [];
  for (let p = 0; p < 20; p++) {
    const person = await hub.person(`person-${p}`, ['team']);
    tokens.push(person.token);
  }
  process.stdout.write(`${JSON.stringify({ url: `${hub.url}/catalog.json`, tokens: Array.from({ length: clients }, (_, i) => tokens[i % tokens.length]) })}\n`);
}
if (mode === 'static') process.on('SIGTERM', () => process.exit(0));
