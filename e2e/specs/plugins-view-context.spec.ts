import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '../fixtures/harness.ts';
import { installFixturePlugin, runFromPalette } from '../fixtures/plugin-fixtures.ts';

const SESSION = 'beef0000-1111-4222-8333-444455556666';

test("opening a session tells plugins which one it is (agor.sessions.current), and leaving the screen says none", async ({ app, harness }) => {
  installFixturePlugin(harness, 'session-peek', 'Session peek', '0.1.0', ['palette', 'sessions', 'notifications']);
  await harness.services.core().supervisor.setEnabled('session-peek', true);
  const dir = join(harness.dataDir, 'home', '.claude', 'projects', '-w');
  mkdirSync(dir, { recursive: true });
  const line = JSON.stringify({ type: 'user', sessionId: SESSION, cwd: '/w', uuid: 'beef0000-0000-4000-8000-000000000001', timestamp: new Date().toISOString(), message: { role: 'user', content: 'Summarise the diff' } });
  writeFileSync(join(dir, `${SESSION}.jsonl`), `${line}\n`);

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  const row = app.getByRole('list', { name: 'Sessions' }).getByRole('button').first();
  await expect(row).toBeVisible({ timeout: 20_000 });
  await row.click();
  await runFromPalette(app, 'Which session is open');
  await expect(app.getByRole('listitem', { name: /Session peek/ }).filter({ hasText: `Looking at ${SESSION}` })).toBeVisible();

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Tasks' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Tasks' })).toBeVisible();
  await runFromPalette(app, 'Which session is open');
  await expect(app.getByRole('listitem', { name: /Session peek/ }).filter({ hasText: 'Looking at no session' })).toBeVisible();
});
