import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { markdownOf, startFirstPartyKit, type FirstPartyKit } from './kit.ts';

let kit: FirstPartyKit;
afterEach(() => kit?.close());

interface Task {
  id: number;
  title: string;
  description: string;
  status: string;
  assignee: string | null;
  createdAt: string;
  updatedAt: string;
}

async function board(k: FirstPartyKit): Promise<Task[]> {
  const add = (title: string, status: string, description = '', assignee?: string) =>
    k.call<Task>('tasks.create', { title, description, status, ...(assignee ? { assignee } : {}) });
  return [
    await add('Write the checkout tests', 'todo', 'Cover the card number.\n\nAnd the expiry date.', 'ada'),
    await add('Fix the login redirect', 'todo'),
    await add('Review pricing page', 'review', 'Copy from marketing'),
    await add('Ship 1.0', 'done'),
  ];
}

const today = () => new Date().toISOString().slice(0, 10);

describe('Task Export, installed from the built-in catalog', () => {
  it('writes the whole board as Markdown where the user chose, byte for byte', async () => {
    kit = startFirstPartyKit();
    const tasks = await board(kit);
    const { permissions } = await kit.install('task-export');
    expect(permissions.sort()).toEqual(['events', 'files', 'palette', 'panels', 'settings', 'tasks']);
    await kit.panelWhere('task-export', (p) => markdownOf(p).startsWith('**4 tasks** on the board.'), 'the board summary');
    // The board changes: the page counts again without being asked.
    const extra = await kit.call<Task>('tasks.create', { title: 'Temporary', description: '', status: 'blocked' });
    await kit.panelWhere('task-export', (p) => markdownOf(p).startsWith('**5 tasks** on the board.') && markdownOf(p).includes('Blocked: 1'), 'the new count');
    await kit.call('tasks.delete', { id: extra.id });
    await kit.panelWhere('task-export', (p) => markdownOf(p).startsWith('**4 tasks** on the board.'), 'the count after the delete');

    const file = kit.answerSave('board.md')!;
    expect(await kit.act('task-export', 'export', { format: 'markdown', status: 'all' })).toEqual({ ok: true });
    expect(kit.saveRequests).toEqual([{ pluginName: 'Task Export', suggestedName: `tasks-${today()}.md`, mimeType: 'text/markdown' }]);
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '# Tasks',
        '',
        '## To do (2)',
        '',
        `- [ ] #${tasks[0]!.id} Write the checkout tests (ada)`,
        '  Cover the card number.',
        '',
        '  And the expiry date.',
        `- [ ] #${tasks[1]!.id} Fix the login redirect`,
        '',
        '## In review (1)',
        '',
        `- [ ] #${tasks[2]!.id} Review pricing page`,
        '  Copy from marketing',
        '',
        '## Done (1)',
        '',
        `- [x] #${tasks[3]!.id} Ship 1.0`,
        '',
      ].join('\n'),
    );
    expect(markdownOf(kit.panel('task-export'))).toContain('Saved 4 tasks to **board.md**.');
    expect(kit.core.audit.list({ eventType: 'plugin_file_saved' })[0]).toMatchObject({ actor: 'plugin:task-export', subject: 'board.md' });
  });

  it('writes one column as JSON, and writes nothing when the dialog is cancelled', async () => {
    kit = startFirstPartyKit();
    const tasks = await board(kit);
    await kit.install('task-export');
    await kit.panelWhere('task-export', (p) => markdownOf(p).includes('4 tasks'), 'the board summary');

    const file = kit.answerSave('todo.json')!;
    expect(await kit.act('task-export', 'export', { format: 'json', status: 'todo' })).toEqual({ ok: true });
    expect(kit.saveRequests.at(-1)).toMatchObject({ suggestedName: `tasks-todo-${today()}.json`, mimeType: 'application/json' });
    const todo = tasks.slice(0, 2);
    expect(readFileSync(file, 'utf8')).toBe(
      `${JSON.stringify(
        {
          status: 'todo',
          count: 2,
          tasks: todo.map((t) => ({ id: t.id, title: t.title, description: t.description, status: 'todo', assignee: t.assignee, createdBy: 'You', createdAt: t.createdAt, updatedAt: t.updatedAt })),
        },
        null,
        2,
      )}\n`,
    );

    const cancelled = kit.answerSave(null);
    expect(cancelled).toBeNull();
    expect(await kit.act('task-export', 'export', { format: 'markdown', status: 'done' })).toEqual({ ok: true });
    expect(markdownOf(kit.panel('task-export'))).toContain('Export cancelled; nothing was saved.');
    expect(kit.core.audit.list({ eventType: 'plugin_file_saved' })).toHaveLength(1);
  });

  it('exports from the palette in the format of its settings, and names a column it does not know', async () => {
    kit = startFirstPartyKit();
    await board(kit);
    await kit.install('task-export');
    await kit.call('plugins.updateSettings', { id: 'task-export', values: { defaultFormat: 'json', fileName: 'board' } });
    const commands = (await kit.call<{ commands: { id: string; label: string }[] }>('palette.list', {})).commands;
    const column = commands.find((c) => c.label === 'Tasks: export one column…')!;

    const file = kit.answerSave('done.json')!;
    await kit.call('palette.run', { commandId: column.id, argument: 'Done' });
    expect(kit.saveRequests.at(-1)!.suggestedName).toBe(`board-done-${today()}.json`);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ status: 'done', count: 1, tasks: [{ title: 'Ship 1.0' }] });

    await expect(kit.call('palette.run', { commandId: column.id, argument: 'Someday' })).rejects.toThrow(
      'There is no column "Someday"; use one of: To do, In progress, In review, Done, Blocked',
    );
    const refused = await kit.call<{ saved: boolean; errors: Record<string, string> }>('plugins.updateSettings', { id: 'task-export', values: { fileName: '' } });
    expect(refused.saved).toBe(false);
    expect(existsSync(file)).toBe(true);
  });
});
