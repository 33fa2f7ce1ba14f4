import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startHarness } from './server.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', short: 'd' },
    port: { type: 'string', short: 'p' },
  },
});

const dataDir = values.data ? resolve(values.data) : mkdtempSync(join(tmpdir(), 'switchboard-'));
const harness = await startHarness({ dataDir, port: values.port ? Number(values.port) : 0, mirrorLog: true });

process.stdout.write(`Switchboard (browser harness)\n  data folder: ${dataDir}\n  open: ${harness.url}\n`);

const stop = async () => {
  await harness.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
