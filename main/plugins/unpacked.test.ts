import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, startPluginTest, type PluginTest } from './testing/harness.ts';

let t: PluginTest | undefined;
let work: string | undefined;
afterEach(async () => {
  await t?.close();
  if (work) rmSync(work, { recursive: true, force: true });
  t = undefined;
  work = undefined;
});

/** A plugin folder outside the data folder, the way an author keeps one. */
function authorFolder(greeting: string): string {
  work ??= mkdtempSync(join(tmpdir(), 'sb-unpacked-'));
  const folder = join(work, 'greeter');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'plugin.json'), JSON.stringify({ id: 'greeter', name: 'Greeter', version: '0.1.0', main: 'index.js', permissions: ['palette'] }));
  writeGreeting(folder, greeting);
  return folder;
}

function writeGreeting(folder: string, greeting: string): void {
  writeFileSync(join(folder, 'index.js'), `agor.palette.registerCommand('Greet', () => ${JSON.stringify(greeting)});`);
}

async function greet(t: PluginTest): Promise<unknown> {
  const command = t.core.supervisor.palette().find((c) => c.label === 'Greet');
  if (!command) throw new Error('Greet is not in the palette');
  return t.core.supervisor.runCommand(command.id, undefined);
}

describe('Load unpacked', () => {
  it('is sideloaded: it runs only after its permissions are approved, then reloads when a file changes', async () => {
    t = startPluginTest();
    const folder = authorFolder('Hello');
    const loaded = await t.services.dispatch('plugins.loadUnpacked', { folder });
    expect(loaded).toMatchObject({ ok: true, value: { id: 'greeter', sideloaded: true, enabled: false, state: 'disabled' } });
    expect(t.core.supervisor.processId('greeter')).toBeUndefined();

    await t.core.supervisor.approveSideload('greeter', ['palette']);
    expect(await greet(t)).toBe('Hello');

    writeGreeting(folder, 'Hello again');
    await eventually(() => /Reloading version 0\.1\.0 from disk/.test(t!.logText('greeter')) && t!.core.supervisor.isRunning('greeter'), 'the reload');
    expect(await greet(t)).toBe('Hello again');
  });

  it('refuses what it cannot load, with the reason, and copies nothing', async () => {
    t = startPluginTest();
    const folder = authorFolder('Hi');
    const refused = async (args: { folder: string }) => {
      const answer = await t!.services.dispatch('plugins.loadUnpacked', args);
      expect(answer.ok).toBe(false);
      return (answer as { error: { message: string } }).error.message;
    };
    expect(await refused({ folder: 'relative/path' })).toBe('Choose the plugin folder by its full path.');
    expect(await refused({ folder: join(folder, 'missing') })).toBe('That folder has no plugin.json.');
    expect(await refused({ folder: t.core.pluginPaths.root })).toMatch(/inside the plugins folder already/);
    symlinkSync('/etc/hostname', join(folder, 'link.txt'));
    expect(await refused({ folder })).toBe('link.txt is a symbolic link; a plugin folder holds real files only.');
    expect(t.core.supervisor.list().map((p) => p.id)).not.toContain('greeter');

    rmSync(join(folder, 'link.txt'));
    await t.install({ id: 'greeter', source: '', permissions: [] });
    t.core.plugins.put({ ...t.core.plugins.get('greeter')!, sourceId: 'some-catalog' });
    expect(await refused({ folder })).toBe('A plugin with the id "greeter" is installed already; remove it first or change the id in plugin.json.');
  });
});
