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
    ['a wrong type', 'settings.update', { theme: 42 }, 'invalid_argument', /^Invalid argument for settings.update: Theme must be light, dark or system$/],
    ['an unknown field', 'settings.update', { dataFolder: '/etc' }, 'invalid_argument', /"dataFolder" is not accepted/],
    ['a value out of range', 'settings.update', { catalogRefreshMinutes: 1 }, 'invalid_argument', /Catalog refresh must be a whole number of minutes from 5 to 1440$/],
    ['a non-object argument', 'settings.get', 'hello', 'invalid_argument', /must be object/],
    ['null', 'notifications.markRead', null, 'invalid_argument', /must be object/],
    ['an array where ids are numbers', 'notifications.markRead', { ids: ['1'] }, 'invalid_argument', /ids/],
    ['a secret name with a slash', 'secrets.set', { name: '../x', value: 'v' }, 'invalid_argument', /A secret name starts with a letter or digit/],
    ['a field without plain words', 'notifications.markRead', { ids: [1.5] }, 'invalid_argument', /ids\.0 must be integer/],
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

  it('turns a failing handler into an internal error without crashing, and logs the cause', async () => {
    t = startTestServices();
    t.services.core().db.exec('DROP TABLE notifications');
    const reply = await t.services.dispatch('notifications.list', {});
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: expect.stringMatching(/notifications\.list/) } });
    expect((await t.services.dispatch('settings.get', {})).ok).toBe(true);
  });
});
