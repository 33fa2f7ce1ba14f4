import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BUILTIN_SOURCE_ID } from '../builtin.ts';
import { licenseSecretName } from '../service.ts';
import { startProTest, type ProTest } from '../testing/pro-plugins.ts';

/** The licence path through the whole app: the start-up check, the enable switch and the channels the window uses. */
describe('a Pro plugin in the running app', () => {
  let t: ProTest;

  beforeEach(async () => {
    t = startProTest();
    await t.installPro('audit-export');
  });

  afterEach(async () => {
    await t.close();
  });

  it('shows its licence to the window, and without one is disabled at the next start, keeps its data, and cannot be switched back on', async () => {
    expect((await t.services.dispatch('marketplace.licenseStatus', { pluginId: 'audit-export' })) as unknown).toEqual({
      ok: true,
      value: { license: { licensee: 'Example Team', expires: expect.any(String), valid: true, message: null } },
    });
    t.core.db.prepare('INSERT INTO plugin_kv (key, value) VALUES (?, ?)').run('plugin:audit-export:cursor', '41');
    // The key removed from the keyring (as "Remove key" does), then the app restarted.
    expect(await t.services.dispatch('marketplace.setLicenseKey', { pluginId: 'audit-export', sourceId: BUILTIN_SOURCE_ID, key: null })).toEqual({ ok: true, value: { licensed: false } });
    t = await t.restart();

    expect(t.core.supervisor.isRunning('audit-export')).toBe(false);
    expect(t.core.plugins.get('audit-export')).toMatchObject({ enabled: false });
    const message = 'Audit Export is a Pro plugin and no licence for it is saved. Enter your licence key in its Marketplace details.';
    expect(t.core.notifications.list().items).toEqual(expect.arrayContaining([expect.objectContaining({ title: 'Audit Export is disabled', message })]));
    expect(await t.services.dispatch('plugins.setEnabled', { id: 'audit-export', enabled: true })).toEqual({ ok: false, error: { code: 'permission_denied', message } });
    expect(t.core.plugins.get('audit-export')).toMatchObject({ enabled: false });
    expect(t.core.db.prepare('SELECT value FROM plugin_kv WHERE key = ?').pluck().get('plugin:audit-export:cursor')).toBe('41');

    // A licence entered again turns it back on.
    expect(await t.services.dispatch('marketplace.setLicenseKey', { pluginId: 'audit-export', sourceId: BUILTIN_SOURCE_ID, key: t.license(['audit-export']) })).toEqual({ ok: true, value: { licensed: true } });
    expect(t.core.supervisor.isRunning('audit-export')).toBe(true);
    expect(t.core.secrets.get(licenseSecretName(BUILTIN_SOURCE_ID, 'audit-export'))).not.toBeNull();
  });
});
