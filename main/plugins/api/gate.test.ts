import { describe, expect, it } from 'vitest';
import { AppError } from '../../../app/contract/envelope.ts';
import type { Permission } from '../../../app/permissions.ts';
import { API_METHOD_NAMES, type ApiMethod } from '../../../app/plugin-protocol.ts';
import { emptyRegistrations, freshLimits, type ApiContext, type ApiTable } from './context.ts';
import { ApiGate } from './gate.ts';

/** A gate over a table of recording handlers, a recording audit log and a clock the test moves. */
function setup(options: { grants?: Permission[]; callsPerSecond?: number; handler?: (method: ApiMethod, args: unknown) => unknown } = {}) {
  const reached: { method: ApiMethod; args: unknown }[] = [];
  const audited: { eventType: string; actor: string; subject: string; detail: Record<string, unknown> }[] = [];
  const logged: { level: string; text: string }[] = [];
  const appErrors: string[] = [];
  const grants = new Set(options.grants ?? []);
  const clock = { now: 1_000_000 };
  const table = Object.fromEntries(
    API_METHOD_NAMES.map((method) => [
      method,
      async (_ctx: ApiContext, args: unknown) => {
        reached.push({ method, args });
        return options.handler ? options.handler(method, args) : `did ${method}`;
      },
    ]),
  ) as unknown as ApiTable;
  const ctx: ApiContext = {
    pluginId: 'probe',
    actor: 'plugin:probe',
    registered: emptyRegistrations(),
    limits: freshLimits(),
    services: {} as ApiContext['services'],
    name: () => 'Probe',
    manifest: () => null,
    running: () => true,
    granted: (permission) => grants.has(permission),
    log: (level, text) => logged.push({ level, text }),
    changed: () => undefined,
    setPanel: () => undefined,
    setStatus: () => undefined,
    askUser: async () => false,
  };
  const gate = new ApiGate({
    table,
    audit: { append: (eventType, actor, subject = '', detail = {}) => (audited.push({ eventType, actor, subject, detail }), undefined as never) },
    log: { error: (message) => appErrors.push(message) },
    now: () => clock.now,
    callsPerSecond: options.callsPerSecond ?? 1000,
  });
  return { gate, ctx, reached, audited, logged, appErrors, grants, clock };
}

describe('the API gate', () => {
  it('lets a granted, well-formed call through to its capability and answers with what it returned', async () => {
    const s = setup({ grants: ['tasks'] });
    expect(await s.gate.call(s.ctx, 'tasks.create', { title: 'Ship it', description: '' })).toEqual({ ok: true, value: 'did tasks.create' });
    expect(s.reached).toEqual([{ method: 'tasks.create', args: { title: 'Ship it', description: '' } }]);
    expect(s.audited).toEqual([]);
  });

  it('refuses a call without its grant, logs and audits the refusal, and never reaches the capability', async () => {
    const s = setup();
    expect(await s.gate.call(s.ctx, 'tasks.create', { title: 'Ship it', description: '' })).toEqual({ ok: false, error: "Permission 'tasks' not granted to probe" });
    expect(s.reached).toEqual([]);
    expect(s.audited).toEqual([{ eventType: 'permission_denied', actor: 'plugin:probe', subject: 'tasks', detail: { permission: 'tasks', method: 'tasks.create' } }]);
    expect(s.logged).toEqual([{ level: 'warn', text: "Permission 'tasks' not granted to probe (tasks.create)" }]);
  });

  it('checks the schema before the grant: malformed arguments are a protocol violation even without the grant', async () => {
    const s = setup();
    const result = await s.gate.call(s.ctx, 'tasks.create', { title: 42 });
    expect(result).toMatchObject({ ok: false, error: expect.stringMatching(/^invalid arguments for tasks\.create: /) });
    expect(s.reached).toEqual([]);
    expect(s.audited.map((r) => r.eventType)).toEqual(['plugin_protocol_violation']);
  });

  it('refuses a method that does not exist as a violation', async () => {
    const s = setup();
    expect(await s.gate.call(s.ctx, 'process.exit', {})).toEqual({ ok: false, error: 'There is no API method "process.exit"' });
    expect(s.audited).toEqual([{ eventType: 'plugin_protocol_violation', actor: 'plugin:probe', subject: 'probe', detail: { reason: 'unknown API method "process.exit"' } }]);
  });

  it('applies the rate limit first: past the limit, even a malformed or ungranted call is refused as too many, unaudited', async () => {
    const s = setup({ callsPerSecond: 2 });
    expect((await s.gate.call(s.ctx, 'storage.keys', {})).ok).toBe(true);
    expect((await s.gate.call(s.ctx, 'storage.keys', {})).ok).toBe(true);
    const tooMany = { ok: false, error: 'Too many requests: at most 2 API calls a second' };
    expect(await s.gate.call(s.ctx, 'tasks.create', { title: 42 })).toEqual(tooMany);
    expect(await s.gate.call(s.ctx, 'tasks.list', {})).toEqual(tooMany);
    expect(s.reached.map((r) => r.method)).toEqual(['storage.keys', 'storage.keys']);
    expect(s.audited).toEqual([]);
    expect(s.logged.filter((l) => l.text.startsWith('Too many requests'))).toHaveLength(1);
    s.clock.now += 1000;
    expect((await s.gate.call(s.ctx, 'storage.keys', {})).ok).toBe(true);
  });

  it('checks a grant the arguments add: emitting a notification without `notifications` never reaches the events module', async () => {
    const s = setup({ grants: ['events'] });
    const result = await s.gate.call(s.ctx, 'events.emit', { name: 'notification', payload: { message: 'hi' }, depth: 0 });
    expect(result).toEqual({ ok: false, error: "Permission 'notifications' not granted to probe" });
    expect(s.reached).toEqual([]);
    expect(s.audited[0]).toMatchObject({ subject: 'notifications', detail: { permission: 'notifications', method: 'events.emit(notification)' } });
    expect((await s.gate.call(s.ctx, 'events.emit', { name: 'other', payload: null, depth: 0 })).ok).toBe(true);
  });

  it('audits the same refusal once a minute, so a loop cannot flood the audit log', async () => {
    const s = setup();
    for (let i = 0; i < 5; i++) await s.gate.call(s.ctx, 'tasks.list', {});
    expect(s.audited).toHaveLength(1);
    s.clock.now += 60_000;
    await s.gate.call(s.ctx, 'tasks.list', {});
    expect(s.audited).toHaveLength(2);
  });

  it("passes a capability's own error to the plugin, and hides an unexpected one behind a pointer to the app log", async () => {
    const s = setup({
      grants: ['tasks'],
      handler: (method) => {
        if (method === 'tasks.list') throw new AppError('conflict', 'The task board is closed');
        throw new Error('disk on fire');
      },
    });
    expect(await s.gate.call(s.ctx, 'tasks.list', {})).toEqual({ ok: false, error: 'The task board is closed' });
    expect(await s.gate.call(s.ctx, 'tasks.create', { title: 't', description: '' })).toEqual({
      ok: false,
      error: 'tasks.create failed inside Switchboard; details are in the app log',
    });
    expect(s.appErrors).toEqual(['plugin probe: tasks.create failed']);
  });

  it('answers null for a capability that returns nothing', async () => {
    const s = setup({ handler: () => undefined });
    expect(await s.gate.call(s.ctx, 'storage.keys', {})).toEqual({ ok: true, value: null });
  });
});
