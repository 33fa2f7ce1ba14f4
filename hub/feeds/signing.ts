import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** DER prefix of an ed25519 SubjectPublicKeyInfo; the raw 32-byte key follows it (what the desktop's source editor takes). */
const ED25519_SPKI_PREFIX_LENGTH = 12;

export interface HubKey {
  privateKey: KeyObject;
  /** The raw 32-byte public key in base64, as desktops enter it. */
  publicKeyBase64: string;
  sign(body: Buffer): string;
}

/**
 * The Hub's ed25519 catalog key, made at first start and kept in the data
 * folder (0600). Several instances behind a load balancer share this file.
 */
export function loadHubKey(dataDir: string): HubKey {
  const path = join(dataDir, 'catalog-signing-key.pem');
  if (!existsSync(path)) {
    const { privateKey } = generateKeyPairSync('ed25519');
    try {
      writeFileSync(path, privateKey.export({ format: 'pem', type: 'pkcs8' }), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      // Another instance on the same data folder made it first: use that one.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  const privateKey = createPrivateKey(readFileSync(path, 'utf8'));
  const publicKeyBase64 = createPublicKey(privateKey).export({ format: 'der', type: 'spki' }).subarray(ED25519_SPKI_PREFIX_LENGTH).toString('base64');
  return { privateKey, publicKeyBase64, sign: (body) => sign(null, body, privateKey).toString('base64') };
}
