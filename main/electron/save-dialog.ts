import type { BrowserWindow, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import type { SaveDialog } from '../files/plugin-files.ts';

/** What the adapter needs of Electron's `dialog`. */
export interface SaveDialogHost {
  showSaveDialog(window: BrowserWindow, options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
  showSaveDialog(options: SaveDialogOptions): Promise<SaveDialogReturnValue>;
}

/**
 * `agor.files.save` in the desktop app: the OS save dialog, over the window
 * when there is one, titled with the plugin's name so the user knows who asks.
 * Main writes the file only where the user chose; cancel answers null.
 */
export function electronSaveDialog(dialog: SaveDialogHost, window: () => BrowserWindow | undefined): SaveDialog {
  return async ({ pluginName, suggestedName }) => {
    const options: SaveDialogOptions = { title: `Save a file from ${pluginName}`, defaultPath: suggestedName, properties: ['createDirectory', 'showOverwriteConfirmation'] };
    const parent = window();
    const { canceled, filePath } = parent ? await dialog.showSaveDialog(parent, options) : await dialog.showSaveDialog(options);
    return canceled || !filePath ? null : filePath;
  };
}
