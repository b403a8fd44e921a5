// A FAKE of Electron's main-process API, for the one thing that cannot exist on a build machine:
// the Electron binary. It records what out/main.mjs registers, then exercises it the way the real
// runtime would (an IPC call from the app's frame and from a foreign one, protocol requests) and
// writes what happened to $FAKE_ELECTRON_REPORT.
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const base = mkdtempSync(join(tmpdir(), 'fake-electron-'));
const report = {
  schemes: [],
  ipcChannels: [],
  windows: [],
  appEvents: [],
  webContentsEvents: [],
  calls: {},
  protocol: {},
  utilityProcesses: [],
  events: [],
  toEngine: [],
  notifications: [],
  menu: null,
};
// The settings folder may be given, to test what main keeps there between sessions (window state).
const userData = process.env.FAKE_ELECTRON_USER_DATA;
/** Events main sends to windows, and who waits for which. */
const waiters = [];
function nextEvent(accept) {
  return new Promise((resolve) => waiters.push({ accept, resolve }));
}
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
// A utility process is a forked Node child given a fake parentPort (utility-parent-port.mjs): the
// engine bundle in it is the real one, and so is main's launcher that talks to it.
export const utilityProcess = {
  fork(modulePath, args, options) {
    report.utilityProcesses.push({ modulePath, serviceName: options?.serviceName, stdio: options?.stdio });
    const child = fork(modulePath, args, {
      execArgv: ['--import', new URL('./utility-parent-port.mjs', import.meta.url).href],
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    return {
      get pid() {
        return child.pid;
      },
      stderr: child.stderr,
      postMessage: (message) => {
        report.toEngine.push(message.type === 'start' ? `start ${message.kind}` : message.type);
        if (child.connected) child.send(message);
      },
      on: (event, listener) => (event === 'exit' ? child.on('exit', (code) => listener(code ?? 1)) : child.on(event, listener)),
      once: (event, listener) => (event === 'exit' ? child.once('exit', (code) => listener(code ?? 1)) : child.once(event, listener)),
      kill: () => child.kill(),
    };
  },
};
export const dialog = { showOpenDialog: async () => ({ canceled: true, filePaths: [] }), showMessageBox: async () => ({ response: 0 }) };

/** One 1920×1080 display with a 40 px panel at the top. */
export const screen = { getAllDisplays: () => [{ workArea: { x: 0, y: 40, width: 1920, height: 1040 } }] };
export const shell = { openPath: async () => '' };

/** Menu items as data: labels, roles and accelerators, submenus followed. */
function describeMenu(items) {
  return items.map((i) => ({
    label: i.label,
    role: i.role,
    accelerator: i.accelerator,
    submenu: Array.isArray(i.submenu) ? describeMenu(i.submenu) : undefined,
  }));
}
export const Menu = {
  buildFromTemplate: (template) => ({ template }),
  setApplicationMenu: (menu) => (report.menu = describeMenu(menu.template)),
};

export class Notification {
  static isSupported = () => true;
  constructor(options) {
    this.options = options;
  }
  on() {}
  show() {
    report.notifications.push(this.options);
  }
}

const appListeners = {};
export const app = {
  whenReady: () => Promise.resolve(),
  getPath: (name) => (name === 'userData' && userData ? userData : join(base, name)),
  getVersion: () => '0.0.0-fake',
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
    this.webContents = {
      send: (channel, message) => {
        report.events.push(message.event);
        for (const w of [...waiters]) {
          if (w.accept(message)) {
            waiters.splice(waiters.indexOf(w), 1);
            w.resolve(message.payload);
          }
        }
      },
    };
    BrowserWindow.all.push(this);
    this.listeners = {};
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
  on(event, fn) {
    this.listeners[event] = fn;
  }
  maximize() {
    report.maximized = true;
  }
  isMaximized = () => false;
  isMinimized = () => false;
  restore() {}
  focus() {}
  /** Where the person left the window this session. */
  getNormalBounds = () => ({ x: 210, y: 120, width: 1500, height: 950 });
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
    if (process.env.FAKE_ELECTRON_TRAIN_FROM) report.training = await trainThroughIpc(appFrame, process.env.FAKE_ELECTRON_TRAIN_FROM);
    // The person closes the window: main keeps where it was.
    this.listeners.close?.();
    writeFileSync(process.env.FAKE_ELECTRON_REPORT, JSON.stringify(report));
    process.exit(0);
  }
}

/** Imports portraits, makes a dataset and trains one short run, all through main's IPC handlers. */
async function trainThroughIpc(frame, folder) {
  const call = async (method, request) => {
    const answer = await handlers.get(`api:${method}`)(frame, request);
    if (!answer.ok) throw new Error(`${method}: ${answer.error.message}`);
    return answer.value;
  };
  const imported = nextEvent((m) => m.event === 'import.finished');
  await call('import.start', { paths: [folder], collection: 'Portraits' });
  await imported;
  const [collection] = await call('collections.list', {});
  const dataset = await call('datasets.create', { collectionId: collection.id, resolution: 16 });
  const ended = nextEvent((m) => m.event === 'run.changed' && !['running', 'paused'].includes(m.payload.status));
  const started = await call('runs.start', { datasetId: dataset.id, arch: 'dcgan', epochs: 1, batchSize: 8, backend: 'cpu', width: 4, zDim: 16, witnesses: 4 });
  const run = await ended;
  return { started, run, timeline: await call('runs.timeline', { runId: run.id }) };
}
