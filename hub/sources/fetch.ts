import { request } from 'node:https';
import { rootCertificates } from 'node:tls';
import { HubError } from '../errors.ts';

export interface FetchOptions {
  /** Extra certificate authorities (PEM) trusted besides the usual roots. */
  extraCa: readonly string[];
  token?: string | null;
  maxBytes: number;
  timeoutMs: number;
}

/**
 * GET over HTTPS into memory, at most `maxBytes`. Redirects are not followed:
 * a catalog that moves is re-registered by an admin, and a token is never
 * sent anywhere but the address it was given for.
 */
export function httpsGetBuffer(url: string, options: FetchOptions): Promise<Buffer> {
  const target = new URL(url);
  if (target.protocol !== 'https:') return Promise.reject(new HubError(422, `The address uses ${target.protocol}// instead of https://.`));
  const ca = options.extraCa.length ? [...rootCertificates, ...options.extraCa] : undefined;
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: 'application/json, */*' };
    if (options.token) headers.Authorization = `Bearer ${options.token}`;
    const req = request(target, { ca, headers, signal: AbortSignal.timeout(options.timeoutMs) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status !== 200) {
        res.resume();
        const hint = status === 401 || status === 403 ? '; check the source token' : '';
        reject(new HubError(502, `${target.origin}${target.pathname} answered HTTP ${status}${hint}.`));
        return;
      }
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > options.maxBytes) {
          req.destroy();
          reject(new HubError(422, `${target.origin}${target.pathname} is larger than ${Math.round(options.maxBytes / 1024)} KB; it was refused.`));
        } else chunks.push(chunk);
      });
      res.on('end', () => resolve(Buffer.concat(chunks)));
      res.on('error', reject);
    });
    req.on('error', (err) => reject(new HubError(502, `${target.origin}${target.pathname} could not be fetched: ${err.message}`)));
    req.end();
  });
}
