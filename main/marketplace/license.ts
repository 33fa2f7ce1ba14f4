import { sign, verify, type KeyObject } from 'node:crypto';
import { parsePublicKey } from './signing.ts';

/**
 * Pro licences for the built-in catalog's paid plugins, checked offline.
 *
 * A licence is `SBL1.<payload>.<signature>`: the payload is base64url of the
 * JSON `{licensee, plugins, expires}` and the signature is ed25519 over
 * exactly those payload bytes (before base64url). Nothing is sent anywhere:
 * the app checks the signature against PRO_LICENSE_PUBLIC_KEY, then the
 * plugin and the expiry date, at install and again at every start.
 */

/**
 * The public half of the key that signs Pro licences. This is the
 * development key (shared/keys/pro-license-public-key.txt); a release build
 * puts the public half of the release pipeline's licence key here, and the
 * private half never leaves the pipeline's secrets.
 */
export const PRO_LICENSE_PUBLIC_KEY = 'r/xVpjblXFogRx+p9PzQS6ehF7OhETNvy5TBfy08Mho=';

const PREFIX = 'SBL1';
const MAX_TOKEN = 8192;

export interface ProLicense {
  licensee: string;
  /** The plugin ids it covers, or every Pro plugin. */
  plugins: string[] | '*';
  /** ISO 8601 date or time; the licence is good until then. */
  expires: string;
}

export type LicenseCheck =
  | { ok: true; license: ProLicense }
  | { ok: false; reason: 'missing' | 'malformed' | 'signature' | 'expired' | 'wrong_plugin'; message: string; license: ProLicense | null };

export function signLicense(license: ProLicense, privateKey: KeyObject): string {
  const payload = Buffer.from(JSON.stringify(license), 'utf8');
  return `${PREFIX}.${payload.toString('base64url')}.${sign(null, payload, privateKey).toString('base64url')}`;
}

function parsePayload(bytes: Buffer): ProLicense | null {
  let doc: unknown;
  try {
    doc = JSON.parse(bytes.toString('utf8'));
  } catch {
    return null;
  }
  if (!doc || typeof doc !== 'object') return null;
  const { licensee, plugins, expires } = doc as Record<string, unknown>;
  if (typeof licensee !== 'string' || !licensee.trim() || licensee.length > 200) return null;
  if (typeof expires !== 'string' || Number.isNaN(Date.parse(expires))) return null;
  const list = plugins === '*' ? '*' : Array.isArray(plugins) && plugins.every((p) => typeof p === 'string') && plugins.length > 0 ? (plugins as string[]) : null;
  if (!list) return null;
  return { licensee: licensee.trim(), plugins: list, expires };
}

export function covers(license: ProLicense, pluginId: string): boolean {
  return license.plugins === '*' || license.plugins.includes(pluginId);
}

export const expiryDate = (license: ProLicense) => new Date(license.expires).toISOString().slice(0, 10);

/**
 * Checks `token` for `pluginId` (shown to the user as `pluginName`) at `now`.
 * The signature is checked before anything the payload says is believed.
 */
export function checkLicense(token: string, pluginId: string, pluginName: string, now: Date, publicKey: KeyObject = parsePublicKey(PRO_LICENSE_PUBLIC_KEY)): LicenseCheck {
  const parts = token.trim().split('.');
  const malformed = (): LicenseCheck => ({
    ok: false,
    reason: 'malformed',
    message: 'That is not a Switchboard Pro licence key: it starts with "SBL1." and has three parts separated by dots. Paste the whole key as you received it.',
    license: null,
  });
  if (token.length > MAX_TOKEN || parts.length !== 3 || parts[0] !== PREFIX || !/^[A-Za-z0-9_-]+$/.test(parts[1]!) || !/^[A-Za-z0-9_-]+$/.test(parts[2]!)) return malformed();
  const payload = Buffer.from(parts[1]!, 'base64url');
  const signature = Buffer.from(parts[2]!, 'base64url');
  if (signature.length !== 64 || !verify(null, payload, publicKey, signature)) {
    return { ok: false, reason: 'signature', message: 'This licence key was not issued for Switchboard or has been altered: its signature does not match. Paste the whole key exactly as you received it.', license: null };
  }
  const license = parsePayload(payload);
  if (!license) return malformed();
  if (!covers(license, pluginId)) {
    const list = (license.plugins as string[]).join(', ');
    return { ok: false, reason: 'wrong_plugin', message: `This licence for ${license.licensee} covers ${list}, not ${pluginName}.`, license };
  }
  if (Date.parse(license.expires) <= now.getTime()) {
    return { ok: false, reason: 'expired', message: `The licence for ${license.licensee} expired on ${expiryDate(license)}. Renew it to use ${pluginName}; its settings and data are kept.`, license };
  }
  return { ok: true, license };
}
