import type { Page } from '@playwright/test';
import { expect, seedEverything, test } from '../fixtures/seed.ts';

const SCREENS = ['Settings', 'Sessions', 'Metrics', 'Tasks', 'Plugins', 'Marketplace', 'Audit log'];

/** What has the keyboard focus: its role-ish tag, accessible name and classes, for the loop below and for failure messages. */
const focused = (app: Page) =>
  app.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    return { tag: el?.tagName ?? '', name: el?.getAttribute('aria-label') ?? el?.textContent?.trim() ?? '', classes: el?.className ?? '', grid: el?.hasAttribute('data-grid-item') ?? false, heading: el?.tagName === 'H1' ? el.textContent : null };
  });

/** Presses `key` until `wanted` holds for the focused element; fails after `max` presses. */
async function pressUntil(app: Page, key: string, wanted: (f: Awaited<ReturnType<typeof focused>>) => boolean, max = 40): Promise<void> {
  for (let i = 0; i < max; i++) {
    if (wanted(await focused(app))) return;
    await app.keyboard.press(key);
  }
  expect(wanted(await focused(app)), `focus never got there; it is on ${JSON.stringify(await focused(app))}`).toBe(true);
}

/** From the current screen's heading, back through the navigation to a screen, and in: focus lands on its heading. */
async function goTo(app: Page, screen: string): Promise<void> {
  await pressUntil(app, 'Shift+Tab', (f) => f.tag === 'BUTTON' && f.name === screen);
  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { level: 1, name: screen })).toBeFocused();
}

test('with the keyboard alone: skip to content, every screen, a session, a palette command and a plugin install', async ({ app, harness, server }) => {
  test.setTimeout(180_000);
  await seedEverything(harness, server);
  await app.reload();
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();

  // The first Tab reaches "Skip to content", which jumps past the bell and the navigation.
  await app.keyboard.press('Tab');
  await expect(app.getByRole('link', { name: 'Skip to content' })).toBeFocused();
  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeFocused();

  // Every screen, each time landing on its heading instead of the top of the window.
  for (const screen of SCREENS.slice(1)) await goTo(app, screen);
  await goTo(app, 'Settings');

  // Open a session: Tab into the list, arrows within it, Enter opens.
  await goTo(app, 'Sessions');
  await expect(app.getByRole('list', { name: 'Sessions' }).getByRole('button').first()).toBeVisible({ timeout: 15_000 });
  await pressUntil(app, 'Tab', (f) => String(f.classes).includes('session-row'));
  await app.keyboard.press('End');
  await app.keyboard.press('Enter');
  await expect(app.getByRole('list', { name: 'Conversation' }).getByText(/I will add a check/)).toBeVisible();

  // A palette command, chosen with the arrow keys.
  const before = await app.locator('html').getAttribute('data-theme');
  await app.keyboard.press('Control+Shift+P');
  const palette = app.getByRole('dialog', { name: 'Command palette' });
  await expect(palette.getByRole('combobox', { name: 'Command' })).toBeFocused();
  await app.keyboard.type('toggle theme');
  await expect(palette.getByRole('option', { selected: true })).toContainText('Toggle light / dark theme');
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('ArrowUp');
  await app.keyboard.press('Enter');
  await expect(palette).toBeHidden();
  await expect(app.locator('html')).not.toHaveAttribute('data-theme', before ?? '');

  // Install a plugin from the built-in catalog: Tab to the grid, arrows across it, Tab to Install, Enter twice.
  await app.getByRole('heading', { level: 1 }).focus();
  await goTo(app, 'Marketplace');
  await pressUntil(app, 'Tab', (f) => f.grid);
  await app.keyboard.press('ArrowRight');
  await app.keyboard.press('ArrowDown');
  await app.keyboard.press('Home');
  const first = await focused(app);
  const card = app.getByRole('list', { name: 'Plugins' }).getByRole('listitem', { name: new RegExp(`^${first.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} from`) });
  // The next stop is a permission icon: announced by its name, which shows as a tooltip on keyboard focus.
  await app.keyboard.press('Tab');
  const tip = await app.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    return { role: el.getAttribute('role'), label: el.getAttribute('aria-label'), shown: getComputedStyle(el, '::after').display, text: getComputedStyle(el, '::after').content };
  });
  expect(tip.role).toBe('img');
  expect(tip.label).toBeTruthy();
  expect(tip.shown).toBe('block');
  expect(tip.text).toBe(`"${tip.label}"`);
  await pressUntil(app, 'Tab', (f) => f.tag === 'BUTTON' && f.name === 'Install');
  await app.keyboard.press('Enter');
  const consent = app.getByRole('dialog', { name: /^Install / });
  await expect(consent).toBeVisible();
  await app.keyboard.press('Enter');
  await expect(card.getByText(/^Installed /)).toBeVisible({ timeout: 30_000 });

  // Two plugins now: the arrow keys move down the list and End/Home jump to its ends.
  await app.getByRole('heading', { level: 1 }).focus();
  await goTo(app, 'Plugins');
  const rows = app.getByRole('list', { name: 'Installed plugins' }).locator('.plugin-row-main');
  await expect(rows).toHaveCount(2);
  await pressUntil(app, 'Tab', (f) => String(f.classes).includes('plugin-row-main'));
  await expect(rows.first()).toBeFocused();
  await app.keyboard.press('ArrowDown');
  await expect(rows.nth(1)).toBeFocused();
  await app.keyboard.press('Home');
  await expect(rows.first()).toBeFocused();
  await app.keyboard.press('End');
  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { level: 1 })).toBeFocused();
  await expect(app.getByRole('button', { name: '← All plugins' })).toBeVisible();
});
