// `npm run hub`: starts the Switchboard Hub with embedded SQLite in a data folder
// (or PostgreSQL when DATABASE_URL is set), prints its address and, at the first
// start only, the first admin's token.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHub } from './hub.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: process.env.HUB_DATA ?? 'hub-data' },
    host: { type: 'string', default: process.env.HUB_HOST ?? '127.0.0.1' },
    port: { type: 'string', default: process.env.HUB_PORT ?? '8420' },
    'tls-cert': { type: 'string', default: process.env.HUB_TLS_CERT },
    'tls-key': { type: 'string', default: process.env.HUB_TLS_KEY },
    'public-url': { type: 'string', default: process.env.HUB_PUBLIC_URL },
    'sync-at': { type: 'string', default: process.env.HUB_SYNC_AT ?? '03:00' },
    'extra-ca': { type: 'string', default: process.env.HUB_EXTRA_CA },
  },
});

if (Boolean(values['tls-cert']) !== Boolean(values['tls-key'])) {
  console.error('Give both --tls-cert and --tls-key, or neither.');
  process.exit(2);
}
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be a port number, not "${values.port}".`);
  process.exit(2);
}

const hub = await startHub({
  dataDir: resolve(values.data!),
  host: values.host,
  port,
  tls: values['tls-cert'] ? { cert: readFileSync(values['tls-cert'], 'utf8'), key: readFileSync(values['tls-key']!, 'utf8') } : undefined,
  databaseUrl: process.env.DATABASE_URL || undefined,
  publicUrl: values['public-url'],
  syncAt: values['sync-at'] === 'off' ? null : values['sync-at'],
  extraCa: values['extra-ca'] ? [readFileSync(values['extra-ca'], 'utf8')] : [],
});
console.log(`Switchboard Hub: ${hub.url}  (admin: ${hub.url}/admin/)`);
if (hub.firstAdmin) {
  // Printed to the terminal only, never to the log: this is the one time it exists in clear.
  console.log(`\nFirst start. The admin token (shown once, store it now):\n\n  ${hub.firstAdmin.token}\n`);
}
const stop = () => void hub.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
