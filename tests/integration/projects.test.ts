import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { EventBus } from '../../electron/api/event-bus';
import { Studio } from '../../electron/services/studio';
import { projectWithDataset, repoRoot, tempDir } from '../helpers';

test('the project list survives a damaged or newer project, names the problem, and migrates nothing', async (t) => {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('Good one');
  await studio.createProject('From the future');
  const future = new BetterSqlite3(join(base, 'projects', 'From the future', 'leporello.sqlite'));
  future.pragma('user_version = 999');
  future.close();
  await studio.closeProject();
  mkdirSync(join(base, 'projects', 'Damaged'));
  writeFileSync(join(base, 'projects', 'Damaged', 'leporello.sqlite'), 'this is not a database');

  const byName = new Map(studio.listProjects().map((p) => [p.path.split('/').pop(), p]));
  assert.equal(byName.get('Good one')!.problem, null);
  assert.match(byName.get('From the future')!.problem!, /newer Leporello \(schema 999\)/);
  assert.match(byName.get('Damaged')!.problem!, /cannot be read/);
  const check = new BetterSqlite3(join(base, 'projects', 'From the future', 'leporello.sqlite'));
  assert.equal(check.pragma('user_version', { simple: true }), 999, 'listing wrote nothing');
  check.close();
  await assert.rejects(studio.openKnownProject(join(base, 'projects', 'From the future')), /newer Leporello/);
  await assert.rejects(studio.openKnownProject('/etc'), /not among the studio's projects/);
});

test('a project is deleted, folder and all, once its name is typed; never while another process trains in it', async (t) => {
  const { base, studio, project, dataset } = await projectWithDataset(t, 16);
  const training = project.dir;
  await studio.createProject('Scratch');
  // Another process (a real one) holds a live lease on a run in "Training", as a training CLI would.
  const other = spawn('sleep', ['60']);
  t.after(() => other.kill());
  const db = new BetterSqlite3(join(training, 'leporello.sqlite'));
  db.prepare(
    `INSERT INTO runs (name, dataset_id, arch, options, status, dir_path, created_at, updated_at, owner, lease_until)
     VALUES ('busy', ?, 'dcgan', '{}', 'running', 'runs/busy', ?, ?, ?, ?)`,
  ).run(dataset.id, new Date().toISOString(), new Date().toISOString(), `${other.pid}-0badc0de`, Date.now() + 60_000);
  db.close();

  await assert.rejects(studio.deleteProject(training, 'Training'), /run "busy" is training in this project: stop it first/);
  other.kill();
  await new Promise((resolve) => other.once('exit', resolve));

  // A real studio server in another process with the project open: refused until it closes.
  const server = spawn(process.execPath, [join(repoRoot, 'bin', 'leporello.mjs'), 'serve', training, '--json'], {
    env: { ...process.env, LEPORELLO_HOME: join(base, 'serve-home'), LEPORELLO_PROJECTS: join(base, 'serve-projects') },
  });
  t.after(() => server.kill('SIGKILL'));
  await new Promise<void>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => (out += d.toString()).includes('"token"') && resolve());
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  await assert.rejects(studio.deleteProject(training, 'Training'), new RegExp(`this project is open in another process \\(pid ${server.pid}: `));
  const closed = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await closed;
  await assert.rejects(studio.deleteProject(training, 'training '), /type the project's name, "Training", to delete it/);
  assert.ok(existsSync(training), 'nothing was removed');
  assert.deepEqual(await studio.deleteProject(training, 'Training'), { deleted: true });
  assert.ok(!existsSync(training));
  assert.deepEqual(
    studio.listProjects().map((p) => p.name),
    ['Scratch'],
  );
  assert.deepEqual(
    readdirSync(join(base, 'projects')).filter((f) => f.includes('deleting')),
    [],
    'no half-deleted folder left',
  );
  // The open project: closed, then deleted.
  await studio.deleteProject(studio.requireProject().dir, 'Scratch');
  assert.equal(studio.current, null);
  assert.deepEqual(studio.listProjects(), []);
});
