// Signs a Pro licence for the built-in catalog's paid plugins and prints it.
//
//   SWITCHBOARD_LICENSE_SIGNING_KEY=../shared/keys/pro-license-signing-key.pem \
//     node scripts/sign-pro-license.ts --licensee "Example Team" --plugins cost-alerts,policy-engine --expires 2027-12-31
//
// `--plugins "*"` covers every Pro plugin. The development key signs licences
// the development build accepts; release licences are signed in the release
// pipeline with the key kept in its secrets.
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { PRO_LICENSE_PUBLIC_KEY, signLicense } from '../main/marketplace/license.ts';
import { publicKeyBase64 } from '../main/marketplace/signing.ts';

const { values } = parseArgs({ options: { licensee: { type: 'string' }, plugins: { type: 'string' }, expires: { type: 'string' } } });
const keyPath = process.env.SWITCHBOARD_LICENSE_SIGNING_KEY;
if (!keyPath) throw new Error('Set SWITCHBOARD_LICENSE_SIGNING_KEY to the path of the ed25519 licence signing key (PEM).');
if (!values.licensee?.trim() || !values.plugins?.trim() || !values.expires) throw new Error('Give --licensee, --plugins (ids separated by commas, or "*") and --expires (a date).');
const expires = new Date(values.expires);
if (Number.isNaN(expires.getTime())) throw new Error(`--expires "${values.expires}" is not a date.`);
const privateKey = createPrivateKey(readFileSync(keyPath));
if (publicKeyBase64(createPublicKey(privateKey)) !== PRO_LICENSE_PUBLIC_KEY) {
  console.warn('Note: this key does not match PRO_LICENSE_PUBLIC_KEY in main/marketplace/license.ts; this build will refuse the licence.');
}
const plugins = values.plugins.trim() === '*' ? '*' : values.plugins.split(',').map((p) => p.trim()).filter(Boolean);
console.log(signLicense({ licensee: values.licensee.trim(), plugins, expires: expires.toISOString() }, privateKey));
