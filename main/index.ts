// The Electron composition root: the same services as the browser harness,
// bound to a hardened window, Electron IPC and desktop notifications. The
// logic lives in main/electron/* as small functions over injected Electron
// objects, so it is unit-tested without the Electron binary.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import electronUpdaterPackage from 'electron-updater';
import { app, BrowserWindow, dialog, ipcMain, net, Notification, protocol, screen, session, shell, utilityProcess, type WebContents } from 'electron';
import { startServices, type AppServices } from './services.ts';
import { broadcastEvents, createSenderCheck, registerIpc } from './electron/ipc.ts';
import { createAppUrlCheck, denyAllPermissions, guardWebContents, plainHttpQuestion } from './electron/navigation.ts';
import { closeServicesBeforeQuit } from './electron/lifecycle.ts';
import { electronNetFetch } from './electron/net.ts';
import { chromiumResolveHost } from './electron/resolve-host.ts';
import { electronNotifier } from './electron/notifications.ts';
import { electronSaveDialog } from './electron/save-dialog.ts';
import { utilityProcessLauncher } from './electron/plugin-launcher.ts';
import { appMetricsMemory } from './electron/process-memory.ts';
import { APP_ENTRY_URL, APP_SCHEME, APP_SCHEME_PRIVILEGES, applyDevContentSecurityPolicy, createAppProtocolHandler } from './electron/protocol.ts';
import { electronUpdater } from './electron/updater.ts';
import { focusWindow, mainWindowOptions } from './electron/window.ts';
import { placeWindow, readWindowState, trackWindowState, WINDOW_STATE_FILE, writeWindowState } from './electron/window-state.ts';

const PRELOAD = join(import.meta.dirname, '../preload/index.cjs');
const RENDERER_DIR = join(import.meta.dirname, '../renderer');
/** Bundled next to this file by electron.vite.config.ts; every plugin process runs it. */
const PLUGIN_HOST = join(import.meta.dirname, 'plugin-host.js');
/** Bundled the same way: the worker thread that writes the message search index. */
const SEARCH_INDEX_WORKER = join(import.meta.dirname, 'search-index.js');
/** Set by `electron-vite dev`; a packaged app always loads its own files. */
const DEV_SERVER_URL = (!app.isPackaged && process.env.ELECTRON_RENDERER_URL) || undefined;

const isAppUrl = createAppUrlCheck(DEV_SERVER_URL);

protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
app.enableSandbox();

let mainWindow: BrowserWindow | undefined;

function createMainWindow(services: AppServices): BrowserWindow {
  const stateFile = join(app.getPath('userData'), WINDOW_STATE_FILE);
  const placement = placeWindow(
    readWindowState(stateFile),
    screen.getAllDisplays().map((d) => d.workArea),
    screen.getPrimaryDisplay().workArea,
  );
  const window = new BrowserWindow(mainWindowOptions(placement, PRELOAD));
  trackWindowState(window, (state) => writeWindowState(stateFile, state), (err) => services.log.warn('could not save the window position', err));
  window.once('ready-to-show', () => {
    if (placement.maximized) window.maximize();
    window.show();
  });
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  window.webContents.on('did-fail-load', (_event, code, description, url) => services.log.error(`the window failed to load ${url}: ${description} (${code})`));
  window.webContents.on('render-process-gone', (_event, details) => services.log.error(`the window's renderer exited: ${details.reason}`));
  void window.loadURL(DEV_SERVER_URL ?? APP_ENTRY_URL);
  return window;
}

function start(): void {
  let services: AppServices;
  try {
    services = startServices({
      dataDir: app.getPath('userData'),
      appVersion: app.getVersion(),
      native: electronNotifier(Notification, () => focusWindow(mainWindow)),
      mirrorLog: !app.isPackaged,
      httpFetch: electronNetFetch((options) => net.request(options)),
      resolveHost: chromiumResolveHost((host) => session.defaultSession.resolveHost(host)),
      openExternal: (url) => shell.openExternal(url),
      saveDialog: electronSaveDialog(dialog, () => mainWindow),
      pluginLauncher: utilityProcessLauncher(utilityProcess, PLUGIN_HOST),
      // The 128 MB cap on every OS: /proc, the default, exists on Linux only.
      pluginMemory: appMetricsMemory(() => app.getAppMetrics()),
      searchWorkerEntry: SEARCH_INDEX_WORKER,
      updater: electronUpdater({
        isPackaged: app.isPackaged,
        resourcesPath: process.resourcesPath,
        readFile: (path) => {
          try {
            return readFileSync(path, 'utf8');
          } catch {
            return undefined;
          }
        },
        load: () => electronUpdaterPackage.autoUpdater,
      }),
      // Bundled into out/main, the services cannot find the catalog relative to their source; it ships
      // as an extra resource (electron-builder.yml) and sits in resources/ of the checkout in development.
      builtinCatalogDir: app.isPackaged ? join(process.resourcesPath, 'catalog') : join(app.getAppPath(), 'resources', 'catalog'),
    });
  } catch (err) {
    dialog.showErrorBox('Switchboard could not start', err instanceof Error ? err.message : String(err));
    app.exit(1);
    return;
  }

  denyAllPermissions(session.defaultSession);
  if (DEV_SERVER_URL) applyDevContentSecurityPolicy(session.defaultSession.webRequest, DEV_SERVER_URL);
  protocol.handle(APP_SCHEME, createAppProtocolHandler(RENDERER_DIR));
  const isOurWebContents = (contents: WebContents): boolean =>
    BrowserWindow.getAllWindows().some((w) => !w.isDestroyed() && w.webContents === contents);
  registerIpc(ipcMain, services, createSenderCheck({ isOurWebContents, isAppUrl }));
  broadcastEvents(services.events, () => BrowserWindow.getAllWindows(), isAppUrl);

  mainWindow = createMainWindow(services);
  app.on('activate', () => {
    if (!mainWindow) mainWindow = createMainWindow(services);
    else focusWindow(mainWindow);
  });
  closeServicesBeforeQuit(app, () => services.close(), (err) => services.log.error('closing the services failed', err));
}

if (!app.requestSingleInstanceLock()) {
  // Another Switchboard is running; it receives 'second-instance' and comes forward.
  app.quit();
} else {
  // Every webContents ever created (windows, and anything a page might try to open) gets the same guards.
  const links = {
    open: (url: string) => shell.openExternal(url),
    confirmPlainHttp: async (url: string) => {
      const question = plainHttpQuestion(url);
      const { response } = mainWindow ? await dialog.showMessageBox(mainWindow, question) : await dialog.showMessageBox(question);
      return response === 1;
    },
  };
  app.on('web-contents-created', (_event, contents) => guardWebContents(contents, links));
  app.on('second-instance', () => focusWindow(mainWindow));
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  void app.whenReady().then(start);
}
