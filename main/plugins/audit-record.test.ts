import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, startPluginTest, type PluginTest } from './testing/harness.ts';

/** `agor.audit.record`: a row in the plugin's own name, for what it enforces. */
let t: PluginTest;
beforeAll(() => {
  t = startPluginTest();
});
afterAll(async () => {
  await t.close();
});

describe('agor.audit.record', () => {
  it('adds a row whose actor is the plugin, whatever the plugin says', async () => {
    const result = await probe(t, 'recorder', 'await agor.audit.record("policy_violation", "session-1", { rule: "blocked command", actor: "user" }); return "done"', ['audit']);
    expect(result).toEqual({ ok: true, value: 'done' });
    expect(t.audit('policy_violation')).toEqual([expect.objectContaining({ actor: 'plugin:recorder', subject: 'session-1', detail: { rule: 'blocked command', actor: 'user' } })]);
  });

  it('needs the audit permission', async () => {
    expect(await probe(t, 'no-audit', 'return agor.audit.record("policy_violation", "x", {})')).toEqual({ ok: false, error: "Permission 'audit' not granted to no-audit" });
  });

  it('refuses an event type that is not a plain name, and a detail too large to be an audit row', async () => {
    const bad = await probe(t, 'bad-type', 'return agor.audit.record("Permission Granted!", "x", {})', ['audit']);
    expect(bad.ok).toBe(false);
    const big = await probe(t, 'big', 'return agor.audit.record("policy_violation", "x", { text: "y".repeat(9000) })', ['audit']);
    expect(big).toEqual({ ok: false, error: expect.stringContaining("An audit row's detail may be at most 8192 characters of JSON") });
    expect(t.audit('policy_violation').filter((r) => r.actor !== 'plugin:recorder')).toEqual([]);
  });
});
