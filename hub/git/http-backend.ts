import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface BackendRequest {
  /** The folder holding the repositories. */
  projectRoot: string;
  /** The path below it: `/<repo>/info/refs`, `/<repo>/git-upload-pack`. */
  pathInfo: string;
  remoteUser: string;
}

/**
 * git smart HTTP through the real `git http-backend` (CGI). Only fetching is
 * offered: pushes are refused before the backend is started.
 */
export function serveGitHttpBackend(req: IncomingMessage, res: ServerResponse, target: BackendRequest): void {
  const url = new URL(req.url ?? '/', 'http://hub');
  if (/git-receive-pack/.test(target.pathInfo) || url.searchParams.get('service') === 'git-receive-pack') {
    res.writeHead(403, { 'Content-Type': 'text/plain' }).end('This repository is read-only.\n');
    return;
  }
  const child = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH,
      GIT_PROJECT_ROOT: target.projectRoot,
      GIT_HTTP_EXPORT_ALL: '1',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      PATH_INFO: target.pathInfo,
      QUERY_STRING: url.search.slice(1),
      REQUEST_METHOD: req.method ?? 'GET',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      ...(req.headers['content-length'] ? { CONTENT_LENGTH: req.headers['content-length'] } : {}),
      ...(req.headers['content-encoding'] ? { HTTP_CONTENT_ENCODING: req.headers['content-encoding'] } : {}),
      ...(req.headers['git-protocol'] ? { GIT_PROTOCOL: String(req.headers['git-protocol']) } : {}),
      REMOTE_USER: target.remoteUser,
      REMOTE_ADDR: req.socket.remoteAddress ?? '',
    },
    stdio: ['pipe', 'pipe', 'ignore'],
  });
  req.pipe(child.stdin);
  child.stdin.on('error', () => undefined);
  let head = Buffer.alloc(0);
  let started = false;
  child.stdout.on('data', (chunk: Buffer) => {
    if (started) {
      res.write(chunk);
      return;
    }
    head = Buffer.concat([head, chunk]);
    const end = head.indexOf('\r\n\r\n');
    if (end < 0) return;
    started = true;
    let status = 200;
    const headers: Record<string, string> = {};
    for (const line of head.subarray(0, end).toString('latin1').split('\r\n')) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10) || 200;
      else headers[name] = value;
    }
    res.writeHead(status, headers);
    res.write(head.subarray(end + 4));
  });
  child.on('close', (code) => {
    if (!started) res.writeHead(502, { 'Content-Type': 'text/plain' }).end(`git http-backend failed (exit ${code}).\n`);
    else res.end();
  });
  res.on('close', () => child.kill());
}
