import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { screenshotScreen } from '../fixtures/screenshot.ts';
import { expect, seedEverything, seedNotifications, test } from '../fixtures/seed.ts';

/** Serious and critical WCAG A/AA problems axe finds on what is on screen now, one line each. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

const SIZES = [
  { width: 1280, height: 800 },
  { width: 900, height: 700 },
];

const nav = (app: Page, name: string) => app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name, exact: true });

/** The screen in full at both window sizes: test-results/screens/sweep-<name>-<theme>-<width>.png. */
async function shoot(app: Page, name: string, theme: string): Promise<void> {
  for (const size of SIZES) {
    await app.setViewportSize(size);
    await screenshotScreen(app, `sweep-${name}-${theme}-${size.width}`);
  }
  await app.setViewportSize(SIZES[0]!);
}

for (const theme of ['light', 'dark'] as const) {
  test(`every screen and overlay, with data in place, passes axe in the ${theme} theme`, async ({ app, harness, server }) => {
    test.setTimeout(240_000);
    await seedEverything(harness, server);
    await app.emulateMedia({ colorScheme: theme });
    await app.reload();
    await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    seedNotifications(harness);
    await expect(app.getByRole('region', { name: 'Notifications' }).getByRole('listitem')).toHaveCount(2);
    const problems: Record<string, string[]> = {};
    const check = async (what: string) => {
      const found = await accessibilityProblems(app);
      if (found.length) problems[what] = found;
    };

    await check('Settings with toasts');
    // The unread badge sits beside the bell, not over it.
    const bell = await app.getByRole('button', { name: /^Notifications/ }).locator('svg').boundingBox();
    const badge = await app.getByTestId('unread-count').boundingBox();
    expect(badge!.x).toBeGreaterThanOrEqual(bell!.x + bell!.width);
    await shoot(app, 'settings', theme);

    await app.getByRole('button', { name: /^Notifications/ }).click();
    await expect(app.getByRole('dialog', { name: 'Notification Center' }).getByRole('listitem').first()).toBeVisible();
    await check('Notification Center');
    await app.keyboard.press('Escape');
    // Dismissing one toast moves (or times out) the others: always dismiss the first one still there.
    const dismiss = app.getByRole('region', { name: 'Notifications' }).getByRole('button', { name: 'Dismiss notification' });
    while ((await dismiss.count()) > 0) await dismiss.first().click({ timeout: 5_000 }).catch(() => undefined);
    await expect(dismiss).toHaveCount(0);

    await app.getByRole('region', { name: 'Catalog sources' }).getByRole('button', { name: 'Add source' }).click();
    await app.getByRole('dialog', { name: 'Add a catalog source' }).getByRole('button', { name: 'Add source' }).click();
    await expect(app.getByRole('dialog', { name: 'Add a catalog source' }).getByRole('alert').first()).toBeVisible();
    await check('Sources dialog with errors');
    await app.keyboard.press('Escape');

    await nav(app, 'Sessions').click();
    const session = app.getByRole('list', { name: 'Sessions' }).getByRole('button').first();
    await expect(session).toBeVisible({ timeout: 15_000 });
    await session.click();
    await expect(app.getByRole('list', { name: 'Conversation' }).getByRole('listitem').first()).toBeVisible();
    await app.getByRole('list', { name: 'Conversation' }).getByRole('button', { name: /Edit/ }).first().click();
    await check('Sessions with a session open');
    await shoot(app, 'sessions', theme);
    await app.getByRole('button', { name: 'Sources', exact: true }).click();
    await expect(app.getByRole('dialog', { name: 'Sources' }).getByLabel('Claude Code program')).toBeVisible();
    await check('Sessions sources dialog');
    await app.keyboard.press('Escape');

    await nav(app, 'Metrics').click();
    await expect(app.getByRole('heading', { level: 1, name: 'Metrics' })).toBeVisible();
    await check('Metrics');
    await shoot(app, 'metrics', theme);
    await app.getByRole('radiogroup', { name: 'View' }).getByText('History').click();
    const stats = app.getByRole('group', { name: 'Stats' });
    await expect(stats).toBeVisible();
    await check('Metrics history');
    await shoot(app, 'metrics-history', theme);
    // Tiles never leave one alone beside a gap: rows are balanced, and a tile left over spans its row.
    for (const size of SIZES) {
      await app.setViewportSize(size);
      for (const group of ['Stats', 'Trends']) {
        const rows = await app.getByRole('group', { name: group }).evaluate((el) => {
          const width = el.getBoundingClientRect().width;
          const tiles = [...el.children].map((c) => c.getBoundingClientRect());
          const tops = [...new Set(tiles.map((t) => Math.round(t.top)))];
          return tops.map((top) => {
            const row = tiles.filter((t) => Math.round(t.top) === top);
            return { count: row.length, fills: row.reduce((w, t) => w + t.width, 0) >= width * 0.6 };
          });
        });
        for (const row of rows) expect(row.count >= Math.ceil(rows[0]!.count / 2) || row.fills, `${group} rows ${JSON.stringify(rows)} at ${size.width}px`).toBe(true);
      }
    }
    await app.setViewportSize(SIZES[0]!);

    await nav(app, 'Tasks').click();
    await expect(app.locator('.task-card').first()).toBeVisible();
    await check('Tasks');
    await shoot(app, 'tasks', theme);
    await app.getByRole('button', { name: 'New task', exact: true }).click();
    await app.getByRole('dialog', { name: 'New task' }).getByRole('button', { name: 'Create task' }).click();
    await expect(app.getByRole('dialog', { name: 'New task' }).getByRole('alert')).toBeVisible();
    await check('Task dialog with an error');
    await app.keyboard.press('Escape');

    await nav(app, 'Plugins').click();
    const plugin = app.getByRole('list', { name: 'Installed plugins' }).locator('.plugin-row-main').first();
    await expect(plugin).toBeVisible();
    await check('Plugins');
    await shoot(app, 'plugins', theme);
    await plugin.click();
    await expect(app.getByRole('form', { name: 'Plugin settings' })).toBeVisible();
    await check('Plugin page');
    await shoot(app, 'plugin-page', theme);

    await nav(app, 'Marketplace').click();
    await expect(app.getByRole('list', { name: 'Plugins' }).getByRole('listitem').first()).toBeVisible();
    await check('Marketplace with a failing source');
    await shoot(app, 'marketplace', theme);
    // The built-in catalog comes first; the stranger's entry is found by searching for it.
    await app.getByRole('searchbox', { name: 'Search plugins' }).fill('does things');
    const card = app.getByRole('list', { name: 'Plugins' }).getByRole('listitem', { name: /Tools/ });
    await expect(card).toBeVisible();
    await card.locator('.market-card-title').click();
    await expect(app.getByRole('dialog', { name: /Tools/ })).toBeVisible();
    await check('Marketplace detail');
    await app.getByRole('dialog', { name: /Tools/ }).getByRole('button', { name: 'Install', exact: true }).click();
    await expect(app.getByRole('dialog', { name: /^Install/ })).toBeVisible();
    await check('Install consent');
    await app.keyboard.press('Escape');

    await nav(app, 'Audit log').click();
    await expect(app.getByRole('table', { name: 'Audit entries' })).toBeVisible();
    await app.getByRole('button', { name: /^Show entry \d+ in full$/ }).first().click();
    await check('Audit log with an entry open');
    await shoot(app, 'audit', theme);

    await app.keyboard.press('Control+Shift+P');
    await expect(app.getByRole('dialog', { name: 'Command palette' }).getByRole('option').first()).toBeVisible();
    await check('Command palette');
    await app.keyboard.press('Escape');
    await app.keyboard.press('Control+Shift+F');
    const search = app.getByRole('dialog', { name: 'Search' });
    await search.getByRole('combobox').fill('card');
    await expect(search.getByRole('option').first()).toBeVisible({ timeout: 15_000 });
    await check('Search');
    await app.keyboard.press('Escape');

    expect(problems).toEqual({});
  });
}
