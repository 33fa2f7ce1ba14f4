import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { startProTest, type ProTest } from '../../main/marketplace/testing/pro-plugins.ts';
import { eventually } from '../../main/plugins/testing/harness.ts';
import { startTestHub, type TestHub } from '../testing/hub.ts';

/**
 * The first-party Team Dashboard plugin, installed from the desktop's
 * built-in catalog, reading a real Hub's team usage over HTTPS.
 */
const ID = 'team-dashboard';
const today = new Date().toISOString().slice(0, 10);

function session(id: string, project: string, model: string, costUsd: number, inputTokens: number) {
  return { sessionId: id, agent: 'claude', project, model, startedAt: `${today}T09:00:00Z`, durationMs: 60_000, inputTokens, outputTokens: 500, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd, status: 'completed' };
}

describe('Team Dashboard, installed from the built-in catalog', () => {
  let t: ProTest;
  let hub: TestHub;

  beforeEach(async () => {
    hub = await startTestHub({ tls: testCertificates() });
    t = startProTest({ extraCa: [testCertificates().ca] });
    await t.installPro(ID);
  });

  afterEach(async () => {
    await t.close();
    await hub.close();
  });

  it('without a Hub, explains how to connect', async () => {
    await eventually(() => t.panelText(ID).includes('No Hub connected'), 'the how-to panel');
    expect(t.panelText(ID)).toContain('Ask your Hub admin for the Hub\'s address and a personal access token');
    expect(t.asked).toEqual([]);
  });

  it('shows the team\'s usage by person, project, model and day from the Hub', async () => {
    const team = (await hub.api<{ id: string }>(hub.adminToken, 'POST', '/api/admin/groups', { name: 'shop-team' })).body.id;
    await hub.api(hub.adminToken, 'POST', `/api/admin/groups/${team}/permissions`, { permission: 'usage:read', granted: true });
    const alice = await hub.person('alice', ['shop-team']);
    const bob = await hub.person('bob', ['shop-team']);
    const eve = await hub.person('eve');
    expect((await hub.api(eve.token, 'POST', '/api/usage', { sessions: [session('e1', 'secret', 'claude-opus-4-1', 9, 1)] })).status).toBe(200);
    expect((await hub.api(alice.token, 'POST', '/api/usage', { sessions: [session('a1', 'shop', 'claude-sonnet-4-5', 1.25, 12_000), session('a2', 'docs', 'claude-haiku-4-5', 0.25, 3_000)] })).status).toBe(200);
    expect((await hub.api(bob.token, 'POST', '/api/usage', { sessions: [session('b1', 'shop', 'claude-sonnet-4-5', 2, 20_000)] })).status).toBe(200);

    t.core.supervisor.updateSettings(ID, { hub_url: hub.url, hub_token: alice.token, days: 7 });
    expect(await t.action(ID, 'dashboard', 'refresh')).toEqual({ ok: true });
    const panel = t.panel(ID);
    if (panel?.type !== 'blocks') throw new Error('no panel');
    const tables = Object.fromEntries(panel.blocks.flatMap((b) => (b.type === 'table' ? [[b.title, b.rows]] : [])));
    expect(tables['By person']).toEqual([
      ['bob', 1, '20k', '500', '$2.00'],
      ['alice', 2, '15k', '1k', '$1.50'],
    ]);
    expect(tables['By project']).toEqual([
      ['shop', 2, '32k', '1k', '$3.25'],
      ['docs', 1, '3k', '500', '$0.25'],
    ]);
    expect(tables['By model']).toEqual([
      ['claude-sonnet-4-5', 2, '32k', '1k', '$3.25'],
      ['claude-haiku-4-5', 1, '3k', '500', '$0.25'],
    ]);
    expect(tables['By day']).toEqual([[today, 3, '35k', '2k', '$3.50']]);
    const spark = panel.blocks.find((b) => b.type === 'sparkline');
    expect(spark).toMatchObject({ values: [0, 0, 0, 0, 0, 0, 3.5], label: '$3.50 in 7 days' });
    expect(t.asked).toEqual(["network: Send data to 127.0.0.1: Read your team's usage from your Switchboard Hub"]);
  });

  it('says plainly when the token may not read team usage or was refused', async () => {
    const carol = await hub.person('carol');
    t.core.supervisor.updateSettings(ID, { hub_url: hub.url, hub_token: carol.token });
    expect(await t.action(ID, 'dashboard', 'refresh')).toEqual({ ok: false, error: expect.stringContaining('None of your groups may read team usage') });
    t.core.supervisor.updateSettings(ID, { hub_token: 'sbh_not-a-token' });
    expect(await t.action(ID, 'dashboard', 'refresh')).toMatchObject({ ok: false, error: expect.stringContaining('The Hub did not accept the token') });
    expect(t.panelText(ID)).toContain('Could not read team usage');
  });
});
