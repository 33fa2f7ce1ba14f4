import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../db/database.ts';
import { MIGRATIONS } from '../db/migrations.ts';
import { MarketplaceStore } from './store.ts';
import { catalogV1, marketplaceFixture, publish, type MarketplaceFixture } from './testing/fixture.ts';
import { TestHttpsServer } from './testing/https-server.ts';

/**
 * Each operation is killed with SIGKILL after each of its steps, in a child
 * process, and the services are then started again on the same folder.
 * Before the commit the old state must come back; from the commit on, the
 * new one. Either way: no staging left, no journal row, and the registry,
 * the plugin folder and the backup folder agree.
 */

// Each case starts a process and installs up to three versions; a busy machine needs room.
vi.setConfig({ testTimeout: 90_000 });

let server: TestHttpsServer;
beforeAll(async () => {
  server = await TestHttpsServer.start();
});
afterAll(() => server.close());

const CHILD = join(import.meta.dirname, 'testing', 'crash-child.ts');

interface State {
  version: string | null;
  folder: string | null;
  backup: string | null;
  previous: string | null;
  kv: string | null;
}

function stateOf(m: MarketplaceFixture, id: string): State {
  const version = (dir: string) => (existsSync(join(dir, 'plugin.json')) ? (JSON.parse(readFileSync(join(dir, 'plugin.json'), 'utf8')).version as string) : null);
  const row = m.registry.get(id);
  return {
    version: row?.version ?? null,
    folder: version(join(m.dataDir, 'plugins', id)),
    backup: version(join(m.dataDir, 'plugin-backups', id)),
    previous: row?.previousVersion ?? null,
    kv: (m.db.prepare('SELECT value FROM plugin_kv WHERE key = ?').pluck().get(`plugin:${id}:state`) as string | undefined) ?? null,
  };
}

async function crashAt(
  op: string,
  step: string,
  setup: (m: MarketplaceFixture, sourceId: string) => Promise<void>,
  id: string,
  /** Also kill the first start-up's recovery after this step. */
  recoveryStep?: string,
): Promise<{ before: State; after: State; m: MarketplaceFixture }> {
  const m = marketplaceFixture({ ca: server.certificates.ca });
  const path = `/k${Math.random().toString(36).slice(2)}/catalog.json`;
  server.put(path, catalogV1([publish(server, { id, version: '1.0.0' })]));
  const sourceId = m.service.addSource({ name: 'Crash', url: server.url(path) }).id;
  await m.service.fetchCatalog();
  const publishVersion = async (version: string) => {
    server.put(path, catalogV1([publish(server, { id, version })]));
    await m.service.fetchCatalog(true);
  };
  await setup(m, sourceId);
  await publishVersion('3.0.0');
  const before = stateOf(m, id);
  m.db.close();
  await killedAt(m.dataDir, op, step, id, sourceId);
  if (recoveryStep) await killedAt(m.dataDir, 'recover', recoveryStep, id, sourceId);
  const restarted = m.restart();
  return { before, after: stateOf(restarted, id), m: restarted };
}

/** Runs `op` in a child process that SIGKILLs itself right after `step`. */
async function killedAt(dataDir: string, op: string, step: string, id: string, sourceId: string): Promise<void> {
  // Asynchronous on purpose: the HTTPS server the child downloads from lives in this process.
  const child = await new Promise<{ signal: NodeJS.Signals | null; output: string }>((resolve) => {
    const proc = spawn(process.execPath, [CHILD], {
      env: { ...process.env, CRASH_DATA_DIR: dataDir, CRASH_CA: server.certificates.ca, CRASH_STEP: step, CRASH_OP: op, CRASH_PLUGIN: id, CRASH_SOURCE: sourceId },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let output = '';
    proc.stdout.on('data', (d: Buffer) => (output += d));
    proc.stderr.on('data', (d: Buffer) => (output += d));
    proc.on('close', (_code, signal) => resolve({ signal, output }));
  });
  expect(child.signal, `the child should die at ${step}: ${child.output}`).toBe('SIGKILL');
}

function expectTidy(m: MarketplaceFixture): void {
  expect(readdirSync(join(m.dataDir, 'plugin-staging'))).toEqual([]);
  expect(m.db.prepare('SELECT count(*) FROM marketplace_journal').pluck().get()).toBe(0);
}

const installTo = (version: string) => async (m: MarketplaceFixture, sourceId: string) => {
  const path = m.service.sources.list()[0]!.url;
  server.put(new URL(path).pathname, catalogV1([publish(server, { id: 'crashy', version })]));
  await m.service.fetchCatalog(true);
  await m.service.install('crashy', sourceId);
  m.db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?)').run('plugin:crashy:state', '"kept"');
};

const updatedTwice = async (m: MarketplaceFixture, sourceId: string) => {
  await installTo('1.0.0')(m, sourceId);
  const path = new URL(m.service.sources.list()[0]!.url).pathname;
  server.put(path, catalogV1([publish(server, { id: 'crashy', version: '2.0.0' })]));
  await m.service.fetchCatalog(true);
  await m.service.update('crashy');
};

const STEPS_BEFORE_COMMIT = ['downloaded', 'extracted', 'validated', 'journal-opened', 'rename-started-1', 'renamed-1'];

describe('a crash during install', () => {
  for (const step of [...STEPS_BEFORE_COMMIT, 'committed', 'cleaned']) {
    it(`after "${step}" leaves ${STEPS_BEFORE_COMMIT.includes(step) ? 'nothing installed' : 'the plugin installed'}`, async () => {
      const { after, m } = await crashAt('install', step, async () => undefined, 'crashy');
      try {
        const expected = STEPS_BEFORE_COMMIT.includes(step) ? null : '3.0.0';
        expect(after).toEqual({ version: expected, folder: expected, backup: null, previous: null, kv: null });
        expectTidy(m);
      } finally {
        m.close();
      }
    });
  }
});

describe('a crash during update (with an older backup already kept)', () => {
  const before = [...STEPS_BEFORE_COMMIT, 'stopped', 'rename-started-2', 'renamed-2', 'rename-started-3', 'renamed-3'];
  for (const step of [...before, 'committed', 'cleaned']) {
    it(`after "${step}" leaves ${before.includes(step) ? 'version 2 running with version 1 kept' : 'version 3 with version 2 kept'}`, async () => {
      const { after, m } = await crashAt('update', step, updatedTwice, 'crashy');
      try {
        if (before.includes(step)) expect(after).toEqual({ version: '2.0.0', folder: '2.0.0', backup: '1.0.0', previous: '1.0.0', kv: '"kept"' });
        else expect(after).toEqual({ version: '3.0.0', folder: '3.0.0', backup: '2.0.0', previous: '2.0.0', kv: '"kept"' });
        expectTidy(m);
      } finally {
        m.close();
      }
    });
  }
});

describe('a crash during rollback', () => {
  const before = ['stopped', 'journal-opened', 'rename-started-1', 'renamed-1', 'rename-started-2', 'renamed-2', 'rename-started-3', 'renamed-3'];
  for (const step of [...before, 'committed', 'cleaned']) {
    it(`after "${step}" leaves a consistent ${before.includes(step) ? 'version 2' : 'version 1'}`, async () => {
      const { after, m } = await crashAt('rollback', step, updatedTwice, 'crashy');
      try {
        if (before.includes(step)) expect(after).toEqual({ version: '2.0.0', folder: '2.0.0', backup: '1.0.0', previous: '1.0.0', kv: '"kept"' });
        else expect(after).toEqual({ version: '1.0.0', folder: '1.0.0', backup: '2.0.0', previous: '2.0.0', kv: '"kept"' });
        expectTidy(m);
      } finally {
        m.close();
      }
    });
  }
});

describe('a crash during uninstall', () => {
  const before = ['stopped', 'journal-opened', 'rename-started-1', 'renamed-1', 'rename-started-2', 'renamed-2'];
  for (const step of [...before, 'committed', 'cleaned']) {
    it(`after "${step}" leaves the plugin ${before.includes(step) ? 'fully installed' : 'fully gone'}`, async () => {
      const { after, m } = await crashAt('uninstall', step, updatedTwice, 'crashy');
      try {
        if (before.includes(step)) expect(after).toEqual({ version: '2.0.0', folder: '2.0.0', backup: '1.0.0', previous: '1.0.0', kv: '"kept"' });
        else {
          expect(after).toEqual({ version: null, folder: null, backup: null, previous: null, kv: null });
          expect(existsSync(join(m.dataDir, 'plugins', 'crashy'))).toBe(false);
        }
        expectTidy(m);
      } finally {
        m.close();
      }
    });
  }
});

describe('a crash during recovery itself', () => {
  const cases: [string, string, string][] = [
    ['update', 'renamed-3', 'undone-3'],
    ['update', 'renamed-3', 'undone-2'],
    ['rollback', 'renamed-3', 'undone-2'],
    ['rollback', 'rename-started-3', 'undone-1'],
    ['uninstall', 'renamed-2', 'undone-2'],
  ];
  for (const [op, step, undoStep] of cases) {
    it(`${op} killed after "${step}", then recovery killed after "${undoStep}": the next start still restores version 2`, async () => {
      const { after, m } = await crashAt(op, step, updatedTwice, 'crashy', undoStep);
      try {
        expect(after).toEqual({ version: '2.0.0', folder: '2.0.0', backup: '1.0.0', previous: '1.0.0', kv: '"kept"' });
        expectTidy(m);
      } finally {
        m.close();
      }
    });
  }
});

describe('a journal row that cannot be undone', () => {
  it('is logged and kept for the next start, and the other interrupted operation is still restored', async () => {
    const m = marketplaceFixture({ ca: server.certificates.ca });
    const path = `/k${Math.random().toString(36).slice(2)}/catalog.json`;
    server.put(path, catalogV1([publish(server, { id: 'crashy', version: '1.0.0' })]));
    const sourceId = m.service.addSource({ name: 'Crash', url: server.url(path) }).id;
    await updatedTwice(m, sourceId);
    server.put(path, catalogV1([publish(server, { id: 'crashy', version: '3.0.0' })]));
    await m.service.fetchCatalog(true);
    m.db.close();
    await killedAt(m.dataDir, 'update', 'renamed-2', 'crashy', sourceId);

    // A row whose folder cannot go back: its old parent folder no longer exists.
    const stuck = join(m.dataDir, 'plugin-staging', 'stuck-op');
    mkdirSync(join(stuck, 'moved'), { recursive: true });
    const db = openDatabase(join(m.dataDir, 'switchboard.db'), MIGRATIONS);
    new MarketplaceStore(db).openJournal({ pluginId: 'stuck', operation: 'update', staging: stuck, renames: [[join(m.dataDir, 'vanished', 'stuck'), join(stuck, 'moved')]] });
    new MarketplaceStore(db).markStarted('stuck', 1);
    db.close();

    const restarted = m.restart();
    try {
      expect(stateOf(restarted, 'crashy')).toEqual({ version: '2.0.0', folder: '2.0.0', backup: '1.0.0', previous: '1.0.0', kv: '"kept"' });
      expect(restarted.db.prepare('SELECT plugin_id FROM marketplace_journal').pluck().all()).toEqual(['stuck']);
      expect(existsSync(join(stuck, 'moved'))).toBe(true);
      expect(readdirSync(join(restarted.dataDir, 'plugin-staging'))).toEqual(['stuck-op']);
      const audit = restarted.audit.list({}).map((r) => `${r.eventType} ${r.subject}`);
      expect(audit).toContain('plugin_operation_recovered crashy');
      expect(audit).toContain('plugin_operation_recovery_failed stuck');
      expect(readFileSync(join(restarted.dataDir, 'logs', 'main.log'), 'utf8')).toMatch(/interrupted update of stuck could not be undone/);
    } finally {
      restarted.close();
    }
  });
});
