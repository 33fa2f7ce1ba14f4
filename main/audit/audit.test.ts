import { afterEach, describe, expect, it } from 'vitest';
import { AppEvents } from '../ipc/events.ts';
import { startServices } from '../services.ts';
import { RecordingNotifier, startTestServices, type TestServices } from '../test-support/core.ts';
import { AuditLog } from './audit.ts';

let t: TestServices;
afterEach(() => t?.services.close());

describe('audit log', () => {
  it('lists newest first, filters by type and actor, and exports JSON Lines', () => {
    t = startTestServices();
    const { audit } = t.services.core();
    audit.append('plugin_installed', 'user', 'hello', { version: '1.0.0' });
    audit.append('permission_denied', 'plugin:hello', 'tasks');
    audit.append('plugin_installed', 'user', 'other');

    expect(audit.list({}).map((e) => e.subject)).toEqual(['other', 'tasks', 'hello']);
    expect(audit.list({ eventType: 'plugin_installed' }).map((e) => e.subject)).toEqual(['other', 'hello']);
    expect(audit.list({ actor: 'plugin:hello' }).map((e) => e.eventType)).toEqual(['permission_denied']);
    expect(audit.eventTypes()).toEqual(['permission_denied', 'plugin_installed']);
    expect(audit.actors()).toEqual(['plugin:hello', 'user']);

    const { jsonl, count } = audit.exportJsonl({ eventType: 'plugin_installed' });
    expect(count).toBe(2);
    const lines = jsonl.trimEnd().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.subject, l.detail])).toEqual([['other', {}], ['hello', { version: '1.0.0' }]]);
  });

  it('shows at most the newest 200 rows', () => {
    t = startTestServices();
    const { audit } = t.services.core();
    for (let i = 0; i < 250; i++) audit.append('task_created', 'user', `task ${i}`);
    const page = audit.list({});
    expect(page).toHaveLength(200);
    expect(page[0]!.subject).toBe('task 249');
  });

  it('refuses to change a row, whoever asks', () => {
    t = startTestServices();
    const { audit, db } = t.services.core();
    const row = audit.append('secret_stored', 'user', 'token');
    expect(() => db.prepare("UPDATE audit_log SET actor = 'app' WHERE id = ?").run(row.id)).toThrow(/append-only/);
    expect(audit.list({})[0]!.actor).toBe('user');
  });

  it('prunes rows past the retention period at start-up', async () => {
    t = startTestServices();
    const { db } = t.services.core();
    const old = new AuditLog(db, new AppEvents(), () => new Date(Date.now() - 100 * 86_400_000));
    old.append('plugin_installed', 'user', 'ancient');
    t.services.core().audit.append('plugin_installed', 'user', 'recent');
    t.services.core().settings.update({ auditRetentionDays: 30 });
    await t.services.close();

    const again = startServices({ dataDir: t.dataDir, appVersion: 'x', native: new RecordingNotifier(), agentHome: t.dataDir });
    const subjects = again.core().audit.list({ eventType: 'plugin_installed' }).map((e) => e.subject);
    await again.close();
    expect(subjects).toEqual(['recent']);
  });
});
