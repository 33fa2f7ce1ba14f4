import { afterEach, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../test-support/core.ts';

let t: TestServices;
afterEach(() => t?.services.close());

describe('dispatch', () => {
  it('answers a valid call with its value', async () => {
    t = startTestServices();
    const reply = await t.services.dispatch('settings.get', {});
    expect(reply).toMatchObject({ ok: true, value: { theme: 'system', dataFolder: t.dataDir } });
  });

  it.each([
    ['an unknown channel', 'settings.drop', {}, 'unknown_channel', /Unknown channel/],
    ['a prototype key as channel', '__proto__', {}, 'unknown_channel', /Unknown channel/],
    ['a wrong type', 'settings.update', { theme: 42 }, 'invalid_argument', /^Theme: Choose light, dark or system$/],
    ['an unknown field', 'settings.update', { dataFolder: '/etc' }, 'invalid_argument', /^Data folder: This is not something you can set here$/],
    ['a value out of range', 'settings.update', { catalogRefreshMinutes: 1 }, 'invalid_argument', /^Catalog refresh minutes: Between 5 and 1440 minutes$/],
    ['a non-object argument', 'settings.get', 'hello', 'invalid_argument', /^This value has the wrong form$/],
    ['null', 'notifications.markRead', null, 'invalid_argument', /^This value has the wrong form$/],
    ['an array where ids are numbers', 'notifications.markRead', { ids: ['1'] }, 'invalid_argument', /^Ids: A whole number$/],
    ['a secret name with a slash', 'secrets.set', { name: '../x', value: 'v' }, 'invalid_argument', /^Name: Use at most 128 letters, digits and \. _ : - only/],
    ['a fraction where a whole number belongs', 'notifications.markRead', { ids: [1.5] }, 'invalid_argument', /^Ids: A whole number$/],
  ])('refuses %s with a typed error and changes nothing', async (_what, channel, args, code, message) => {
    t = startTestServices();
    const before = await t.services.dispatch('settings.get', {});
    const reply = await t.services.dispatch(channel, args);
    expect(reply.ok).toBe(false);
    if (!reply.ok) {
      expect(reply.error.code).toBe(code);
      expect(reply.error.message).toMatch(message);
    }
    expect(await t.services.dispatch('settings.get', {})).toEqual(before);
  });

  it.each([
    ['settings.update', { auditRetentionDays: -5 }, { auditRetentionDays: 'Between 1 and 3650 days' }],
    ['settings.update', { auditRetentionDays: 4000 }, { auditRetentionDays: 'Between 1 and 3650 days' }],
    ['settings.update', { auditRetentionDays: 'soon' }, { auditRetentionDays: 'A whole number between 1 and 3650 days' }],
    ['settings.update', { auditRetentionDays: '' }, { auditRetentionDays: 'Enter a number of days' }],
    ['settings.update', { catalogRefreshMinutes: 2.5, desktopNotifications: 'yes' }, { catalogRefreshMinutes: 'A whole number between 5 and 1440 minutes', desktopNotifications: 'Choose on or off' }],
    ['marketplace.addSource', { name: '', url: 'https://example.test/c.json' }, { name: 'Give the source a name' }],
    ['marketplace.addSource', { name: 'x'.repeat(61), url: '' }, { name: 'At most 60 characters', url: 'Enter the https:// address of the catalog' }],
    ['marketplace.addSource', { name: 42, url: 'https://example.test/c.json' }, { name: 'Enter text' }],
    ['marketplace.addSource', { url: 'https://example.test/c.json' }, { name: 'Fill this in' }],
    ['secrets.set', { name: '', value: '' }, { name: 'Enter a name for the secret, for example OPENAI_API_KEY', value: 'Enter the secret’s value' }],
    ['tasks.create', { title: 'x'.repeat(801) }, { title: 'At most 800 characters' }],
    ['metrics.setPrice', { model: '', inputPerMTok: -1, outputPerMTok: 20_000, cacheReadPerMTok: 'ten', cacheWritePerMTok: '' }, {
      model: 'Give the model a name',
      inputPerMTok: 'A price cannot be negative',
      outputPerMTok: 'Between 0 and 10000 US dollars per million tokens',
      cacheReadPerMTok: 'A number between 0 and 10000 US dollars per million tokens',
      cacheWritePerMTok: 'Enter a price in US dollars per million tokens',
    }],
    ['metrics.setPrice', { model: 'm'.repeat(201), inputPerMTok: 1, outputPerMTok: 1, cacheReadPerMTok: 0, cacheWritePerMTok: 0 }, { model: 'At most 200 characters' }],
    ['sessions.run', { projectId: 'p', provider: 'claude', prompt: 42 }, { prompt: 'Write the prompt as text' }],
    ['sessions.run', { projectId: 'p', provider: 'claude', prompt: 'x', permissions: { allowedTools: Array.from({ length: 51 }, () => 'Read') } }, { 'permissions.allowedTools': 'At most 50 items' }],
  ])('words %s %j for each field, without validator jargon', async (channel, args, fields) => {
    t = startTestServices();
    const reply = await t.services.dispatch(channel, args);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_argument', fields } });
    if (!reply.ok) expect(reply.error.message).not.toMatch(/must|NOT|fewer|>=|Invalid argument/);
  });

  it('turns a failing handler into an internal error without crashing, and logs the cause', async () => {
    t = startTestServices();
    t.services.core().db.exec('DROP TABLE notifications');
    const reply = await t.services.dispatch('notifications.list', {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/notifications\.list/) } });
    expect((await t.services.dispatch('settings.get', {})).ok).toBe(true);
  });
});
