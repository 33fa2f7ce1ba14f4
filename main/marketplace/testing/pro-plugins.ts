import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Panel } from '../../../app/contract/plugins.ts';
import type { ResolveHost } from '../../net/plugin-fetch.ts';
import { FAST_TIMING, eventually } from '../../plugins/testing/harness.ts';
import { osKeyring } from '../../secrets/keyring.ts';
import { startServices, type AppServices, type Core } from '../../services.ts';
import { RecordingNotifier } from '../../test-support/core.ts';
import { BUILTIN_SOURCE_ID } from '../builtin.ts';
import { signLicense, type ProLicense } from '../license.ts';
import { publicKeyBase64 } from '../signing.ts';

/**
 * The whole app's services with the shipped built-in catalog, a licence key
 * pair of the test's own, a stand-in save dialog the test answers, and the
 * consent prompts answered as the test says. Pro plugins are installed the
 * way a user installs them: licence entered, then Install from the catalog.
 */
export interface ProTest {
  services: AppServices;
  core: Core;
  dataDir: string;
  native: RecordingNotifier;
  licenseKey: KeyObject;
  /** Where the next save dialog "chooses" to write; null cancels. */
  saveTo: string | null;
  /** What the user answers to permission and host prompts (each one is recorded in `asked`). */
  answer: boolean;
  asked: string[];
  license(plugins: ProLicense['plugins'], expires?: string): string;
  /** Enters a licence for `id`, installs it from the built-in catalog with the permissions it lists, and waits until it runs. */
  installPro(id: string): Promise<void>;
  panel(id: string): Panel | null;
  /** The text of every block of the plugin's panel, to assert what a user reads. */
  panelText(id: string): string;
  action(id: string, blockId: string, actionId: string | null, values?: Record<string, string | number | boolean>): Promise<{ ok: true } | { ok: false; error: string }>;
  /** Quits the app (plugins stopped, database closed) and starts it again on the same data folder and keyring. */
  restart(): Promise<ProTest>;
  close(): Promise<void>;
}

interface ProTestOptions {
  extraCa?: string[];
  resolveHost?: ResolveHost;
  agentHome?: string;
  dataDir?: string;
  keys?: { privateKey: KeyObject; publicKey: KeyObject };
}

export function startProTest(options: ProTestOptions = {}): ProTest {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'sb-pro-'));
  const keys = options.keys ?? generateKeyPairSync('ed25519');
  const { privateKey, publicKey } = keys;
  const native = new RecordingNotifier();
  const home = options.agentHome ?? join(dataDir, 'home');
  mkdirSync(home, { recursive: true });
  // eslint-disable-next-line prefer-const -- the dialog and the prompt loop read the test object made below.
  let t: ProTest;
  const services = startServices({
    dataDir,
    appVersion: '0.1.0',
    native,
    keyring: osKeyring('switchboard-pro-test'),
    pluginTiming: FAST_TIMING,
    agentHome: home,
    marketplace: { licensePublicKey: publicKeyBase64(publicKey) },
    saveDialog: async () => t.saveTo,
    ...(options.extraCa ? { extraCa: options.extraCa } : {}),
    ...(options.resolveHost ? { resolveHost: options.resolveHost } : {}),
  });
  const core = services.core();
  const unsubscribe = services.events.subscribe((name, payload) => {
    if (name !== 'plugins.consent') return;
    const p = payload as { requestId: string; answered?: boolean; kind?: string; reason?: string; permission?: string };
    if (p.answered) return;
    t.asked.push(p.kind === 'permission' ? `${p.permission}: ${p.reason}` : `${p.kind}`);
    queueMicrotask(() => void services.dispatch('plugins.answerConsent', { requestId: p.requestId, allow: t.answer }));
  });
  const panel = (id: string) => core.supervisor.get(id).panel;
  t = {
    services,
    core,
    dataDir,
    native,
    licenseKey: privateKey,
    saveTo: null,
    answer: true,
    asked: [],
    license: (plugins, expires = new Date(Date.now() + 365 * 86_400_000).toISOString()) => signLicense({ licensee: 'Example Team', plugins, expires }, privateKey),
    async installPro(id) {
      await core.marketplace.setLicenseKey(BUILTIN_SOURCE_ID, id, t.license([id]));
      const view = await core.marketplace.fetchCatalog();
      const entry = view.entries.find((e) => e.id === id && e.sourceId === BUILTIN_SOURCE_ID);
      if (!entry) throw new Error(`${id} is not in the built-in catalog`);
      await core.marketplace.install(id, BUILTIN_SOURCE_ID, entry.permissions);
      await eventually(() => core.supervisor.isRunning(id), `${id} to run`);
    },
    panel,
    panelText(id) {
      const p = panel(id);
      if (!p) return '';
      const blocks = p.type === 'blocks' ? p.blocks : [p];
      return blocks.map((b) => JSON.stringify(b)).join('\n');
    },
    action: (id, blockId, actionId, values = {}) => core.supervisor.panelAction(id, blockId, actionId, values),
    async restart() {
      unsubscribe();
      await services.close();
      return startProTest({ ...options, dataDir, keys, agentHome: home });
    },
    async close() {
      unsubscribe();
      await services.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return t;
}
