// Runs one marketplace operation and kills itself with SIGKILL at the named
// step: the closest a test can get to pulling the plug mid-install.
import { marketplaceFixture } from './fixture.ts';

const { CRASH_DATA_DIR, CRASH_CA, CRASH_STEP, CRASH_OP, CRASH_PLUGIN, CRASH_SOURCE } = process.env;
if (!CRASH_DATA_DIR || !CRASH_CA || !CRASH_STEP || !CRASH_OP || !CRASH_PLUGIN || !CRASH_SOURCE) {
  throw new Error('crash-child needs CRASH_DATA_DIR, CRASH_CA, CRASH_STEP, CRASH_OP, CRASH_PLUGIN and CRASH_SOURCE');
}
const m = marketplaceFixture({
  dataDir: CRASH_DATA_DIR,
  ca: CRASH_CA,
  timeoutMs: 30_000,
  afterStep: (step) => {
    if (step === CRASH_STEP) process.kill(process.pid, 'SIGKILL');
  },
});
// Building the fixture already ran start-up recovery, which is all the "recover" operation does.
if (CRASH_OP !== 'recover') await m.service.fetchCatalog();
if (CRASH_OP === 'install') await m.service.install(CRASH_PLUGIN, CRASH_SOURCE);
if (CRASH_OP === 'update') await m.service.update(CRASH_PLUGIN);
if (CRASH_OP === 'rollback') await m.service.rollback(CRASH_PLUGIN);
if (CRASH_OP === 'uninstall') await m.service.uninstall(CRASH_PLUGIN);
process.stdout.write('finished without reaching the step\n');
