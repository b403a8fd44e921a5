import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import BetterSqlite3 from 'better-sqlite3';
import { EventBus } from '../../electron/api/event-bus';
import { Studio } from '../../electron/services/studio';
import { tempDir } from '../helpers';

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
