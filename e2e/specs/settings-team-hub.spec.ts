import { startTestHub, type TestHub } from '../../hub/testing/hub.ts';
import { testCertificates } from '../../main/marketplace/testing/https-server.ts';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

// The token goes to the real OS keyring: run under dbus-run-session with an unlocked gnome-keyring (npm test does this).

let hub: TestHub;
test.use({ extraCa: [testCertificates().ca] });
test.beforeEach(async () => {
  hub = await startTestHub({ tls: testCertificates() });
});
test.afterEach(async () => {
  await hub.close();
});

test('opting in to team usage: plain-words errors on the field, then "Send now" says how many went', async ({ app, harness }) => {
  const store = harness.services.core().agents.store;
  store.upsertSession({ id: 'done-1', provider: 'claude', model: 'claude-sonnet-4-5', timestamp: '2026-12-01T09:00:00.000Z' }, 'run', 'running', '2026-12-01T09:00:00.000Z');
  store.complete('done-1', { status: 'success', endedAt: '2026-12-01T09:05:00.000Z' });
  const panel = app.getByRole('region', { name: 'Team Hub' });
  await panel.getByRole('switch', { name: 'Share usage with your team' }).check();
  await panel.getByLabel('Hub address').fill(hub.url.replace('https:', 'http:'));
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByText('The Hub address must start with https://, so your token is never sent in the clear')).toBeVisible();
  await expect(panel.getByLabel('Hub address')).toHaveAttribute('aria-invalid', 'true');
  await screenshotScreen(app, 'settings-team-hub-invalid-light');

  await panel.getByLabel('Hub address').fill(hub.url);
  await panel.getByLabel('Personal access token').fill('sbh_not-a-token');
  await panel.getByRole('button', { name: 'Send now' }).click();
  await expect(panel.getByText(/The Hub did not accept the token/)).toBeVisible();
  await expect(panel.getByLabel('Personal access token')).toHaveAttribute('aria-invalid', 'true');

  await panel.getByLabel('Personal access token').fill((await hub.person('alice')).token);
  await panel.getByRole('button', { name: 'Send now' }).click();
  await expect(panel.getByRole('status')).toHaveText('Sent 1 session summary');
  await expect(panel.getByText('A token is saved in the system keyring')).toBeVisible();
  expect((await hub.api<{ key: string; sessions: number }[]>(hub.adminToken, 'GET', '/api/admin/usage?by=person')).body).toMatchObject([{ key: 'alice', sessions: 1 }]);
  await app.getByRole('radiogroup', { name: 'Theme' }).getByText('Dark').click();
  await screenshotScreen(app, 'settings-team-hub-sent-dark');
});
