// Taking back a curator's mistakes on real projects: pictures deleted with their files (what uses
// them named first, and never broken: a dataset keeps its own copies and still trains), a whole
// collection, and an import undone as one step — the collection it created gone with it, a
// collection that existed before kept with what was in it. The same from the command line.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import { contract } from '../../shared/contract';
import { listCollections } from '../../electron/services/collections';
import { createDataset, getDataset } from '../../electron/services/datasets/datasets';
import { deleteCollection, deleteImages, imageUsage } from '../../electron/services/deletion';
import { getImage, listImages } from '../../electron/services/images';
import { setLabel } from '../../electron/services/labels';
import { EventBus } from '../../electron/api/event-bus';
import { Studio } from '../../electron/services/studio';
import { runCli, smallPortraits, tempDir } from '../helpers';

const portraits = readdirSync(smallPortraits)
  .filter((f) => f.endsWith('.jpg'))
  .sort();

async function studioWithPortraits(t: Parameters<typeof tempDir>[0]) {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('Mistakes');
  const folder = join(base, 'sitters');
  mkdirSync(folder);
  for (const f of portraits.slice(0, 6)) copyFileSync(join(smallPortraits, f), join(folder, f));
  // A rescan with the same bytes: a duplicate record that shares its keeper's thumbnail.
  copyFileSync(join(smallPortraits, portraits[0]!), join(folder, 'rescan.jpg'));
  const summary = await studio.startImport({ paths: [folder], collection: 'sitters' }).done;
  return { base, studio, project: studio.requireProject(), summary };
}

test('deleting pictures: their files go, a dataset built from them is named and keeps working, a duplicate record goes with its keeper', async (t) => {
  const { project, summary } = await studioWithPortraits(t);
  assert.equal(summary.imported, 6);
  assert.equal(summary.duplicates, 1);
  const dataset = await createDataset(project, contract['datasets.create'].request.parse({ collectionId: summary.collectionId, resolution: 16 }));
  const kept = listImages(project, { status: 'ok', offset: 0, limit: 100 }).items;
  const first = getImage(project, kept[0]!.id);
  const files = [first.originalPath!, first.thumbPath!].map((p) => join(project.dir, p));
  assert.ok(files.every((f) => existsSync(f)));

  assert.deepEqual(imageUsage(project, [first.id, kept[1]!.id]), { datasets: [dataset.name], projectedLatents: 0 });
  const { deleted, usage } = await deleteImages(project, [first.id, kept[1]!.id]);
  assert.equal(deleted, 3, 'two pictures and the rescan of the first');
  assert.deepEqual(usage.datasets, [dataset.name]);
  assert.ok(
    files.every((f) => !existsSync(f)),
    'original and thumbnail removed',
  );
  assert.equal(listImages(project, { offset: 0, limit: 100 }).total, 4);
  // The dataset is frozen with its own copies: it is whole and still lists its images.
  assert.equal(getDataset(project, dataset.id).imageCount, 6);
  assert.ok(existsSync(join(project.dir, getDataset(project, dataset.id).path, 'images.u8')));
  await assert.rejects(deleteImages(project, [first.id]), /no image #\d+ in project "Mistakes"/);

  // A whole collection, its pictures and their files.
  const thumbs = listImages(project, { status: 'ok', offset: 0, limit: 100 }).items.map((i) => join(project.dir, getImage(project, i.id).thumbPath!));
  assert.equal((await deleteCollection(project, summary.collectionId)).deleted, 4);
  assert.deepEqual(listCollections(project), []);
  assert.ok(thumbs.every((f) => !existsSync(f)));
});

test('an import undone as one step: what it added goes, the collection it created too; an earlier collection stays with what it had', async (t) => {
  const { base, studio, project, summary } = await studioWithPortraits(t);
  // A second import into the same collection, one of its pictures already there (recorded as its duplicate).
  const more = join(base, 'more');
  mkdirSync(more);
  for (const f of portraits.slice(5, 9)) copyFileSync(join(smallPortraits, f), join(more, f));
  const second = await studio.startImport({ paths: [more], collection: 'sitters' }).done;
  assert.deepEqual([second.imported, second.duplicates], [3, 1]);
  const undone = await studio.undoImport(second.importId);
  assert.deepEqual(undone, { deleted: 4, collectionRemoved: false, restored: 0 });

  // A picture already here imported again, with labels and a catalogue: they apply to it, and undoing
  // the import gives it back its own label and sitter, with no label the import gave.
  const shared = project.db.prepare('SELECT id, source_path FROM images WHERE import_id = ? ORDER BY id LIMIT 1').get(summary.importId) as {
    id: number;
    source_path: string;
  };
  setLabel(project, [shared.id], 'mood', 'calm');
  project.db.prepare("UPDATE images SET sitter = 'Adair' WHERE id = ?").run(shared.id);
  const catalogue = join(base, 'catalogue.csv');
  writeFileSync(catalogue, `file,sitter\n${basename(shared.source_path)},Someone Else\n`);
  const again = await studio.startImport({ paths: [shared.source_path], collection: 'sitters', labels: { mood: 'stern', batch: 'two' }, metadata: catalogue })
    .done;
  assert.deepEqual([again.imported, again.alreadyPresent], [0, 1], JSON.stringify(again.metadata));
  assert.equal(getImage(project, shared.id).sitter, 'Someone Else');
  assert.deepEqual(getImage(project, shared.id).labels, { batch: 'two', mood: 'stern' });
  assert.deepEqual(await studio.undoImport(again.importId), { deleted: 0, collectionRemoved: false, restored: 1 });
  assert.equal(getImage(project, shared.id).sitter, 'Adair');
  assert.deepEqual(getImage(project, shared.id).labels, { mood: 'calm' });
  assert.equal(listImages(project, { status: 'ok', offset: 0, limit: 100 }).total, 6, 'the first import is whole, the shared picture kept');
  await assert.rejects(studio.undoImport(second.importId), /that import was already undone/);
  // An import another live process is still running (as it records itself) is not taken back under it.
  const other = spawn('sleep', ['60']);
  t.after(() => other.kill());
  project.db
    .prepare("INSERT INTO imports (id, collection_id, created_collection, owner, started_at) VALUES ('elsewhere', ?, 0, ?, ?)")
    .run(summary.collectionId, `${other.pid}-0badc0de`, new Date().toISOString());
  await assert.rejects(studio.undoImport('elsewhere'), /that import is still running: wait for it or cancel it where it runs/);

  // An import into a mistyped new collection, taken back: the collection goes too.
  const typo = await studio.startImport({ paths: [join(smallPortraits, portraits[10]!)], collection: 'sittres' }).done;
  assert.equal(typo.imported, 1);
  assert.deepEqual(await studio.undoImport(typo.importId), { deleted: 1, collectionRemoved: true, restored: 0 });
  assert.deepEqual(
    listCollections(project).map((c) => c.name),
    ['sitters'],
  );
  assert.equal(summary.collectionId, listCollections(project)[0]!.id);
});

test('from the command line: delete says what would go and what uses it, deletes with --yes; undo-import takes an import back', (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const cli = (...args: string[]) => runCli(base, ...args);
  assert.equal(cli('project', 'create', project).code, 0);
  const first = cli('import', project, ...portraits.slice(0, 4).map((f) => join(smallPortraits, f)), '--collection', 'sitters', '--json');
  assert.equal(first.code, 0, first.stderr);
  assert.equal(cli('dataset', 'create', project, '--collection', 'sitters', '--resolution', '16', '--name', 'frozen').code, 0);

  const dry = cli('delete', project, '--images', '1,2');
  assert.equal(dry.code, 0, dry.stderr);
  assert.match(
    dry.stdout,
    /nothing deleted: this would delete 2 pictures; used by dataset frozen \(which keep their own copies\)\. Run again with --yes to delete\./,
  );
  assert.equal(cli('images', project, '--json').json().total, 4);
  const done = cli('delete', project, '--images', '1,2', '--yes', '--json');
  assert.deepEqual([done.code, done.json().deleted], [0, 2]);
  assert.equal(cli('images', project, '--json').json().total, 2);

  const second = cli('import', project, join(smallPortraits, portraits[10]!), '--collection', 'typo', '--json');
  const undone = cli('undo-import', project, second.json().importId);
  assert.equal(undone.code, 0, undone.stderr);
  assert.match(undone.stdout, /import undone: 1 records and their files removed, and the collection it created/);
  assert.equal(cli('delete', project, '--collection', 'sitters', '--yes').code, 0);
  assert.equal(cli('images', project, '--json').json().total, 0);

  // The whole project, once its name is typed: its folder goes; the folders imported from stay.
  const wrong = cli('project', 'delete', project, '--name', 'q');
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /type the project's name, "p", to delete it/);
  assert.ok(existsSync(project));
  const gone = cli('project', 'delete', project, '--name', 'p');
  assert.equal(gone.code, 0, gone.stderr);
  assert.match(gone.stdout, /deleted project "p" and its folder/);
  assert.ok(!existsSync(project) && existsSync(join(smallPortraits, portraits[0]!)));
});
