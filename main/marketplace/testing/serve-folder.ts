// Serves the files of one folder over the test HTTPS server, in its own
// process, and prints {"origin", "ca"} as one JSON line once listening.
// Benchmarks use it so the server does not share a thread with what they measure.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TestHttpsServer } from './https-server.ts';

const folder = process.argv[2];
if (!folder) throw new Error('usage: serve-folder.ts <folder>');
const server = await TestHttpsServer.start();
for (const name of readdirSync(folder)) server.put(`/${name}`, readFileSync(join(folder, name)));
process.stdout.write(`${JSON.stringify({ origin: server.origin, ca: server.certificates.ca })}\n`);
process.on('SIGTERM', () => void server.close().then(() => process.exit(0)));
