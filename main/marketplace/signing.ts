import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';
import { AppError } from '../../app/contract/envelope.ts';

/** DER prefix of an ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/**
 * Reads a source's public key: 32 raw bytes in base64 (what the Sources
 * editor asks for) or a PEM "PUBLIC KEY" block. Throws a message fit for
 * the form.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  try {
    if (trimmed.startsWith('-----BEGIN')) {
      const key = createPublicKey(trimmed);
      if (key.asymmetricKeyType === 'ed25519') return key;
    } else {
      const raw = Buffer.from(trimmed, 'base64');
      if (raw.length === 32 && raw.toString('base64').replace(/=+$/, '') === trimmed.replace(/=+$/, '')) {
        return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
      }
    }
  } catch {
    // Falls through to the one message below: the user needs to know what to paste, not why the parser gave up.
  }
  throw new AppError('invalid_argument', 'The public key must be an ed25519 key: 32 bytes in base64 (44 characters) or a PEM "PUBLIC KEY" block.');
}

/** The raw 32-byte public key in base64, the form the editor shows. */
export function publicKeyBase64(key: KeyObject): string {
  return key.export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX.length).toString('base64');
}

/** A `catalog.json.sig` holds the 64-byte signature, raw or in base64. */
export function decodeSignature(bytes: Buffer): Buffer | null {
  if (bytes.length === 64) return bytes;
  const text = bytes.toString('utf8').trim();
  if (!/^[A-Za-z0-9+/=_-]+$/.test(text)) return null;
  const decoded = Buffer.from(text, 'base64');
  return decoded.length === 64 ? decoded : null;
}

/** True when `signature` is a valid ed25519 signature of exactly `body` under `key`. */
export function verifyDetached(body: Buffer, signature: Buffer, key: KeyObject): boolean {
  const sig = decodeSignature(signature);
  return sig !== null && verify(null, body, key, sig);
}

export function signDetached(body: Buffer, privateKey: KeyObject): string {
  return sign(null, body, privateKey).toString('base64');
}

export function newSigningKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync('ed25519');
}
