// Electron main process: a thin shell around the studio services. It owns the window, the
// custom protocol, native dialogs and the IPC bridge; all behaviour lives in services/.
import { app, BrowserWindow, dialog, ipcMain, net, protocol, session, utilityProcess, type IpcMainInvokeEvent } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { methods } from '../shared/contract';
import { EventBus } from './api/event-bus';
import { createHandlers } from './api/handlers';
import { ApiRouter } from './api/router';
import { appRoot, rendererDir } from './app-paths';
import type { FromEngine, ToEngine } from './engine/protocol';
import type { EngineLauncher } from './services/runs/engine-launcher';
import { Studio } from './services/studio';
import { answerProtocolRequest } from './shell/protocol-handler';
import { APP_ORIGIN, APP_SCHEME, studioWindowOptions } from './shell/window-options';

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
    onMessage: (l) =>
      void child.on('message', (m: unknown) => {
        l(m as FromEngine);
        // The engine's last message: it has nothing more to say, so it may end (see protocol.ts).
        if ((m as FromEngine).type === 'flush') child.postMessage({ type: 'exit' } satisfies ToEngine);
      }),
    // utilityProcess reports a code only; a process killed by a signal exits with a non-zero one.
    onExit: (l) => void child.once('exit', (code: number) => l(code, null)),
    stderrTail: () => tail,
    kill: () => void child.kill(),
  };
};

function createWindow(): void {
  const win = new BrowserWindow(studioWindowOptions(join(appRoot, 'out', 'preload.cjs')));
  win.once('ready-to-show', () => win.show());
  void win.loadURL(`${APP_ORIGIN}/index.html`);
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
