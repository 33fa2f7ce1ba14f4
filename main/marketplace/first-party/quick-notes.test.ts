import { afterEach, describe, expect, it } from 'vitest';
import { startFirstPartyKit, type FirstPartyKit } from './kit.ts';

let kit: FirstPartyKit;
afterEach(() => kit?.close());

describe('Quick Notes, installed from the built-in catalog', () => {
  it('turns a line from the palette into a task, with the prefix of its settings', async () => {
    kit = startFirstPartyKit();
    const { permissions } = await kit.install('quick-notes');
    // 1.1.0 read its prefix without asking for settings, so its only command failed.
    expect(permissions.sort()).toEqual(['palette', 'settings', 'tasks']);
    const command = (await kit.call<{ commands: { id: string; label: string; takesArgument: boolean }[] }>('palette.list', {})).commands.find((c) => c.label === 'Add a note as a task')!;
    expect(command.takesArgument).toBe(true);

    await kit.call('palette.run', { commandId: command.id, argument: '  Call the payment provider  ' });
    await kit.call('plugins.updateSettings', { id: 'quick-notes', values: { prefix: '' } });
    await kit.call('palette.run', { commandId: command.id, argument: 'Rotate the API key' });
    await expect(kit.call('palette.run', { commandId: command.id, argument: '   ' })).rejects.toThrow('Type the note after choosing the command');
    const { tasks } = await kit.call<{ tasks: { title: string; description: string; status: string; createdByName: string }[] }>('tasks.list', {});
    expect(tasks.map((t) => [t.title, t.status, t.createdByName, t.description])).toEqual([
      ['Note: Call the payment provider', 'todo', 'Quick Notes', 'Added from the command palette'],
      ['Rotate the API key', 'todo', 'Quick Notes', 'Added from the command palette'],
    ]);
    const refused = await kit.call<{ saved: boolean; errors: Record<string, string> }>('plugins.updateSettings', { id: 'quick-notes', values: { prefix: 'x'.repeat(41) } });
    expect(refused.saved).toBe(false);
    expect(kit.core.supervisor.logs('quick-notes').some((l) => /not granted/.test(l.text))).toBe(false);
  });
});
