import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test as base, type Page } from '@playwright/test';
import { startWorld, type TestWorld } from '../../hub/testing/world.ts';
import { SCREENSHOTS } from '../fixtures/harness.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The Hub's admin UI in Chromium, built for this run and served by a real Hub on HTTPS (test CA). */
const test = base.extend<{ world: TestWorld }>({
  world: async ({}, use) => {
    const uiDir = mkdtempSync(join(tmpdir(), 'hub-ui-'));
    execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--config', 'hub/ui/vite.config.ts', '--outDir', uiDir, '--emptyOutDir', '--logLevel', 'warn'], { cwd: ROOT });
    const world = await startWorld({ uiDir });
    await use(world);
    await world.close();
    rmSync(uiDir, { recursive: true, force: true });
  },
});
test.use({ ignoreHTTPSErrors: true });

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = (theme: string) => join(SCREENSHOTS, `hub-admin-${name}-${theme}.png`);
  // Signed in, switch the way a person does, so the theme button says what it will do; the sign-in page has no button.
  const toggle = page.getByRole('button', { name: 'Dark theme' });
  const signedIn = await toggle.isVisible();
  const theme = async (t: 'light' | 'dark') => {
    if (signedIn) await page.getByRole('button', { name: t === 'dark' ? 'Dark theme' : 'Light theme' }).click();
    else await page.evaluate((value) => (document.documentElement.dataset.theme = value), t);
  };
  await page.screenshot({ path: path('light'), fullPage: true });
  await theme('dark');
  await page.screenshot({ path: path('dark'), fullPage: true });
  await theme('light');
}

test('an admin manages sources, people, tokens, grants and who reads usage, and reads usage and the audit', async ({ page, world }) => {
  test.setTimeout(90_000);
  const hub = world.hub;
  const alice = await hub.person('alice', ['dev']);
  await hub.api(alice.token, 'POST', '/api/usage', {
    sessions: [
      { sessionId: 's1', agent: 'claude-code', project: 'switchboard', model: 'claude-sonnet-4-5', startedAt: '2026-11-30T09:00:00Z', durationMs: 600_000, inputTokens: 120_000, outputTokens: 30_000, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 3.2, status: 'completed' },
      { sessionId: 's2', agent: 'codex', project: 'hub', model: 'gpt-5-codex', startedAt: '2026-12-01T10:00:00Z', durationMs: 300_000, inputTokens: 40_000, outputTokens: 9_000, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 0.9, status: 'completed' },
    ],
  });
  await hub.api(hub.adminToken, 'POST', '/api/usage', {
    sessions: [{ sessionId: 'a1', agent: 'claude-code', project: 'hub', model: 'claude-opus-4-1', startedAt: '2026-12-01T11:00:00Z', durationMs: 900_000, inputTokens: 200_000, outputTokens: 60_000, cacheReadTokens: 0, cacheWriteTokens: 0, costUsd: 7.5, status: 'completed' }],
  });

  await page.goto(`${hub.url}/admin/`);
  await page.getByLabel('Admin token').fill(alice.token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('alert')).toHaveText('This token belongs to someone outside the admin group.');
  await shot(page, 'signin');
  await page.getByLabel('Admin token').fill(hub.adminToken);
  await page.getByRole('button', { name: 'Sign in' }).click();

  const sources = page.getByRole('list', { name: 'Sources' });
  await expect(sources.getByRole('listitem', { name: 'Team Tools' })).toContainText('2 plugins');
  await page.getByLabel('Name').fill('Broken repo');
  await page.getByLabel('Address').fill('file:///nowhere/repo.git');
  await page.getByRole('button', { name: 'Add source' }).click();
  const broken = sources.getByRole('listitem', { name: 'Broken repo' });
  await broken.getByRole('button', { name: 'Sync now' }).click();
  await expect(broken.getByRole('alert')).toContainText('git clone failed');
  await shot(page, 'sources');

  await page.getByRole('button', { name: 'People' }).click();
  await page.getByLabel('New user name').fill('erin');
  await page.getByRole('button', { name: 'Add user' }).click();
  const erin = page.getByRole('list', { name: 'Users' }).getByRole('listitem', { name: 'erin' });
  await erin.getByLabel('Add erin to a group').selectOption('ops');
  await expect(erin.getByRole('button', { name: 'Remove erin from ops' })).toBeVisible();

  // A member reads the usage of their group's people only once an admin allows it for the group.
  const alicesUsage = () => hub.api<{ groups: string[] | null; rows: { key: string }[]; error?: string }>(alice.token, 'GET', '/api/usage?by=person');
  expect(await alicesUsage()).toMatchObject({ status: 403, body: { error: expect.stringContaining("None of your groups may read team usage") } });
  const devReads = page.getByLabel("Members of dev read the group's usage");
  await expect(devReads).not.toBeChecked();
  await expect(page.getByRole('list', { name: 'Groups' }).getByRole('listitem', { name: 'admin' })).toContainText("Admins read everyone's usage");
  await devReads.click();
  await expect(devReads).toBeChecked();
  await expect(page.getByLabel("Members of ops read the group's usage")).not.toBeChecked();
  expect(await alicesUsage()).toMatchObject({ status: 200, body: { groups: ['dev'], rows: [{ key: 'alice', sessions: 2 }] } });
  await page.getByLabel('New tokens expire after').selectOption('30');
  await erin.getByRole('button', { name: 'New token' }).click();
  const created = page.getByRole('status').filter({ hasText: 'shown only now' });
  const token = (await created.locator('code').textContent())!;
  expect(token).toMatch(/^sbh_/);
  expect((await hub.api(token, 'GET', '/api/me')).status).toBe(200);
  await shot(page, 'people');
  await created.getByRole('button', { name: 'Done' }).click();
  await devReads.click();
  await expect(devReads).not.toBeChecked();
  expect((await alicesUsage()).status).toBe(403);
  await page.getByRole('button', { name: 'Revoke personal access token of erin' }).click();
  await expect(page.getByRole('table', { name: 'Tokens' }).getByText(/revoked/)).toBeVisible();
  expect((await hub.api(token, 'GET', '/api/me')).status).toBe(401);
  const erinTokens = (await hub.api<{ userId: string; expiresAt: string }[]>(hub.adminToken, 'GET', '/api/admin/tokens')).body.filter((t) => t.expiresAt);
  expect(erinTokens).toHaveLength(1);
  expect(Date.parse(erinTokens[0]!.expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
  await erin.getByRole('button', { name: 'Remove erin from ops' }).click();
  await expect(erin.getByRole('button', { name: 'Remove erin from ops' })).toHaveCount(0);
  expect((await hub.api<{ name: string; groups: string[] }[]>(hub.adminToken, 'GET', '/api/admin/users')).body.find((u) => u.name === 'erin')!.groups).toEqual([]);

  await page.getByRole('button', { name: 'Grants' }).click();
  const box = page.getByLabel('team-tools/deploy for dev');
  await box.click();
  await expect(box).toBeChecked();
  await page.getByLabel('upstream/quick-notes for admin').click();
  await expect(page.getByLabel('upstream/quick-notes for admin')).toBeChecked();
  const grants = (await hub.api<{ ref: string; groupName: string }[]>(hub.adminToken, 'GET', '/api/admin/grants')).body;
  expect(grants).toEqual([
    expect.objectContaining({ ref: 'team-tools/deploy', groupName: 'dev' }),
    expect.objectContaining({ ref: 'upstream/quick-notes', groupName: 'admin' }),
  ]);
  await shot(page, 'grants');

  await page.getByRole('button', { name: 'Usage' }).click();
  const chart = page.getByRole('list', { name: 'Cost chart' });
  await expect(chart.getByRole('listitem')).toHaveCount(2);
  await expect(chart.getByRole('listitem').first()).toHaveAccessibleName(/^admin: \$7\.50$/);
  await shot(page, 'usage');
  await page.getByRole('button', { name: 'model' }).click();
  await expect(chart.getByRole('listitem')).toHaveCount(3);

  await page.getByRole('button', { name: 'Audit' }).click();
  const audit = page.getByRole('table', { name: 'Audit' });
  await expect(audit.getByText('grant added').first()).toBeVisible();
  await expect(audit.getByText('token revoked')).toBeVisible();
  await expect(audit.getByRole('row').filter({ hasText: 'permission granted' })).toContainText('usage:read');
  await expect(audit.getByRole('row').filter({ hasText: 'permission removed' })).toContainText('usage:read');
  await shot(page, 'audit');
  expect(await page.content()).not.toContain(alice.token);
});
