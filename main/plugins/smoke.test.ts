import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startPluginTest, type PluginTest } from './testing/harness.ts';

let t: PluginTest | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe('smoke', () => {
  it('starts a plugin and runs its command', async () => {
    t = startPluginTest();
    await t.install({
      id: 'hello',
      permissions: ['palette', 'notifications'],
      source: `var greeted = 0;
bt.registerCommand('Greet', async function (name) { greeted++; await agor.notifications.send('Hi', 'hello ' + name + ' #' + greeted); });
console.log('loaded');`,
    });
    expect(t.core.supervisor.list()[0]).toMatchObject({ id: 'hello', state: 'running' });
    const [cmd] = t.core.supervisor.palette().filter((c) => c.source === 'plugin');
    await t.core.supervisor.runCommand(cmd!.id, 'Ada');
    await eventually(() => t!.core.notifications.list().items.find((n) => n.message === 'hello Ada #1'), 'toast');
    expect(t.logText('hello')).toContain('loaded');
  });
});
