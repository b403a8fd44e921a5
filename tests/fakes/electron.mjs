// A FAKE of Electron's main-process API, for the one thing that cannot exist on a build machine:
// the Electron binary. It records what out/main.mjs registers, then exercises it the way the real
// runtime would (an IPC call from the app's frame and from a foreign one, protocol requests) and
// writes what happened to $FAKE_ELECTRON_REPORT.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = mkdtempSync(join(tmpdir(), 'fake-electron-'));
const report = { schemes: [], ipcChannels: [], windows: [], appEvents: [], webContentsEvents: [], calls: {}, protocol: {} };
const handlers = new Map();
let protocolHandler;

export const protocol = {
  registerSchemesAsPrivileged: (schemes) => report.schemes.push(...schemes),
  handle: (scheme, fn) => {
    report.protocolScheme = scheme;
    protocolHandler = fn;
  },
};

export const ipcMain = {
  handle(channel, fn) {
    if (handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    handlers.set(channel, fn);
    report.ipcChannels.push(channel);
  },
};

export const net = {
  fetch: async (url) => new Response(readFileSync(fileURLToPath(url))),
};

export const session = { defaultSession: { setPermissionRequestHandler: (fn) => (report.permissionHandler = typeof fn) } };
// Engines are not started in this fake; the run tests drive real engine processes through Node.
export const utilityProcess = { fork: () => { throw new Error('the fake Electron starts no utility process'); } };
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }) };

const appListeners = {};
export const app = {
  whenReady: () => Promise.resolve(),
  getPath: (name) => join(base, name),
  on(event, fn) {
    report.appEvents.push(event);
    appListeners[event] = fn;
  },
  quit() {},
};

export class BrowserWindow {
  static all = [];
  static getAllWindows = () => BrowserWindow.all;
  static getFocusedWindow = () => null;
  constructor(options) {
    report.windows.push(options);
    this.webContents = { send: () => undefined };
    BrowserWindow.all.push(this);
    const contents = {
      setWindowOpenHandler: (fn) => (report.windowOpen = fn({ url: 'https://example.com' })),
      on: (event, fn) => {
        report.webContentsEvents.push(event);
        if (event === 'will-navigate') {
          let prevented = false;
          fn({ preventDefault: () => (prevented = true) }, 'https://example.com/phish');
          report.navigationAwayPrevented = prevented;
          prevented = false;
          fn({ preventDefault: () => (prevented = true) }, 'leporello://app/index.html#/projects');
          report.navigationInsidePrevented = prevented;
        }
      },
    };
    appListeners['web-contents-created']?.({}, contents);
  }
  once() {}
  async loadURL(url) {
    report.loadedUrl = url;
    const appFrame = { senderFrame: { url: 'leporello://app/index.html' } };
    const foreign = { senderFrame: { url: 'https://evil.example/' } };
    report.calls.create = await handlers.get('api:projects.create')(appFrame, { name: 'Fake Electron project' });
    report.calls.invalid = await handlers.get('api:images.get')(appFrame, { id: -3 });
    report.calls.foreign = await handlers.get('api:projects.list')(foreign, {});
    const answer = async (url) => {
      const res = await protocolHandler(new Request(url));
      return { status: res.status, csp: res.headers.get('content-security-policy'), body: (await res.text()).slice(0, 2000) };
    };
    report.protocol.index = await answer('leporello://app/index.html');
    report.protocol.traversal = await answer('leporello://project/..%2F..%2F..%2Fetc%2Fpasswd');
    report.protocol.database = await answer('leporello://project/leporello.sqlite');
    writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(report));
    process.exit(0);
  }
}
