import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../test-support/core.ts';
import { osKeyring, type KeyringBackend } from './keyring.ts';

/** A service name of its own per run, so tests never see the user's entries or each other's. */
const service = `switchboard-test-${randomBytes(4).toString('hex')}`;
let keyring: KeyringBackend;
let t: TestServices | undefined;

beforeAll(() => {
  keyring = osKeyring(service);
  try {
    keyring.probe();
  } catch (err) {
    throw new Error(`These tests need a running, unlocked Secret Service; run them through \`npm test\`. (${(err as Error).message})`);
  }
});

afterEach(async () => {
  if (!t) return;
  for (const s of t.services.core().secrets.list()) t.services.core().secrets.delete(s.name);
  await t.services.close();
  t = undefined;
});

function use(started: TestServices): TestServices {
  t = started;
  return started;
}

/** Every byte of every file under a folder: the database, its WAL and the logs. */
function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else parts.push(readFileSync(p));
    }
  };
  walk(dir);
  return Buffer.concat(parts);
}

describe('secrets in the OS keyring', () => {
  it('stores a value in the keyring and only its name and time in the database', () => {
    const t = use(startTestServices({ keyring }));
    const value = `sk-live-${randomBytes(16).toString('hex')}`;
    const info = t.services.core().secrets.store('anthropic-api-key', value);
    expect(info).toMatchObject({ name: 'anthropic-api-key', set: true });
    expect(t.services.core().secrets.list()).toEqual([info]);
    expect(t.services.core().secrets.get('anthropic-api-key')).toBe(value);
    expect(keyring.get('anthropic-api-key')).toBe(value);
    expect(t.services.core().audit.list({ eventType: 'secret_stored' })).toMatchObject([{ actor: 'user', subject: 'anthropic-api-key', detail: {} }]);

    t.services.core().db.pragma('wal_checkpoint(FULL)');
    const files = allBytes(t.dataDir);
    expect(files.includes(Buffer.from(value))).toBe(false);
    expect(files.includes(Buffer.from('anthropic-api-key'))).toBe(true);
  });

  it('never sends a value to a window', async () => {
    const t = use(startTestServices({ keyring }));
    const value = `ghp_${randomBytes(12).toString('hex')}`;
    const pushed: string[] = [];
    t.services.events.subscribe((name, payload) => pushed.push(JSON.stringify({ name, payload })));
    const replies = [
      await t.services.dispatch('secrets.set', { name: 'github-token', value }),
      await t.services.dispatch('secrets.list', {}),
      await t.services.dispatch('audit.list', {}),
      await t.services.dispatch('audit.export', {}),
    ];
    expect(replies.every((r) => r.ok)).toBe(true);
    expect(JSON.stringify(replies)).not.toContain(value);
    expect(pushed.join('\n')).not.toContain(value);
    expect(pushed.join('\n')).toContain('github-token');
  });

  it('replaces and deletes, with audit rows', () => {
    const t = use(startTestServices({ keyring }));
    const { secrets, audit } = t.services.core();
    secrets.store('token', 'first');
    secrets.store('token', 'second');
    expect(secrets.get('token')).toBe('second');
    expect(secrets.delete('token')).toBe(true);
    expect(secrets.get('token')).toBeNull();
    expect(keyring.get('token')).toBeNull();
    expect(secrets.list()).toEqual([]);
    expect(audit.list({}).map((e) => e.eventType)).toEqual(['secret_deleted', 'secret_stored', 'secret_stored']);
    expect(secrets.delete('token')).toBe(false);
  });

  it('still lists the keyring entries after an unreadable database is moved aside', async () => {
    const first = use(startTestServices({ keyring }));
    first.services.core().secrets.store('openai-api-key', 'sk-kept');
    await first.services.close();
    t = undefined;
    writeFileSync(join(first.dataDir, 'switchboard.db'), 'not a database '.repeat(100));
    for (const suffix of ['-wal', '-shm']) rmSync(join(first.dataDir, `switchboard.db${suffix}`), { force: true });

    const after = use(startTestServices({ keyring, dataDir: first.dataDir }));
    expect(after.services.status().state).toBe('database_error');
    expect(await after.services.dispatch('app.resetDatabase', {})).toMatchObject({ ok: true });
    expect(after.services.core().secrets.list().map((s) => s.name)).toEqual(['openai-api-key']);
    expect(after.services.core().secrets.get('openai-api-key')).toBe('sk-kept');
  });

  it('reports that the keyring is there', () => {
    const t = use(startTestServices({ keyring }));
    expect(t.services.core().secrets.hasKeyring()).toEqual({ available: true, message: 'The system keyring is available.' });
  });
});

describe('without a D-Bus session', () => {
  it('says which keyring to install or unlock, stores nothing and records nothing', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-nodbus-'));
    const script = join(mkdtempSync(join(tmpdir(), 'sb-nodbus-script-')), 'attempt.ts');
    writeFileSync(
      script,
      `import { startServices } from ${JSON.stringify(join(import.meta.dirname, '..', 'services.ts'))};
       const s = startServices({ dataDir: ${JSON.stringify(dataDir)}, appVersion: 't', native: { isSupported: () => false, show() {} }, agentHome: ${JSON.stringify(dataDir)} });
       const status = await s.dispatch('secrets.status', {});
       const stored = await s.dispatch('secrets.set', { name: 'api-key', value: 'never-stored-value' });
       const list = await s.dispatch('secrets.list', {});
       const audit = await s.dispatch('audit.list', {});
       console.log(JSON.stringify({ status, stored, list, audit }));
       await s.close();`,
    );
    // A bus address that leads nowhere: an unset one would let the library find $XDG_RUNTIME_DIR/bus.
    const env = { ...process.env, DBUS_SESSION_BUS_ADDRESS: `unix:path=${join(dataDir, 'no-bus')}` };
    const run = spawnSync(process.execPath, [script], { env, encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout.trim().split('\n').pop()!);

    expect(out.status).toEqual({ ok: true, value: { available: false, message: expect.stringContaining('Secret Service') } });
    expect(out.stored).toEqual({ ok: false, error: { code: 'keyring_unavailable', message: expect.stringMatching(/gnome-keyring.*unlocked/) } });
    expect(out.list).toEqual({ ok: true, value: [] });
    expect(out.audit.value.entries).toEqual([]);
    expect(allBytes(dataDir).includes(Buffer.from('never-stored-value'))).toBe(false);
  });
});
