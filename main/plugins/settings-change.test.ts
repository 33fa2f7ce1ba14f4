import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startPluginTest, type PluginTest } from './testing/harness.ts';

let t: PluginTest;
afterEach(() => t?.close());

const UI_SCHEMA = [
  { key: 'limit', type: 'number', label: 'Commits to show', min: 1, max: 50, default: 20 },
  { key: 'mode', type: 'select', label: 'Mode', options: ['short', 'long'], default: 'short' },
];
const SOURCE = `
  agor.settings.onChange((values) => {
    console.log('SETTINGS ' + JSON.stringify(values) + ' frozen=' + Object.isFrozen(values));
  }).then(() => console.log('LISTENING'), (e) => console.log('REFUSED ' + e.message));
`;

describe('agor.settings.onChange', () => {
  it('tells the running plugin every setting once the user saves its form, and nothing about a form that was refused', async () => {
    t = startPluginTest();
    await t.install({ id: 'listener', source: SOURCE, permissions: ['settings'], manifest: { ui_schema: UI_SCHEMA } });
    await eventually(() => t.logText('listener').includes('LISTENING'), 'the subscription');

    expect(t.core.supervisor.updateSettings('listener', { limit: 99 })).toMatchObject({ saved: false });
    expect(t.core.supervisor.updateSettings('listener', { limit: 5 })).toEqual({ saved: true, values: { limit: 5, mode: 'short' } });
    await eventually(() => t.logText('listener').includes('SETTINGS {"limit":5,"mode":"short"} frozen=true'), 'the new values');
    expect(t.logText('listener').split('SETTINGS ').length).toBe(2);
  });

  it('is refused without the settings permission, and such a plugin hears nothing', async () => {
    t = startPluginTest();
    await t.install({ id: 'deaf', source: SOURCE, permissions: ['settings'], grants: [], manifest: { ui_schema: UI_SCHEMA } });
    await eventually(() => t.logText('deaf').includes("REFUSED Permission 'settings' not granted to deaf"), 'the refusal');
    t.core.supervisor.updateSettings('deaf', { mode: 'long' });
    await t.core.supervisor.restart('deaf');
    expect(t.logText('deaf')).not.toContain('SETTINGS ');
  });
});
