import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { probe, startPluginTest, type PluginTest } from './testing/harness.ts';

/** `agor.net.allowHost`: a host the user names in settings, which no manifest can list in advance. */
let t: PluginTest;
beforeAll(() => {
  t = startPluginTest();
});
afterAll(async () => {
  await t.close();
});

describe('agor.net.allowHost', () => {
  it('is refused to a plugin whose manifest does not mention the network at all', async () => {
    expect(await probe(t, 'no-network', 'return agor.net.allowHost("collector.example.com", "Forward rows")')).toEqual({
      ok: false,
      error: "no-network plugin cannot ask to reach a host: its manifest lists 'network' in neither permissions nor optionalPermissions",
    });
  });

  it('takes one exact host, never a pattern or an address with a path', async () => {
    const manifest = { optionalPermissions: ['network'] };
    for (const host of ['*.example.com', 'example.com/x', 'https://example.com']) {
      const result = await probe(t, 'pattern', `return agor.net.allowHost(${JSON.stringify(host)}, "Forward rows")`, [], { manifest });
      expect(result).toMatchObject({ ok: false, error: expect.stringContaining('host') });
    }
    expect(t.core.plugins.get('pattern')!.grants).toEqual([]);
  });

  it('asks the user, and a refusal reaches nothing and grants nothing', async () => {
    const stop = t.services.events.subscribe((name, payload) => {
      const p = payload as { requestId: string; answered?: boolean; reason?: string };
      if (name === 'plugins.consent' && !p.answered) {
        expect(p.reason).toBe('Send data to collector.example.com: Forward rows');
        queueMicrotask(() => void t.services.dispatch('plugins.answerConsent', { requestId: p.requestId, allow: false }));
      }
    });
    const result = await probe(t, 'asks', 'return agor.net.allowHost("collector.example.com", "Forward rows")', [], { manifest: { optionalPermissions: ['network'] } });
    stop();
    expect(result).toEqual({ ok: false, error: 'The user did not allow asks plugin to send data to collector.example.com' });
    expect(t.core.plugins.get('asks')!.grants).toEqual([]);
    expect(t.audit('network_host_refused')).toEqual([expect.objectContaining({ subject: 'collector.example.com', actor: 'user' })]);
  });
});
