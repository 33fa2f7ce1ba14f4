import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FAKE_AGENT } from '../../agents/test-kit.ts';
import { eventually } from '../../plugins/testing/harness.ts';
import { TestHttpsServer, testCertificates } from '../testing/https-server.ts';
import { startProTest, type ProTest } from '../testing/pro-plugins.ts';

/** A loopback HTTPS webhook that records every body it receives. */
async function webhook(): Promise<{ server: TestHttpsServer; bodies: unknown[]; url: string }> {
  const server = await TestHttpsServer.start();
  const bodies: unknown[] = [];
  const url = server.handle('/hooks/cost', (req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      bodies.push(JSON.parse(text));
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  return { server, bodies, url };
}

describe('Cost Alerts, installed from the built-in catalog', () => {
  let t: ProTest;
  let hook: Awaited<ReturnType<typeof webhook>>;

  beforeEach(async () => {
    hook = await webhook();
    t = startProTest({ extraCa: [testCertificates().ca] });
    t.core.agents.updateConfig({ claudeBinary: FAKE_AGENT, watch: false });
    await t.installPro('cost-alerts');
  });

  afterEach(async () => {
    await t.close();
    await hook.server.close();
  });

  async function runSession(): Promise<string> {
    const folder = join(t.dataDir, 'work', 'shop');
    mkdirSync(folder, { recursive: true });
    const project = t.core.agents.addProject(folder, 'Shop');
    const started = await t.core.agents.runner.run(project.id, 'claude', 'Tidy the README');
    if (started.status !== 'started') throw new Error(started.message);
    await t.core.agents.runner.finished(started.sessionId);
    return started.sessionId;
  }

  it('alerts once per limit crossed, as a toast, a desktop notification and a webhook body on a host the user approved', async () => {
    const saved = t.core.supervisor.updateSettings('cost-alerts', { session_usd: 0.01, day_usd: 0.01, project_usd: 0, webhook: 'generic', webhook_url: hook.url });
    expect(saved.saved).toBe(true);
    const sessionId = await runSession();

    await eventually(() => hook.bodies.length >= 2, 'two webhook posts');
    expect(t.asked).toEqual(['network: Send data to 127.0.0.1: Post cost alerts to the webhook you set in Cost Alerts']);
    const bodies = hook.bodies as Record<string, unknown>[];
    expect(bodies.map((b) => b.scope).sort()).toEqual(['day', 'session']);
    expect(bodies.find((b) => b.scope === 'session')).toMatchObject({ event: 'cost_threshold_crossed', subject: sessionId, threshold_usd: 0.01, cost_usd: 0.0123, session_id: sessionId });

    const titles = t.native.shown.map((n) => n.title);
    expect(titles).toEqual(expect.arrayContaining(['Session over $0.01', 'Today over $0.01']));
    const toasts = t.core.notifications.list().items.filter((n) => n.source === 'plugin:cost-alerts').map((n) => n.message);
    expect(toasts).toEqual(expect.arrayContaining(['"Tidy the README" in Shop cost $0.01.', 'Sessions today have cost $0.01 so far.']));
    await eventually(() => t.panelText('cost-alerts').includes('toast + 127.0.0.1'), 'the panel to list the delivered alerts');
    expect(t.panelText('cost-alerts')).toContain('Alerts also go to 127.0.0.1.');

    // A second check in the same day does not repeat the alerts.
    expect(await t.action('cost-alerts', 'tools', 'check')).toEqual({ ok: true });
    expect(hook.bodies).toHaveLength(2);
    expect(t.core.audit.list({ eventType: 'network_host_allowed' })).toEqual([expect.objectContaining({ subject: '127.0.0.1', actor: 'user' })]);
  });

  it('sends nothing to a host the user refused, and says so on its page', async () => {
    t.answer = false;
    t.core.supervisor.updateSettings('cost-alerts', { session_usd: 0.01, day_usd: 0, webhook: 'generic', webhook_url: hook.url });
    await runSession();
    await eventually(() => t.panelText('cost-alerts').includes('webhook failed'), 'the refusal on the panel');
    expect(t.panelText('cost-alerts')).toContain('The user did not allow Cost Alerts to send data to 127.0.0.1');
    expect(hook.server.requests).toEqual([]);
    expect(t.native.shown.map((n) => n.title)).toContain('Session over $0.01');
    expect(t.core.plugins.get('cost-alerts')!.grants).not.toContain('network');
  });

  it('refuses a webhook that is not https, before anything is sent', async () => {
    t.core.supervisor.updateSettings('cost-alerts', { webhook: 'generic', webhook_url: 'http://127.0.0.1:9/x' });
    expect(await t.action('cost-alerts', 'tools', 'test')).toEqual({ ok: false, error: 'The webhook address must start with https://.' });
    expect(t.asked).toEqual([]);
  });
});
