import type { BrowserWindow, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { describe, expect, it } from 'vitest';
import { electronSaveDialog, type SaveDialogHost } from './save-dialog.ts';

/** Stands in for Electron's dialog: answers with what the test queued and remembers what it was asked. */
function fakeDialog(answer: SaveDialogReturnValue) {
  const asked: { parent: BrowserWindow | null; options: SaveDialogOptions }[] = [];
  const host = {
    showSaveDialog: async (first: BrowserWindow | SaveDialogOptions, second?: SaveDialogOptions) => {
      asked.push(second ? { parent: first as BrowserWindow, options: second } : { parent: null, options: first as SaveDialogOptions });
      return answer;
    },
  } as SaveDialogHost;
  return { host, asked };
}

const request = { pluginName: 'Task exporter', suggestedName: 'tasks.csv', mimeType: 'text/csv' };

describe('electronSaveDialog', () => {
  it('opens over the window with the suggested name and answers the chosen path', async () => {
    const window = { id: 1 } as unknown as BrowserWindow;
    const { host, asked } = fakeDialog({ canceled: false, filePath: '/home/ada/Desktop/tasks.csv' });
    await expect(electronSaveDialog(host, () => window)(request)).resolves.toBe('/home/ada/Desktop/tasks.csv');
    expect(asked).toHaveLength(1);
    expect(asked[0]!.parent).toBe(window);
    expect(asked[0]!.options.defaultPath).toBe('tasks.csv');
    expect(asked[0]!.options.title).toBe('Save a file from Task exporter');
  });

  it('answers null when the user cancels', async () => {
    const { host } = fakeDialog({ canceled: true, filePath: '' });
    await expect(electronSaveDialog(host, () => undefined)(request)).resolves.toBeNull();
  });

  it('opens on its own without a window', async () => {
    const { host, asked } = fakeDialog({ canceled: false, filePath: '/tmp/tasks.csv' });
    await expect(electronSaveDialog(host, () => undefined)(request)).resolves.toBe('/tmp/tasks.csv');
    expect(asked[0]!.parent).toBeNull();
  });
});
