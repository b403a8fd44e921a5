// Electron main process: a thin shell around the studio services. It owns the window, the
// custom protocol, native dialogs and the IPC bridge; all behaviour lives in services/.
import {
  app,
  BrowserWindow,
  dialog,
  ipcMain,
  Menu,
  net,
  Notification,
  protocol,
  screen,
  session,
  shell,
  utilityProcess,
  type IpcMainInvokeEvent,
} from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { methods, type EventPayload } from '../shared/contract';
import { EventBus } from './api/event-bus';
import { createHandlers } from './api/handlers';
import { ApiRouter } from './api/router';
import { appRoot, rendererDir } from './app-paths';
import type { FromEngine } from './engine/protocol';
import type { EngineLauncher } from './services/engine-host/engine-launcher';
import { Studio } from './services/studio';
import { answerProtocolRequest } from './shell/protocol-handler';
import { menuTemplate } from './shell/app-menu';
import { runNotifier } from './shell/run-notifications';
import { placeOnScreen, readWindowState, writeWindowState } from './shell/window-state';
import { APP_ORIGIN, APP_SCHEME } from './shell/window-options';

protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);

const events = new EventBus();
let studio: Studio;

function fromOurApp(e: IpcMainInvokeEvent): boolean {
  return (e.senderFrame?.url ?? '').startsWith(`${APP_ORIGIN}/`);
}

async function chooseImportPaths(): Promise<string[]> {
  const win = BrowserWindow.getFocusedWindow();
  const options: Electron.OpenDialogOptions = {
    title: 'Import portraits',
    properties: ['openFile', 'openDirectory', 'multiSelections'],
    filters: [{ name: 'Images', extensions: ['jpg', 'jpeg', 'png', 'webp', 'tif', 'tiff', 'gif'] }],
  };
  const result = win ? await dialog.showOpenDialog(win, options) : await dialog.showOpenDialog(options);
  return result.canceled ? [] : result.filePaths;
}

/** Engines run as Electron utility processes: Chromium's process model, out of the main process. */
const launchEngine: EngineLauncher = () => {
  const child = utilityProcess.fork(join(appRoot, 'out', 'engine.mjs'), [], { serviceName: 'Leporello engine', stdio: ['ignore', 'ignore', 'pipe'] });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => (tail = (tail + d.toString()).slice(-4000)));
  return {
    get pid() {
      return child.pid;
    },
    send: (m) => child.postMessage(m),
    onMessage: (l) => void child.on('message', (m: unknown) => l(m as FromEngine)),
    // utilityProcess reports a code only; a process killed by a signal exits with a non-zero one.
    onExit: (l) => void child.once('exit', (code: number) => l(code, null)),
    stderrTail: () => tail,
    kill: () => void child.kill(),
  };
};

/** Where the window's size and place are kept between sessions. */
const windowStateFile = () => join(app.getPath('userData'), 'window-state.json');

function createWindow(): BrowserWindow {
  const saved = placeOnScreen(
    readWindowState(windowStateFile()),
    screen.getAllDisplays().map((d) => d.workArea),
  );
  // The renderer is untrusted: isolated from the preload's world, sandboxed, without Node, and
  // allowed to load only what the app serves itself. Written out here, literally, so that the
  // static audit (electronegativity, run by the tests) reads exactly what Electron gets.
  const win = new BrowserWindow({
    ...(saved.x !== undefined && saved.y !== undefined ? { x: saved.x, y: saved.y } : {}),
    width: saved.width,
    height: saved.height,
    minWidth: 900,
    minHeight: 600,
    backgroundColor: '#17171a',
    title: 'Leporello',
    show: false,
    webPreferences: {
      preload: join(appRoot, 'out', 'preload.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      spellcheck: false,
      // A middle click must not open a link in a new window (Electron's default allows it).
      disableBlinkFeatures: 'Auxclick',
    },
  });
  if (saved.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  win.on('close', () => {
    try {
      writeWindowState(windowStateFile(), win.getNormalBounds(), win.isMaximized());
    } catch {
      // A window that cannot remember its place still closes.
    }
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}

function studioWindow(): BrowserWindow {
  const win = BrowserWindow.getAllWindows()[0] ?? createWindow();
  if (win.isMinimized()) win.restore();
  win.focus();
  return win;
}

/** Asks the window to go somewhere or import something (see the 'shell.menu' event). */
function tellWindow(payload: EventPayload<'shell.menu'>): void {
  studioWindow().webContents.send('leporello:event', { event: 'shell.menu', payload });
}

function installMenu(): void {
  const template = menuTemplate(process.platform, {
    navigate: (hash) => tellWindow({ action: 'navigate', hash }),
    importPortraits: () => void chooseImportPaths().then((paths) => paths.length && tellWindow({ action: 'import', paths })),
    openProjectsFolder: () => void shell.openPath(studio.options.projectsRoot),
    about: () =>
      void dialog.showMessageBox(studioWindow(), {
        type: 'info',
        title: 'About Leporello',
        message: `Leporello ${app.getVersion()}`,
        detail: 'A studio for training GANs on small curated portrait collections. Everything stays on this computer; nothing is uploaded.',
      }),
  });
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}

/** A notification when a run ends or collapses; clicking it opens the run. */
function installNotifications(): void {
  if (!Notification.isSupported()) return;
  const notice = runNotifier();
  events.subscribe((message) => {
    const n = notice(message);
    if (!n) return;
    const shown = new Notification({ title: n.title, body: n.body });
    shown.on('click', () => tellWindow({ action: 'navigate', hash: `#/run/${n.runId}` }));
    shown.show();
  });
}

app.on('web-contents-created', (_e, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-navigate', (e, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) e.preventDefault();
  });
  contents.on('will-attach-webview', (e) => e.preventDefault());
});

void app.whenReady().then(() => {
  studio = new Studio({ home: app.getPath('userData'), projectsRoot: join(app.getPath('documents'), 'Leporello'), shell: 'electron', events, launchEngine });
  const router = new ApiRouter(createHandlers(studio, { chooseImportPaths }));
  for (const method of methods) {
    ipcMain.handle(`api:${method}`, (e, request: unknown) =>
      fromOurApp(e) ? router.handle(method, request) : { ok: false, error: { code: 'invalid_request', message: 'request from a foreign frame' } },
    );
  }
  events.subscribe((message) => {
    for (const win of BrowserWindow.getAllWindows()) win.webContents.send('leporello:event', message);
  });
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  protocol.handle(APP_SCHEME, (request) => {
    const answer = answerProtocolRequest(request.url, rendererDir, studio.current?.dir ?? null);
    if ('status' in answer) return new Response(answer.text, { status: answer.status });
    return net.fetch(pathToFileURL(answer.file).toString()).then((r) => {
      const headers = new Headers(r.headers);
      for (const [k, v] of Object.entries(answer.headers)) headers.set(k, v);
      return new Response(r.body, { status: r.status, headers });
    });
  });
  installMenu();
  installNotifications();
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
});

app.on('window-all-closed', () => {
  void studio?.closeProject().finally(() => {
    if (process.platform !== 'darwin') app.quit();
  });
});
