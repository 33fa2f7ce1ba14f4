import AxeBuilder from '@axe-core/playwright';
import type { Page } from '@playwright/test';
import { expect, test } from '../fixtures/harness.ts';

/** Serious and critical WCAG A/AA problems axe finds on what is on screen now, one line each. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  const { violations } = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(' ')} — ${n.failureSummary?.split('\n')[1]?.trim() ?? v.help}`));
}

for (const theme of ['light', 'dark'] as const) {
  test(`Settings, the audit log and the Notification Center pass an accessibility check in the ${theme} theme`, async ({ app, harness }) => {
    await app.emulateMedia({ colorScheme: theme });
    const core = harness.services.core();
    core.audit.append('plugin_installed', 'plugin:acme.lint', 'acme.lint', { version: '1.0.0' });
    for (const type of ['success', 'error', 'warning', 'info', 'agent_complete', 'agent_error'] as const) {
      core.notifications.notify({ type, title: `A ${type} notification`, message: 'with a message' });
    }
    await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
    await expect(app.getByRole('region', { name: 'Notifications' }).getByRole('listitem')).toHaveCount(5);
    expect(await accessibilityProblems(app)).toEqual([]);

    await app.getByRole('button', { name: /^Notifications/ }).click();
    await expect(app.getByRole('dialog', { name: 'Notification Center' }).getByRole('listitem')).toHaveCount(6);
    expect(await accessibilityProblems(app)).toEqual([]);
    await app.keyboard.press('Escape');

    await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Audit log' }).click();
    await expect(app.getByRole('table', { name: 'Audit entries' })).toBeVisible();
    await app.getByRole('button', { name: /^Show entry \d+ in full$/ }).first().click();
    expect(await accessibilityProblems(app)).toEqual([]);
  });
}

test.describe('with an unreadable database', () => {
  test.use({ databaseFile: 'not a database' });

  test('the recovery screen passes an accessibility check', async ({ app }) => {
    await expect(app.getByRole('heading', { level: 1, name: 'Switchboard can’t read its database' })).toBeVisible();
    expect(await accessibilityProblems(app)).toEqual([]);
  });
});
