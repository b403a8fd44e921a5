// Several processes on one project, for real: a run trained by `leporello train` in one process
// while other commands and a studio open the same project; two imports of one folder at once;
// Ctrl-C in a terminal; half-written files of live and dead processes; damaged project folders.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { EventBus } from '../../electron/api/event-bus';
import { Project } from '../../electron/services/projects/project';
import { Studio } from '../../electron/services/studio';
import { hashFile } from '../../electron/formats/dataset-file';
import { repoRoot, runCli, smallPortraits, tempDir } from '../helpers';

interface Background {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** A CLI command in a process group of its own, as a terminal runs it (so that Ctrl-C can reach the whole group). */
function background(home: string, ...args: string[]): Background {
  const child = spawn(process.execPath, [join(repoRoot, 'bin', 'leporello.mjs'), ...args], {
    env: { ...process.env, LEPORELLO_HOME: join(home, 'home'), LEPORELLO_PROJECTS: join(home, 'projects') },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  child.stdout!.resume();
  return { child, stderr: () => err, exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))) };
}

/** Polls the project's database (read-only, as another process) until `ready` says so. */
async function until<T>(what: string, read: () => T | undefined, timeoutMs = 60_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function runRow(project: string): { id: number; status: string; reason: string | null; owner: string | null; progress: string | null } | undefined {
  const p = Project.open(project);
  try {
    return p.db.prepare('SELECT id, status, reason, owner, progress FROM runs ORDER BY id DESC LIMIT 1').get() as
      { id: number; status: string; reason: string | null; owner: string | null; progress: string | null } | undefined;
  } finally {
    p.close();
  }
}

/** A project with the 24 small portraits at 16 px, ready to train. */
function trainable(t: Parameters<typeof tempDir>[0]): { base: string; project: string } {
  const base = tempDir(t);
  const project = join(base, 'p');
  for (const args of [
    ['project', 'create', project],
    ['import', project, smallPortraits, '--collection', 'small'],
    ['dataset', 'create', project, '--collection', 'small', '--resolution', '16'],
  ]) {
    const r = runCli(base, ...args);
    assert.equal(r.code, 0, r.stderr);
  }
  return { base, project };
}

const longRun = (project: string) => [
  'train',
  project,
  '--dataset',
  'small-16',
  '--arch',
  'dcgan',
  '--epochs',
  '5000',
  '--batch',
  '8',
  '--width',
  '4',
  '--checkpoint-every',
  '500',
  '--backend',
  'cpu',
];

test('commands and a studio opening the project while the CLI trains leave the run alone; the studio sees it live, pauses, continues and stops it', async (t) => {
  const { base, project } = trainable(t);
  const train = background(base, ...longRun(project));
  t.after(() => train.child.kill('SIGKILL'));
  const run = await until('the run to train', () => {
    const r = runRow(project);
    return r?.status === 'running' && r.owner ? r : undefined;
  });

  // Other commands open the project meanwhile: the run is neither emptied of its files nor marked interrupted.
  for (const args of [
    ['images', project],
    ['runs', project, '--json'],
    ['flags', project],
  ]) {
    const r = runCli(base, ...args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  assert.equal(runRow(project)!.status, 'running', 'still training after three other commands opened the project');

  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.openProject(project);
  const live = await until('the studio to see the CLI run live', () => studio.runs.live().find((p) => p.runId === run.id));
  assert.ok(live.imagesSeen > 0);
  assert.equal(studio.runs.isActive(run.id), false, 'not trained by the studio itself');
  await assert.rejects(studio.runs.delete(run.id), /is training in another process \(pid \d+\): stop it before deleting it/);
  await assert.rejects(studio.runs.resume(run.id), /is training in another process/);

  // Pause and continue reach the CLI's engine through the run's record too: it holds, then goes on.
  studio.runs.pause(run.id);
  const held = await until('the CLI run to pause', () => {
    const r = runRow(project)!;
    return r.status === 'paused' && r.reason?.startsWith('paused after') ? r : undefined;
  });
  const [, heldAt] = /paused after step (\d+)/.exec(held.reason!)!.map(Number);
  assert.ok(!studio.runs.live().some((p) => p.runId === run.id && p.step > heldAt!), 'no step is taken while paused');
  const continued = await studio.runs.resume(run.id);
  assert.equal(continued.run.id, run.id);
  await until('the CLI run to go on', () => {
    const p = studio.runs.live().find((x) => x.runId === run.id);
    return runRow(project)!.status === 'running' && p && p.step > heldAt! ? true : undefined;
  });

  // The studio's Stop reaches the CLI's engine through the run's record; the CLI ends cleanly.
  studio.runs.stop(run.id);
  assert.equal(await train.exited, 0, train.stderr());
  const after = runRow(project)!;
  assert.equal(after.status, 'stopped', after.reason ?? '');
  assert.equal(after.owner, null, 'the lease is given back');
  assert.deepEqual(
    readdirSync(join(project, 'tmp')).filter((e) => /^\d+-/.test(e) && !e.startsWith(`${process.pid}-`)),
    [],
    'the CLI removed its own half-written files folder',
  );
});

test('Ctrl-C in the terminal stops `leporello train` cleanly: the run is stopped, not interrupted, with the steps since its last checkpoint kept', async (t) => {
  const { base, project } = trainable(t);
  const train = background(base, ...longRun(project));
  t.after(() => train.child.kill('SIGKILL'));
  // Past its first step: the command is following the run (and listening for Ctrl-C).
  await until('the run to train', () => (runRow(project)?.progress ? true : undefined));
  // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group, the engine's included.
  process.kill(-train.child.pid!, 'SIGINT');
  assert.equal(await train.exited, 0, train.stderr());
  const run = runRow(project)!;
  assert.equal(run.status, 'stopped', run.reason ?? '');
  const [, images] = /stopped after (\d+) images/.exec(run.reason ?? '')!;
  // The steps since the run's first checkpoint are kept: it resumes from where Ctrl-C stopped it.
  const p = Project.open(project);
  try {
    const point = p.db.prepare('SELECT images_seen, path, sha256 FROM resume_points WHERE run_id = ?').get(run.id) as {
      images_seen: number;
      path: string;
      sha256: string;
    };
    assert.equal(point.images_seen, Number(images));
    assert.equal(await hashFile(join(project, point.path)), point.sha256);
  } finally {
    p.close();
  }
});

test('two imports of one folder at once import each file once, and no file is rejected', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  assert.equal(runCli(base, 'project', 'create', project).code, 0);
  const a = background(base, 'import', project, smallPortraits, '--collection', 'same');
  const b = background(base, 'import', project, smallPortraits, '--collection', 'same');
  assert.deepEqual([await a.exited, await b.exited], [0, 0], a.stderr() + b.stderr());
  const p = Project.open(project);
  try {
    const counts = Object.fromEntries(
      (p.db.prepare('SELECT status, count(*) AS n FROM images GROUP BY status').all() as { status: string; n: number }[]).map((r) => [r.status, r.n]),
    );
    assert.deepEqual(counts, { ok: 24 });
    assert.equal((p.db.prepare('SELECT count(*) AS n FROM collections').get() as { n: number }).n, 1);
  } finally {
    p.close();
  }
});

test("a process's half-written files are its own: opening the project removes only those of dead processes", (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  assert.equal(runCli(base, 'project', 'create', project).code, 0);
  // A live process (this one's parent, the test runner's) and a dead one (a pid that just exited).
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  for (const [owner, file] of [
    [`${process.ppid}-aaaa1111`, 'live.partial'],
    [`${dead}-bbbb2222`, 'dead.partial'],
  ]) {
    mkdirSync(join(project, 'tmp', owner!), { recursive: true });
    writeFileSync(join(project, 'tmp', owner!, file!), 'half');
  }
  assert.equal(runCli(base, 'images', project).code, 0);
  assert.ok(existsSync(join(project, 'tmp', `${process.ppid}-aaaa1111`, 'live.partial')), "a live process's file stays");
  assert.ok(!existsSync(join(project, 'tmp', `${dead}-bbbb2222`)), "a dead process's space goes");
});

test('a damaged project is refused with one message naming the file and what to do, never rewritten', (t) => {
  const base = tempDir(t);
  const make = (name: string) => {
    const dir = join(base, name);
    assert.equal(runCli(base, 'project', 'create', dir).code, 0);
    return dir;
  };
  const empty = make('empty');
  truncateSync(join(empty, 'leporello.sqlite'), 0);
  const garbage = make('garbage');
  writeFileSync(join(garbage, 'leporello.sqlite'), Buffer.alloc(8192, 0x41));
  const cut = make('cut');
  assert.equal(runCli(base, 'import', cut, smallPortraits).code, 0);
  truncateSync(join(cut, 'leporello.sqlite'), 4096 * 3);
  for (const [dir, message] of [
    [empty, /leporello\.sqlite is empty \(0 bytes\): the project's records are lost; restore leporello\.sqlite from a backup/],
    [garbage, /leporello\.sqlite is not a SQLite database \(damaged or overwritten\); restore/],
    [cut, /leporello\.sqlite is damaged .*; restore leporello\.sqlite from a backup/],
  ] as const) {
    const r = runCli(base, 'runs', dir);
    assert.equal(r.code, 1);
    assert.match(r.stderr, message);
    assert.equal(r.stderr.trim().split('\n').length, 1, 'one line');
  }
  assert.equal(readdirSync(empty).includes('leporello.sqlite-wal'), false, 'the empty database was not opened, let alone migrated');

  // A folder the person cannot write. As root every folder is writable, so there the command runs
  // as the unprivileged user `nobody` (through util-linux's setpriv) on a folder root owns.
  const readonly = make('readonly');
  chmodSync(readonly, 0o555);
  let r: { status: number | null; stderr: string };
  if (process.getuid?.() === 0) {
    // (The test's own folder is private; the checkout and /tmp are readable by everyone.)
    chmodSync(base, 0o755);
    const home = join(base, 'nobody');
    mkdirSync(home);
    chownSync(home, 65534, 65534);
    r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, join(repoRoot, 'bin', 'leporello.mjs'), 'runs', readonly], {
      encoding: 'utf8',
      env: { ...process.env, HOME: home, LEPORELLO_HOME: join(home, 'home'), LEPORELLO_PROJECTS: join(home, 'projects') },
    });
  } else {
    const cli = runCli(base, 'runs', readonly);
    r = { status: cli.code, stderr: cli.stderr };
  }
  chmodSync(readonly, 0o755);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /readonly.* cannot be written \(read-only, or not yours\)/);
});

test('project check finds a damaged original and an orphan; --repair removes the orphan only', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  assert.equal(runCli(base, 'project', 'create', project).code, 0);
  assert.equal(runCli(base, 'import', project, smallPortraits).code, 0);
  const p = Project.open(project);
  const first = p.db.prepare("SELECT original_path FROM images WHERE status = 'ok' ORDER BY id LIMIT 1").get() as { original_path: string };
  p.close();
  writeFileSync(join(project, first.original_path), 'not the picture any more');
  mkdirSync(join(project, 'originals', 'zz'), { recursive: true });
  writeFileSync(join(project, 'originals', 'zz', 'left-by-a-killed-import.jpg'), 'orphan');

  const check = runCli(base, 'project', 'check', project, '--json');
  assert.equal(check.code, 0, check.stderr);
  const report = check.json() as { checked: number; damaged: { path: string; problem: string }[]; orphans: string[] };
  assert.ok(report.checked >= 48, `${report.checked} checked`);
  assert.deepEqual(
    report.damaged.map((d) => [d.path, d.problem]),
    [[first.original_path, 'damaged']],
  );
  assert.deepEqual(report.orphans, ['originals/zz/left-by-a-killed-import.jpg']);

  const repaired = runCli(base, 'project', 'check', project, '--repair', '--json');
  assert.deepEqual((repaired.json() as { removed: string[] }).removed, ['originals/zz/left-by-a-killed-import.jpg']);
  assert.ok(!existsSync(join(project, 'originals', 'zz', 'left-by-a-killed-import.jpg')));
  assert.ok(existsSync(join(project, first.original_path)), 'a referenced file is never removed, even a damaged one');
});
