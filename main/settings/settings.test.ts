import { afterEach, describe, expect, it } from 'vitest';
import { startServices } from '../services.ts';
import { RecordingNotifier, startTestServices, type TestServices } from '../test-support/core.ts';

let t: TestServices;
afterEach(() => t?.services.close());

describe('settings', () => {
  it('starts from defaults and shows the data folder', () => {
    t = startTestServices();
    expect(t.services.core().settings.get()).toEqual({
      theme: 'system',
      catalogRefreshMinutes: 60,
      desktopNotifications: true,
      auditRetentionDays: 90,
      updateChecks: 'on',
      pluginIdleMinutes: 10,
      teamUsage: { enabled: false, hubUrl: '' },
      dataFolder: t.dataDir,
    });
  });

  it('persists a change across a restart, pushes it to windows and audits it', async () => {
    t = startTestServices();
    const pushed: unknown[] = [];
    t.services.events.subscribe((name, payload) => name === 'settings.changed' && pushed.push(payload));
    t.services.core().settings.update({ theme: 'dark', catalogRefreshMinutes: 30 });
    expect(pushed).toEqual([expect.objectContaining({ theme: 'dark', catalogRefreshMinutes: 30 })]);
    const audit = t.services.core().audit.list({ eventType: 'settings_changed' });
    expect(audit.map((e) => [e.subject, e.detail])).toEqual([
      ['catalogRefreshMinutes', { from: 60, to: 30 }],
      ['theme', { from: 'system', to: 'dark' }],
    ]);
    await t.services.close();

    const again = startServices({ dataDir: t.dataDir, appVersion: 'x', native: new RecordingNotifier(), agentHome: t.dataDir });
    expect(again.core().settings.get()).toMatchObject({ theme: 'dark', catalogRefreshMinutes: 30 });
    await again.close();
  });

  it.each([
    [{ theme: 'purple' }, 'Theme must be light, dark or system'],
    [{ pluginIdleMinutes: 0 }, 'Plugin idle time must be a whole number of minutes from 1 to 1440'],
    [{ catalogRefreshMinutes: 2.5 }, 'Catalog refresh must be a whole number of minutes from 5 to 1440'],
    [{ auditRetentionDays: 0 }, 'Audit retention must be a whole number of days from 1 to 3650'],
    [{ updateChecks: 'sometimes' }, 'Update checks must be on, ask or off'],
    [{ dataFolder: '/tmp' }, '"dataFolder" is not a setting you can change'],
    [{ teamUsage: { enabled: true, hubUrl: 'http://hub.internal' } }, 'The Hub address must start with https://, so your token is never sent in the clear'],
    [{ teamUsage: { enabled: true, hubUrl: '' } }, 'Enter the Hub address to send team usage to'],
    [{ teamUsage: { enabled: true, hubUrl: 'hub' } }, '"hub" is not a web address; enter one like https://hub.example.com'],
    [{ teamUsage: { enabled: true, hubUrl: 'https://me:pw@hub.internal' } }, 'Leave the user name and password out of the Hub address'],
  ])('refuses %j with a message and keeps the previous value', (patch, message) => {
    t = startTestServices();
    const before = t.services.core().settings.get();
    expect(() => t.services.core().settings.update(patch as never)).toThrow(message);
    expect(t.services.core().settings.get()).toEqual(before);
    expect(t.services.core().audit.list({ eventType: 'settings_changed' })).toEqual([]);
  });
});
