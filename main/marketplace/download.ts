import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { AppError } from '../../app/contract/envelope.ts';
import type { HttpFetch } from './http.ts';

export const MAX_REDIRECTS = 5;
/** The largest plugin archive accepted; it is held in memory between download and extraction. */
export const MAX_ARCHIVE_BYTES = 64 * 1024 * 1024;
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308]);

/** Where an archive comes from: the network, or the app's own built-in catalog folder. */
export type ArchiveLocation = { kind: 'https'; url: string } | { kind: 'bundled'; path: string };

export interface DownloadRequest {
  location: ArchiveLocation;
  /** Declared by the catalog: reading stops there and a longer body is refused. */
  size: number;
  /** SHA-256 hex declared by the catalog. */
  checksum: string;
  /** Sent as `Authorization` to the first origin only (a token or a license key). */
  authorization?: string;
  /** Explains a 401/403 in the user's terms (for example "needs a valid license key"). */
  deniedMessage?: string;
}

export interface DownloadOptions {
  fetch: HttpFetch;
  signal: AbortSignal;
  /** Gives up when no byte arrives for this long (and for the response headers). */
  idleTimeoutMs: number;
  /** Gives up when the whole download takes longer than this, however steadily bytes trickle in. */
  deadlineMs: number;
  onProgress?: (received: number, total: number) => void;
}

/**
 * The overall time a download of `size` bytes may take: a minute to get
 * going plus the time at 50 KB/s, slow enough for a poor connection, so only
 * a server that drips bytes to hold the install open ever reaches it.
 */
export function downloadDeadlineMs(size: number): number {
  return 60_000 + Math.ceil(size / (50 * 1024)) * 1000;
}

export const cancelled = (): AppError => new AppError('cancelled', 'Cancelled. Nothing was changed.');

/**
 * Downloads an archive into memory (at most MAX_ARCHIVE_BYTES, so a plugin
 * never costs more than that), hashing it on the way. It resolves only
 * when exactly `size` bytes arrived and their SHA-256 equals `checksum`;
 * everything else throws a specific error.
 */
export async function downloadArchive(req: DownloadRequest, options: DownloadOptions): Promise<Buffer> {
  if (req.size > MAX_ARCHIVE_BYTES) {
    throw new AppError('refused', `The archive is ${Math.round(req.size / 1024 / 1024)} MB; plugins can be at most ${MAX_ARCHIVE_BYTES / 1024 / 1024} MB.`);
  }
  const control = new AbortController();
  const onCancel = () => control.abort(cancelled());
  if (options.signal.aborted) throw cancelled();
  options.signal.addEventListener('abort', onCancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  const armIdle = () => {
    clearTimeout(timer);
    timer = setTimeout(
      () => control.abort(new AppError('network', `The download timed out: nothing arrived for ${durationText(options.idleTimeoutMs)}.`)),
      options.idleTimeoutMs,
    );
  };
  const deadline = setTimeout(
    () =>
      control.abort(
        new AppError('network', `The download took longer than ${durationText(options.deadlineMs)} in all and was stopped. Nothing was installed.`),
      ),
    options.deadlineMs,
  );
  try {
    armIdle();
    const body = req.location.kind === 'bundled' ? bundledBody(req.location.path) : await openHttps(req, options.fetch, control.signal);
    return await streamToMemory(body, req, control.signal, armIdle, options.onProgress);
  } catch (err) {
    if (control.signal.aborted) throw control.signal.reason;
    throw err;
  } finally {
    clearTimeout(timer);
    clearTimeout(deadline);
    options.signal.removeEventListener('abort', onCancel);
  }
}

function bundledBody(path: string): ReadableStream<Uint8Array> {
  return Readable.toWeb(createReadStream(path)) as ReadableStream<Uint8Array>;
}

export interface HttpsGetInit {
  headers: Record<string, string>;
  /** Sent to the first origin only; dropped when a redirect leaves it. */
  authorization?: string;
  signal: AbortSignal;
  /** Starts error sentences: "The download", "The catalog". */
  what: string;
}

/**
 * GET that follows redirects itself: every hop must be https, at most
 * MAX_REDIRECTS of them, and credentials never follow a redirect to another
 * origin. Returns the first non-redirect response, whatever its status.
 */
export async function httpsGet(fetch: HttpFetch, address: string, init: HttpsGetInit): Promise<Response> {
  let url = httpsOnly(address, `${init.what} address`);
  const firstOrigin = url.origin;
  for (let hops = 0; ; hops++) {
    const headers = { ...init.headers };
    if (init.authorization && url.origin === firstOrigin) headers.Authorization = init.authorization;
    let res: Response;
    try {
      res = await fetch(url.href, { headers, signal: init.signal });
    } catch (err) {
      if (init.signal.aborted) throw init.signal.reason;
      throw new AppError('network', `${init.what} could not be fetched from ${url.host}: ${reasonOf(err)}.`);
    }
    if (!REDIRECT_STATUS.has(res.status)) return res;
    await res.body?.cancel();
    if (hops + 1 > MAX_REDIRECTS) throw new AppError('refused', `${init.what} was redirected more than ${MAX_REDIRECTS} times; refused.`);
    const location = res.headers.get('location');
    if (!location) throw new AppError('network', `${init.what} server answered HTTP ${res.status} without saying where to go.`);
    url = httpsOnly(new URL(location, url).href, `${init.what} was redirected to an address that`);
  }
}

async function openHttps(req: DownloadRequest, fetch: HttpFetch, signal: AbortSignal): Promise<ReadableStream<Uint8Array>> {
  const res = await httpsGet(fetch, req.location.kind === 'https' ? req.location.url : '', {
    headers: { Accept: 'application/octet-stream, application/gzip, */*' },
    authorization: req.authorization,
    signal,
    what: 'The download',
  });
  if (res.status === 401 || res.status === 403) {
    await res.body?.cancel();
    throw new AppError('permission_denied', req.deniedMessage ?? `The download server refused access (HTTP ${res.status}).`);
  }
  if (!res.ok || !res.body) {
    await res.body?.cancel();
    throw new AppError('network', `The download failed: the server answered HTTP ${res.status}.`);
  }
  const announced = Number(res.headers.get('content-length') ?? NaN);
  if (Number.isFinite(announced) && announced > req.size) {
    await res.body.cancel();
    throw tooLarge(req.size);
  }
  return res.body;
}

/** Throws unless `raw` is an https:// URL. `what` starts the sentence. */
export function httpsOnly(raw: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new AppError('refused', `${what} is not a valid address: "${raw.slice(0, 200)}".`);
  }
  if (url.protocol !== 'https:') {
    throw new AppError('refused', `${what} does not use https:// (${url.protocol}//…); only https:// is allowed, so it was refused.`);
  }
  return url;
}

async function streamToMemory(
  body: ReadableStream<Uint8Array>,
  req: DownloadRequest,
  signal: AbortSignal,
  onData: () => void,
  onProgress?: (received: number, total: number) => void,
): Promise<Buffer> {
  const hash = createHash('sha256');
  const reader = body.getReader();
  const stop = () => void reader.cancel(signal.reason).catch(() => undefined);
  signal.addEventListener('abort', stop, { once: true });
  const chunks: Uint8Array[] = [];
  let received = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (signal.aborted) throw signal.reason;
      if (done) break;
      onData();
      received += value.byteLength;
      if (received > req.size) {
        await reader.cancel();
        throw tooLarge(req.size);
      }
      hash.update(value);
      chunks.push(value);
      onProgress?.(received, req.size);
    }
  } catch (err) {
    if (signal.aborted) throw signal.reason;
    if (err instanceof AppError) throw err;
    throw new AppError('network', `The download broke off after ${received} of ${req.size} bytes: ${reasonOf(err)}.`);
  } finally {
    signal.removeEventListener('abort', stop);
  }
  if (received < req.size) {
    throw new AppError('network', `The download ended early: ${received} of ${req.size} bytes arrived. Nothing was installed.`);
  }
  const actual = hash.digest('hex');
  if (actual !== req.checksum.toLowerCase()) {
    throw new AppError(
      'refused',
      `The downloaded archive does not match the catalog's SHA-256 checksum (expected ${req.checksum.slice(0, 12)}…, got ${actual.slice(0, 12)}…); refused.`,
    );
  }
  return Buffer.concat(chunks, received);
}

function durationText(ms: number): string {
  return ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`;
}

function tooLarge(size: number): AppError {
  return new AppError('refused', `The download is larger than the ${size} bytes the catalog declared; refused.`);
}

function reasonOf(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = (err as { code?: string }).code ?? cause?.code;
  const message = err instanceof Error ? err.message : String(err);
  return code && !message.includes(code) ? `${message} (${code})` : message;
}
