import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startTestHub, type TestHub } from '../../hub/testing/hub.ts';
import type { Core } from '../../main/services.ts';
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

const SECRET = 'the launch date is the fourteenth';

/** A session with a prompt and a reply, in a project, ended the way a run or an import ends it. */
function endSession(core: Core, id: string, folder: string, project: string, at: string, end: string): void {
  mkdirSync(folder, { recursive: true });
  if (!core.agents.store.listProjects().some((p) => p.name === project)) core.agents.store.addProject(folder, project);
  core.agents.pipeline.write((w) => {
    w.session({ id, provider: 'claude', cwd: folder, model: 'claude-sonnet-4-5', title: `Plan: ${SECRET}`, timestamp: at }, 'run');
    w.messages([
      { id: `${id}:p`, sessionId: id, provider: 'claude', timestamp: at, type: 'text', role: 'user', content: `Keep quiet: ${SECRET}`, raw: JSON.stringify({ text: SECRET }) },
      {
        id: `${id}:r`, sessionId: id, provider: 'claude', timestamp: end, type: 'text', role: 'assistant', content: `Noted, ${SECRET}`,
        usage: { input_tokens: 42_000, output_tokens: 3_100, cache_read_input_tokens: 9_000 }, usageModel: 'claude-sonnet-4-5', raw: JSON.stringify({ text: SECRET }),
      },
    ]);
  });
  core.agents.pipeline.complete(id, { status: 'success', endedAt: end });
}

/** Everything the Hub keeps on disk (its SQLite file and its log, with the write-ahead log), as text. */
function hubFiles(hub: TestHub): string {
  const read = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? read(join(dir, e.name)) : [readFileSync(join(dir, e.name)).toString('latin1')]));
  return read(hub.dataDir).join('\n');
}

test('opted in under Settings, finished sessions reach the Hub on their own: figures and project, never the words', async ({ app, harness }) => {
  const core = harness.services.core();
  const alice = await hub.person('alice');
  type Row = { key: string; sessions: number; inputTokens: number; outputTokens: number; costUsd: number; durationMs: number };
  const byProject = async () => (await hub.api<Row[]>(hub.adminToken, 'GET', '/api/admin/usage?by=project')).body;
  endSession(core, 'before-opt-in', join(harness.dataDir, 'work', 'shop'), 'Shop', '2026-12-01T09:00:00.000Z', '2026-12-01T09:04:00.000Z');

  await app.getByRole('button', { name: 'Settings' }).first().click();
  const panel = app.getByRole('region', { name: 'Team Hub' });
  await panel.getByRole('switch', { name: 'Share usage with your team' }).check();
  await panel.getByLabel('Hub address').fill(hub.url);
  await panel.getByLabel('Personal access token').fill(alice.token);
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toHaveText('Saved');

  endSession(core, 'after-opt-in', join(harness.dataDir, 'work', 'billing'), 'Billing', '2026-12-02T14:00:00.000Z', '2026-12-02T14:10:00.000Z');
  const ended = core.agents.store.getSession('after-opt-in')!;
  expect(ended.costUsd).toBeGreaterThan(0);
  // The session that just ended goes on its own, and the one that finished before opting in with it.
  await expect.poll(byProject).toEqual([
    { key: 'Billing', sessions: 1, inputTokens: ended.inputTokens, outputTokens: 3_100, costUsd: ended.costUsd, durationMs: 600_000 },
    expect.objectContaining({ key: 'Shop', sessions: 1, durationMs: 240_000 }),
  ]);
  expect((await hub.api<Row[]>(hub.adminToken, 'GET', '/api/admin/usage?by=person')).body).toEqual([expect.objectContaining({ key: 'alice', sessions: 2 })]);

  const stored = hubFiles(hub);
  expect(stored).toContain('Billing');
  expect(stored).not.toContain('launch date');
  expect(stored).not.toContain('Noted,');
});
