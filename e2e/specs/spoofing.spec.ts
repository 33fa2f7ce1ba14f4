import type { Locator, Page } from '@playwright/test';
import { expect, LONG_SOURCE_NAME, RLO, seedEverything, seedNotifications, test } from '../fixtures/seed.ts';

/**
 * Text from strangers carries a right-to-left override. On every surface it
 * is drawn as a visible code, never obeyed: the element holds no U+202E and
 * reads "ev", the code (U+202E, bracketed where it is plain text), then
 * "live", in that order.
 */
async function expectShownNotObeyed(where: Locator): Promise<void> {
  await expect(where).toBeVisible();
  const text = await where.innerText();
  expect(text).not.toContain(RLO);
  expect(text).toMatch(/ev\[?U\+202E\]?live/);
}

const nav = (app: Page, name: string) => app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

test('text from strangers cannot spoof any surface, and long names do not squeeze controls', async ({ app, harness, server }) => {
  test.setTimeout(120_000);
  await seedEverything(harness, server);
  await app.reload();
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  seedNotifications(harness);

  // Notifications: the toast and the Notification Center.
  await expectShownNotObeyed(app.getByRole('region', { name: 'Notifications' }).getByRole('listitem', { name: /Notice/ }));
  await app.getByRole('button', { name: /^Notifications/ }).click();
  await expectShownNotObeyed(app.getByRole('dialog', { name: 'Notification Center' }).getByRole('listitem', { name: /Notice/ }).first());
  await app.keyboard.press('Escape');

  // Marketplace: the card, the long source name, the failing source's banner and the detail.
  await nav(app, 'Marketplace').click();
  // The built-in catalog comes first; the stranger's entry is found by searching for it.
  await app.getByRole('searchbox', { name: 'Search plugins' }).fill('does things');
  const card = app.getByRole('list', { name: 'Plugins' }).getByRole('listitem', { name: /Tools/ });
  await expectShownNotObeyed(card.locator('.market-card-title'));
  await expectShownNotObeyed(card.locator('.market-card-meta'));
  await expectShownNotObeyed(card.locator('.market-card-description'));
  // The long source name is cut on the card, with all of it on hover; the search box keeps its width.
  await expect(card.getByTitle(LONG_SOURCE_NAME)).toBeVisible();
  const search = await app.getByRole('searchbox', { name: 'Search plugins' }).boundingBox();
  expect(search!.width).toBeGreaterThanOrEqual(260);
  const banner = app.getByRole('alert').filter({ hasText: 'Broken source' });
  await expectShownNotObeyed(banner);
  await card.locator('.market-card-title').click();
  const detail = app.getByRole('dialog', { name: /Tools/ });
  await expectShownNotObeyed(detail.getByRole('heading', { level: 2 }));
  await expectShownNotObeyed(detail.locator('.dialog-description'));
  await expectShownNotObeyed(detail.locator('dd').filter({ hasText: 'Author' }));
  await app.keyboard.press('Escape');

  // Plugins: the list and the plugin's page.
  await nav(app, 'Plugins').click();
  const row = app.getByRole('list', { name: 'Installed plugins' }).getByRole('listitem').first();
  await expectShownNotObeyed(row.locator('.plugin-row-title'));
  await expectShownNotObeyed(row.locator('.plugin-row-description'));
  await row.locator('.plugin-row-main').click();
  await expectShownNotObeyed(app.getByRole('heading', { level: 1 }));
  await expectShownNotObeyed(app.getByRole('region', { name: 'Overview' }).locator('p').first());
  // The plugin's log says its name too, when it starts.
  await expectShownNotObeyed(app.getByRole('log', { name: 'Plugin log' }).locator('.plugin-log-line').filter({ hasText: 'Starting' }).first());

  // The palette: a plugin's commands carry its name.
  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await palette.getByRole('combobox', { name: 'Command' }).fill('say hello');
  await expectShownNotObeyed(palette.getByRole('option').first());
  await app.keyboard.press('Escape');

  // Sessions: the list and the transcript.
  await nav(app, 'Sessions').click();
  const session = app.getByRole('list', { name: 'Sessions' }).getByRole('button').first();
  await expect(session).toBeVisible({ timeout: 15_000 });
  await expectShownNotObeyed(session.locator('.session-row-title'));
  await session.click();
  const conversation = app.getByRole('list', { name: 'Conversation' });
  await expectShownNotObeyed(conversation.locator('.message-text').first());
  // The agent's reply is drawn as Markdown; it is just as safe.
  await expectShownNotObeyed(conversation.locator('.markdown').filter({ hasText: 'I will add a check' }).first());

  // Tasks and the audit log.
  await nav(app, 'Tasks').click();
  await expectShownNotObeyed(app.locator('.task-card-title').filter({ hasText: 'Review' }));
  await nav(app, 'Audit log').click();
  const auditRow = app.getByRole('table', { name: 'Audit entries' }).getByRole('row').filter({ hasText: 'plugin installed' });
  await expectShownNotObeyed(auditRow.locator('.audit-actor'));
  await expectShownNotObeyed(auditRow.locator('.audit-subject'));
  await expectShownNotObeyed(auditRow.locator('.audit-detail'));
  // Older than today: the date is in the row, the full date and time on hover.
  const time = auditRow.locator('time');
  await expect(time).toHaveText(/[A-Za-z]{3}/);
  await expect(time).toHaveAttribute('title', /\d{4}/);
});
