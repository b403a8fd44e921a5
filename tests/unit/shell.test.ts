// The desktop shell's pure parts, checked without Electron: where the window goes back to, which
// run events become notifications, and what the application menu holds on each platform.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { EventMessage, Run } from '../../shared/contract';
import { menuTemplate } from '../../electron/shell/app-menu';
import { runNotifier } from '../../electron/shell/run-notifications';
import { DEFAULT_WINDOW, placeOnScreen, readWindowState, writeWindowState } from '../../electron/shell/window-state';
import { tempDir } from '../helpers';

const screens = [
  { x: 0, y: 0, width: 1920, height: 1080 },
  { x: 1920, y: 0, width: 1280, height: 1024 },
];

test('window state: kept, read back, and never restored onto a display that is gone', (t) => {
  const file = join(tempDir(t), 'window-state.json');
  assert.deepEqual(readWindowState(file), DEFAULT_WINDOW, 'no file: the defaults');
  writeFileSync(file, '{"x": 10, "y"');
  assert.deepEqual(readWindowState(file), DEFAULT_WINDOW, 'a half-written file: the defaults');
  writeFileSync(file, JSON.stringify({ x: 0, y: 0, width: 50, height: 50, maximized: false }));
  assert.deepEqual(readWindowState(file), DEFAULT_WINDOW, 'an unusable size: the defaults');

  writeWindowState(file, { x: 2000.4, y: 30, width: 1000, height: 700 }, false);
  const saved = readWindowState(file);
  assert.deepEqual(saved, { x: 2000, y: 30, width: 1000, height: 700, maximized: false });
  assert.deepEqual(JSON.parse(readFileSync(file, 'utf8')), saved);
  assert.deepEqual(placeOnScreen(saved, screens), saved, 'on the second display');
  assert.deepEqual(
    placeOnScreen(saved, screens.slice(0, 1)),
    { width: 1000, height: 700, maximized: false },
    'second display unplugged: let the system place it',
  );
  assert.deepEqual(
    placeOnScreen({ ...saved, x: 1850 }, screens.slice(0, 1)),
    { width: 1000, height: 700, maximized: false },
    'only a sliver of the title bar would show',
  );
});

const run = (status: Run['status'], extra: Partial<Run> = {}) =>
  ({ event: 'run.changed', payload: { id: 4, name: 'death-orgasm', status, reason: null, health: null, ...extra } }) as unknown as EventMessage;

test('notifications: one when a run ends, starts collapsing or turns to noise, none for progress or repeats', () => {
  const notice = runNotifier();
  assert.equal(notice(run('running')), null);
  assert.equal(notice({ event: 'run.progress', payload: {} } as EventMessage), null);
  assert.deepEqual(notice(run('finished')), { runId: 4, title: 'Run “death-orgasm” finished', body: 'its timeline is ready' });
  assert.equal(notice(run('finished')), null, 'the same status again is no news');
  assert.match(notice(run('interrupted', { reason: 'the engine process ended unexpectedly (signal SIGKILL)' }))!.body, /SIGKILL/);
  const turned = (verdict: string, reason: string) =>
    notice({ event: 'run.health', payload: { runId: 4, name: 'death-orgasm', health: { verdict, reasons: [reason] } } } as unknown as EventMessage);
  assert.deepEqual(turned('collapsing', "samples keep 20 % of the real portraits' diversity"), {
    runId: 4,
    title: 'Run “death-orgasm” is collapsing',
    body: "samples keep 20 % of the real portraits' diversity",
  });
  assert.deepEqual(turned('failed', 'the samples turned to noise'), { runId: 4, title: 'Run “death-orgasm” failed', body: 'the samples turned to noise' });
});

test('menu: the studio items everywhere; the app menu on macOS, Quit under File elsewhere', () => {
  const went: string[] = [];
  const actions = {
    navigate: (h: string) => went.push(h),
    importPortraits: () => went.push('import'),
    openProjectsFolder: () => went.push('folder'),
    about: () => went.push('about'),
  };
  const linux = menuTemplate('linux', actions);
  const mac = menuTemplate('darwin', actions);
  assert.deepEqual(
    linux.map((m) => m.label ?? m.role),
    ['File', 'editMenu', 'View', 'windowMenu', 'help'],
  );
  assert.deepEqual(
    mac.map((m) => m.label ?? m.role),
    ['Leporello', 'File', 'editMenu', 'View', 'windowMenu', 'help'],
  );
  const items = (menu: typeof linux, label: string) => menu.find((m) => m.label === label)!.submenu as { label?: string; role?: string; click?: () => void }[];
  assert.ok(items(linux, 'File').some((i) => i.role === 'quit'));
  assert.ok(!items(mac, 'File').some((i) => i.role === 'quit'));
  for (const i of [...items(linux, 'File'), ...items(linux, 'View')]) i.click?.();
  assert.deepEqual(went, ['#/projects', 'import', '#/runs', 'folder', '#/collection', '#/runs', '#/styles']);
});
