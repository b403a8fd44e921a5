// The Electron shell, checked without the Electron binary (it cannot be installed on the build
// machine): the real bundles in out/ run against a FAKE `electron` module that records what
// they register. What is tested is our wiring and settings, not Electron itself.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runInNewContext } from 'node:vm';
import { methods } from '../../shared/contract';
import { repoRoot, smallPortraits, tempDir } from '../helpers';

test('fake Electron: the sandboxed preload exposes exactly the contract, one function per method', async () => {
  const exposed: Record<string, unknown> = {};
  const invoked: [string, unknown][] = [];
  const fakeElectron = {
    contextBridge: { exposeInMainWorld: (key: string, value: unknown) => (exposed[key] = value) },
    ipcRenderer: { invoke: async (channel: string, req: unknown) => (invoked.push([channel, req]), { ok: true, value: null }), on() {}, removeListener() {} },
    webUtils: { getPathForFile: () => '/dropped/file.jpg' },
  };
  const requires: string[] = [];
  const source = readFileSync(join(repoRoot, 'out', 'preload.cjs'), 'utf8');
  const module = { exports: {} };
  // A sandboxed preload gets a require that knows only a few modules; record what it asks for.
  runInNewContext(source, {
    module,
    exports: module.exports,
    require: (name: string) => {
      requires.push(name);
      if (name === 'electron') return fakeElectron;
      throw new Error(`a sandboxed preload cannot require ${name}`);
    },
    console,
  });
  assert.deepEqual([...new Set(requires)], ['electron']);
  assert.deepEqual(Object.keys(exposed), ['leporello']);
  const bridge = exposed.leporello as { api: Record<string, (r: unknown) => Promise<unknown>>; onEvent: unknown; pathForFile: (f: unknown) => string };
  assert.deepEqual(Object.keys(bridge.api).sort(), [...methods].sort());
  assert.ok(!('invoke' in bridge) && !('send' in bridge), 'no generic channel access');
  await bridge.api['images.get']!({ id: 4 });
  assert.deepEqual(invoked, [['api:images.get', { id: 4 }]]);
  assert.equal(bridge.pathForFile({}), '/dropped/file.jpg');
});

test('fake Electron: main registers every method once, a secure window, guards and a confined protocol', (t) => {
  const dir = tempDir(t);
  const reportFile = join(dir, 'report.json');
  const userData = join(dir, 'userData');
  mkdirSync(userData);
  // Last session's window: main puts it back there, and keeps where it was left this time.
  writeFileSync(join(userData, 'window-state.json'), JSON.stringify({ x: 100, y: 80, width: 1200, height: 800, maximized: true }));
  const r = spawnSync(process.execPath, ['--import', join(repoRoot, 'tests', 'fakes', 'register-fake-electron.mjs'), join(repoRoot, 'out', 'main.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, FAKE_ELECTRON_REPORT: reportFile, FAKE_ELECTRON_USER_DATA: userData },
  });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const win = report.windows[0];
  assert.deepEqual([win.x, win.y, win.width, win.height, report.maximized], [100, 80, 1200, 800, true]);
  assert.deepEqual(JSON.parse(readFileSync(join(userData, 'window-state.json'), 'utf8')), { x: 210, y: 120, width: 1500, height: 950, maximized: false });
  // The application menu: the studio's own items and the standard Edit menu (copy and paste in fields).
  const file = report.menu.find((m: { label?: string }) => m.label === 'File');
  assert.deepEqual(
    file.submenu.filter((i: { label?: string }) => i.label).map((i: { label: string }) => i.label),
    ['Projects…', 'Import Portraits…', 'New Run…', 'Show Projects Folder'],
  );
  assert.ok(report.menu.some((m: { role?: string }) => m.role === 'editMenu'));

  assert.deepEqual([...report.ipcChannels].sort(), methods.map((m) => `api:${m}`).sort());
  const prefs = report.windows[0].webPreferences;
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.webviewTag, false);
  assert.match(prefs.preload, /out[\\/]preload\.cjs$/);
  assert.equal(report.loadedUrl, 'leporello://app/index.html');
  assert.deepEqual(report.windowOpen, { action: 'deny' });
  assert.equal(report.navigationAwayPrevented, true);
  assert.equal(report.navigationInsidePrevented, false);
  assert.ok(report.webContentsEvents.includes('will-attach-webview'));
  assert.equal(report.permissionHandler, 'function');
  assert.equal(report.schemes[0].scheme, 'leporello');

  assert.equal(report.calls.create.ok, true, JSON.stringify(report.calls.create));
  assert.equal(report.calls.create.value.name, 'Fake Electron project');
  assert.equal(report.calls.invalid.error.code, 'invalid_request');
  assert.equal(report.calls.foreign.ok, false, 'a foreign frame is refused');

  assert.equal(report.protocol.index.status, 200);
  assert.match(report.protocol.index.body, /<div id="app">/);
  assert.match(report.protocol.index.csp, /script-src 'self'/);
  assert.match(report.protocol.index.csp, /img-src 'self' blob: data: leporello:\/\/project/);
  assert.equal(report.protocol.traversal.status, 404);
  assert.equal(report.protocol.database.status, 404);
});

test('fake Electron: a run trains in a utility process started by main, and every message arrives before it exits', (t) => {
  const reportFile = join(tempDir(t), 'report.json');
  const r = spawnSync(process.execPath, ['--import', join(repoRoot, 'tests', 'fakes', 'register-fake-electron.mjs'), join(repoRoot, 'out', 'main.mjs')], {
    encoding: 'utf8',
    env: { ...process.env, FAKE_ELECTRON_REPORT: reportFile, FAKE_ELECTRON_TRAIN_FROM: smallPortraits },
  });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  assert.equal(report.utilityProcesses.length, 1);
  assert.match(report.utilityProcesses[0].modulePath, /out[\\/]engine\.mjs$/);
  assert.equal(report.utilityProcesses[0].serviceName, 'Leporello engine');
  const { run, timeline } = report.training;
  assert.equal(run.status, 'finished', run.reason);
  assert.equal(run.backend, 'cpu');
  // The engine's last checkpoint and its health reached main before the process ended.
  assert.equal(run.lastCheckpoint.epoch, 1);
  assert.equal(run.health.epoch, 1);
  assert.deepEqual(timeline.positions, [0, 1]);
  assert.equal(report.events.filter((e: string) => e === 'run.progress').length, 3, '24 portraits, batch 8: three progress events');
  // What became of the run reached the desktop, once each: one epoch of a width-4 network never got
  // diverse samples (so its health calls it collapsing), and then it finished.
  const titles = report.notifications.map((n: { title: string }) => n.title);
  assert.deepEqual(titles, [...(run.health.verdict === 'collapsing' ? [`Run “${run.name}” is collapsing`] : []), `Run “${run.name}” finished`]);
  // The run's memory asked of its own engine before the run was recorded, one training job, then
  // main tells the engine it may exit, once every answer has arrived.
  assert.deepEqual(report.toEngine, ['start limits', 'start train', 'exit']);
});
