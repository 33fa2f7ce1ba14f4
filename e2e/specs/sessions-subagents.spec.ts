import { cpSync } from 'node:fs';
import { join } from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '../fixtures/harness.ts';
import { screenshotScreen } from '../fixtures/screenshot.ts';

const FIXTURES = join(import.meta.dirname, '..', '..', 'main', 'agents', 'fixtures');

test('a subagent opens from its Task call as a session of its own, nested under its parent, its usage part of the parent’s', async ({ app, harness }) => {
  // An Opus session whose Task call ran an Explore subagent on Haiku, in Claude Code's own layout.
  cpSync(join(FIXTURES, 'claude-usage'), join(harness.dataDir, 'home', '.claude', 'projects'), { recursive: true });
  harness.services.core().agents.sources.scan();

  await app.setViewportSize({ width: 1280, height: 800 });
  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Sessions' }).click();
  const list = app.getByRole('list', { name: 'Sessions' });
  // One session in the list: the subagent is not a second one.
  await expect(list.locator(':scope > li')).toHaveCount(1);
  const parentRow = list.locator(':scope > li > .session-row');
  await expect(parentRow).toContainText('1 subagent');
  await parentRow.click();

  const view = app.getByRole('article', { name: /^Session / });
  const subagents = view.getByRole('region', { name: 'Subagents' });
  await expect(subagents).toContainText('List every caller of rateLimit');
  await expect(subagents).toContainText('claude-haiku-4-5-20251001');
  // The parent's conversation no longer shows the subagent's task as the user's words.
  const conversation = view.getByRole('list', { name: 'Conversation' });
  await expect(conversation.getByText('Searching.')).toHaveCount(0);
  await expect(app.getByRole('list', { name: /^Subagents of / }).getByRole('button')).toContainText('List every caller of rateLimit');

  for (const scheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: scheme });
    await screenshotScreen(app, `sessions-subagent-parent-${scheme}`);
  }

  await conversation.getByRole('button', { name: 'Open subagent: List every caller of rateLimit' }).click();
  const child = app.getByRole('article', { name: 'Session List every caller of rateLimit' });
  await expect(child.locator('.session-view-title')).toContainText('Subagent');
  // Its prompt came from the main agent, not from the person at the keyboard.
  await expect(child.getByRole('list', { name: 'Conversation' }).locator('.message-user .message-role')).toHaveText(['Main agent']);
  await expect(child.getByRole('list', { name: 'Conversation' })).toContainText('Searching.');
  await expect(child.getByRole('list', { name: 'Conversation' })).toContainText('Callers: src/app.ts');
  // In the list, the subagent's row is the current one, under its parent's.
  await expect(app.getByRole('list', { name: /^Subagents of / }).locator('[aria-current="true"]')).toContainText('List every caller of rateLimit');
  const { violations } = await new AxeBuilder({ page: app }).include('.sessions-screen').analyze();
  expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);

  for (const scheme of ['light', 'dark'] as const) {
    await app.emulateMedia({ colorScheme: scheme });
    await screenshotScreen(app, `sessions-subagent-child-${scheme}`);
  }
  await app.setViewportSize({ width: 900, height: 700 });
  await screenshotScreen(app, 'sessions-subagent-child-narrow');
  await app.setViewportSize({ width: 1280, height: 800 });

  await child.getByRole('button', { name: 'Main session' }).click();
  await expect(app.getByRole('article', { name: /^Session / }).getByRole('region', { name: 'Subagents' })).toBeVisible();
});
