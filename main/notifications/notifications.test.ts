import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServices, type TestServices } from '../test-support/core.ts';

let t: TestServices;
afterEach(() => t?.services.close());

describe('notify', () => {
  it('pushes a toast to windows, keeps it in the history and shows it on the desktop', () => {
    t = startTestServices();
    const pushed: string[] = [];
    t.services.events.subscribe((name, payload) => name === 'notifications.added' && pushed.push((payload as { title: string }).title));
    t.services.core().notifications.notify({ type: 'agent_complete', title: 'Session finished', message: 'fix the tests', source: 'agent:claude' });
    expect(pushed).toEqual(['Session finished']);
    expect(t.services.core().notifications.list()).toMatchObject({ unread: 1, items: [{ type: 'agent_complete', source: 'agent:claude', read: false }] });
    expect(t.native.shown.map((n) => n.title)).toEqual(['Session finished']);
  });

  it('spells out a right-to-left override on the desktop, where the app cannot draw it visibly', () => {
    t = startTestServices();
    t.services.core().notifications.notify({ type: 'info', title: 'Update ev\u202Elive', message: 'run \u2066me' });
    expect(t.native.shown.map((n) => [n.title, n.message])).toEqual([['Update ev[U+202E]live', 'run [U+2066]me']]);
    // The app keeps the text as it came; the window shows the code itself.
    expect(t.services.core().notifications.list().items[0]!.title).toBe('Update ev\u202Elive');
  });

  it('keeps the last 100, newest first', () => {
    t = startTestServices();
    for (let i = 0; i < 130; i++) t.services.core().notifications.notify({ type: 'info', title: `n${i}` });
    const { items, unread } = t.services.core().notifications.list();
    expect(items).toHaveLength(100);
    expect(items[0]!.title).toBe('n129');
    expect(items[99]!.title).toBe('n30');
    expect(unread).toBe(100);
  });

  it('marks one or all read and clears', () => {
    t = startTestServices();
    const n = t.services.core().notifications;
    const a = n.notify({ type: 'success', title: 'a' });
    n.notify({ type: 'error', title: 'b' });
    expect(n.markRead([a.id])).toEqual({ unread: 1 });
    expect(n.markRead()).toEqual({ unread: 0 });
    n.notify({ type: 'warning', title: 'c' });
    expect(n.clear()).toEqual({ unread: 0 });
    expect(n.list().items).toEqual([]);
  });

  it('does not go to the desktop when the user turned it off', () => {
    t = startTestServices();
    t.services.core().settings.update({ desktopNotifications: false });
    t.services.core().notifications.notify({ type: 'info', title: 'quiet' });
    expect(t.native.shown).toEqual([]);
    expect(t.services.core().notifications.list().items).toHaveLength(1);
  });

  it('falls back to in-app only when the OS has no notification service, and says so once', () => {
    t = startTestServices();
    t.native.supported = false;
    for (const title of ['one', 'two', 'three']) t.services.core().notifications.notify({ type: 'info', title });
    expect(t.native.shown).toEqual([]);
    expect(t.services.core().notifications.list().items).toHaveLength(3);
    const log = readFileSync(join(t.dataDir, 'logs', 'main.log'), 'utf8');
    expect(log.match(/no desktop notification service/g)).toHaveLength(1);
  });
});
