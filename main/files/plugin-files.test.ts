import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PluginDataFolders, saveThroughDialog, type SaveDialog } from './plugin-files.ts';

const fresh = () => mkdtempSync(join(tmpdir(), 'sb-files-'));

describe("a plugin's data folder", () => {
  it('appends, reads, lists and removes files by plain name, each plugin in its own folder', async () => {
    const root = fresh();
    const folders = new PluginDataFolders(root);
    await folders.append('agent-logger', 'agent-2026-12-01.jsonl', '{"a":1}\n');
    await folders.append('agent-logger', 'agent-2026-12-01.jsonl', '{"a":2}\n');
    expect(await folders.read('agent-logger', 'agent-2026-12-01.jsonl')).toBe('{"a":1}\n{"a":2}\n');
    expect(readFileSync(join(root, 'agent-logger', 'agent-2026-12-01.jsonl'), 'utf8')).toBe('{"a":1}\n{"a":2}\n');
    expect((await folders.list('agent-logger')).map((f) => [f.name, f.size])).toEqual([['agent-2026-12-01.jsonl', 16]]);
    expect(await folders.list('other-plugin')).toEqual([]);
    expect(await folders.read('other-plugin', 'agent-2026-12-01.jsonl')).toBeNull();
    expect(await folders.remove('agent-logger', 'agent-2026-12-01.jsonl')).toBe(true);
    expect(await folders.remove('agent-logger', 'agent-2026-12-01.jsonl')).toBe(false);
  });

  it('refuses names that climb out, name folders or hide, and writes nothing', async () => {
    const root = fresh();
    const folders = new PluginDataFolders(root);
    for (const name of ['../escape.txt', '..', 'a/b.txt', '..\\win.txt', '.hidden', '', 'x'.repeat(200)]) {
      await expect(folders.append('p', name, 'x')).rejects.toThrow(/names a folder|not a usable file name/);
    }
    expect(readdirSync(root)).toEqual([]);
    await expect(folders.read('../other', 'a.txt')).rejects.toThrow('Not a plugin id: ../other');
  });

  it('refuses an append past the quota and leaves the folder as it was', async () => {
    const folders = new PluginDataFolders(fresh(), { quotaBytes: 100 });
    await folders.append('p', 'log.txt', 'x'.repeat(90));
    await expect(folders.append('p', 'log.txt', 'y'.repeat(20))).rejects.toThrow(
      "The plugin's data folder is full: 110 bytes would pass its quota of 100. Remove old files first.",
    );
    expect(await folders.read('p', 'log.txt')).toBe('x'.repeat(90));
  });

  it('is removed whole on purge', async () => {
    const root = fresh();
    const folders = new PluginDataFolders(root);
    await folders.append('p', 'a.txt', 'x');
    await folders.purge('p');
    expect(existsSync(join(root, 'p'))).toBe(false);
  });
});

describe("joining a plugin's own files for files.saveCopy", () => {
  it('joins them in the order named, and refuses a missing one, a path or too many bytes before reading anything', async () => {
    const folders = new PluginDataFolders(mkdtempSync(join(tmpdir(), 'sb-concat-')));
    await folders.append('logger', 'b.jsonl', '{"n":2}\n');
    await folders.append('logger', 'a.jsonl', '{"n":1}\n');
    expect((await folders.concat('logger', ['a.jsonl', 'b.jsonl'], 1000)).toString('utf8')).toBe('{"n":1}\n{"n":2}\n');
    await expect(folders.concat('logger', ['a.jsonl', 'c.jsonl'], 1000)).rejects.toThrow('There is no file "c.jsonl" in the plugin\'s data folder');
    await expect(folders.concat('logger', ['../other/a.jsonl'], 1000)).rejects.toThrow(/names a folder/);
    await expect(folders.concat('logger', ['a.jsonl', 'b.jsonl'], 15)).rejects.toThrow('Those files hold 16 bytes; plugins may save at most 15 at once');
  });
});

describe('saving through the dialog', () => {
  it('writes exactly the content where the user chose and tells the plugin only the name', async () => {
    const dir = fresh();
    const asked: unknown[] = [];
    const dialog: SaveDialog = async (request) => {
      asked.push(request);
      return join(dir, 'tasks.md');
    };
    const name = await saveThroughDialog(dialog, { pluginName: 'Task Export', suggestedName: '../../etc/tasks.md', content: '# Tasks\n', mimeType: 'text/markdown' });
    expect(name).toBe('tasks.md');
    expect(readFileSync(join(dir, 'tasks.md'), 'utf8')).toBe('# Tasks\n');
    expect(asked).toEqual([{ pluginName: 'Task Export', suggestedName: 'tasks.md', mimeType: 'text/markdown' }]);
    expect(readdirSync(dir)).toEqual(['tasks.md']);
  });

  it('writes nothing when the user cancels', async () => {
    const dir = fresh();
    expect(await saveThroughDialog(async () => null, { pluginName: 'P', suggestedName: 'a.txt', content: 'x' })).toBeNull();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('says why a save failed and leaves no partial file behind', async () => {
    const dir = fresh();
    writeFileSync(join(dir, 'keep.txt'), 'original');
    const chosen = join(dir, 'missing-folder', 'keep.txt');
    await expect(saveThroughDialog(async () => chosen, { pluginName: 'P', suggestedName: 'keep.txt', content: 'new' })).rejects.toThrow(/Could not save keep.txt/);
    expect(readFileSync(join(dir, 'keep.txt'), 'utf8')).toBe('original');
    expect(readdirSync(dir)).toEqual(['keep.txt']);
  });
});
