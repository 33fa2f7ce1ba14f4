import { expect, test } from '../fixtures/harness.ts';
import { enableAndOpen, installFixturePlugin, shoot } from '../fixtures/plugin-fixtures.ts';

const NOTES = { id: 'team-notes', name: 'Team notes' };

test('an interactive panel: a form sends plain values and the plugin redraws; a handler that throws shows its error on its form', async ({ app, harness }) => {
  installFixturePlugin(harness, NOTES.id, NOTES.name, '1.0.0', ['panels', 'status']);
  await enableAndOpen(app, NOTES.name);
  const panel = app.getByRole('region', { name: 'Panel' });
  const form = panel.getByRole('form', { name: 'New note' });
  await expect(panel).toContainText('0 notes saved.');
  await expect(panel.getByRole('list', { name: 'Saved notes' })).toHaveCount(0);
  await expect(panel).toContainText('No notes yet: save one above.');
  await expect(form.getByRole('spinbutton', { name: 'Minutes spent' })).toHaveValue('15');
  await expect(form.getByRole('checkbox', { name: 'Share with the team' })).toBeChecked();

  // A required field left empty is caught before the plugin hears anything.
  await form.getByRole('button', { name: 'Save note' }).click();
  await expect(form.getByRole('alert')).toHaveText('Title is required.');
  await expect(panel).toContainText('0 notes saved.');

  await form.getByRole('textbox', { name: 'Title' }).fill('Deploy window moved');
  await form.getByRole('combobox', { name: 'Priority' }).selectOption('High');
  await form.getByRole('spinbutton', { name: 'Minutes spent' }).fill('30');
  await form.getByRole('checkbox', { name: 'Share with the team' }).uncheck();
  await form.getByRole('textbox', { name: 'Details' }).fill('Friday 14:00');
  await form.getByRole('button', { name: 'Save note' }).click();

  await expect(panel).toContainText('1 notes saved.');
  const item = panel.getByRole('list', { name: 'Saved notes' }).getByRole('listitem', { name: 'Deploy window moved' });
  await expect(item).toContainText('high');
  await expect(item).toContainText('30 min · private · Friday 14:00');
  // The plugin drew the form anew, empty again, and got a number and a boolean, not strings.
  await expect(form.getByRole('textbox', { name: 'Title' })).toHaveValue('');
  await expect(app.getByRole('log', { name: 'Plugin log' })).toContainText('Saved note Deploy window moved (high, number 30, boolean false)');
  await shoot(app, 'plugin-panel-form', { narrow: true, screen: true });

  const sync = panel.getByRole('form', { name: 'Sync' });
  await sync.getByRole('button', { name: 'Sync now' }).click();
  await expect(sync.getByRole('alert')).toContainText('Could not reach notes.example.com: the sync server is not answering');
  // Only the form it came from shows it.
  await expect(form.getByRole('alert')).toHaveCount(0);
  await shoot(app, 'plugin-panel-error', { screen: true });

  await item.getByRole('button', { name: 'Remove' }).click();
  await expect(panel).toContainText('0 notes saved.');
  await expect(panel).toContainText('No notes yet: save one above.');
});

test('the status item: its text in the bar, its tooltip and plugin name on hover and focus, a click opens its page', async ({ app, harness }) => {
  installFixturePlugin(harness, NOTES.id, NOTES.name, '1.0.0', ['panels', 'status']);
  const bar = app.getByRole('contentinfo', { name: 'Status bar' });
  await expect(app.getByRole('navigation', { name: 'Main' })).toBeVisible();
  // Nothing to show: no bar at all.
  await expect(bar).toHaveCount(0);

  await enableAndOpen(app, NOTES.name);
  const status = bar.getByRole('button', { name: '0 notes' });
  await expect(status).toHaveAccessibleDescription('Team notes: No notes yet');

  const form = app.getByRole('region', { name: 'Panel' }).getByRole('form', { name: 'New note' });
  await form.getByRole('textbox', { name: 'Title' }).fill('Retro moved to Thursday');
  await form.getByRole('button', { name: 'Save note' }).click();
  const updated = bar.getByRole('button', { name: '1 note' });
  await expect(updated).toHaveAccessibleDescription('Team notes: Last: Retro moved to Thursday');

  await app.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  await expect(app.getByRole('heading', { level: 1, name: 'Settings' })).toBeVisible();
  const tooltip = bar.getByRole('tooltip');
  await expect(tooltip).toBeHidden();
  await updated.hover();
  await expect(tooltip).toBeVisible();
  await expect(tooltip).toHaveText('Team notes: Last: Retro moved to Thursday');
  await shoot(app, 'status-item-hover');
  await app.mouse.move(0, 0);
  await expect(tooltip).toBeHidden();

  // Keyboard focus shows it too.
  await updated.focus();
  await app.keyboard.press('Shift+Tab');
  await app.keyboard.press('Tab');
  await expect(updated).toBeFocused();
  await expect(tooltip).toBeVisible();
  await shoot(app, 'status-item-focus', { narrow: true });

  await app.keyboard.press('Enter');
  await expect(app.getByRole('heading', { level: 1, name: NOTES.name })).toBeVisible();

  // Revoked, the item leaves the bar at once, and with it the bar.
  await app.getByRole('region', { name: 'Permissions' }).getByRole('switch', { name: 'Show a status item' }).uncheck();
  await expect(bar).toHaveCount(0);
});
