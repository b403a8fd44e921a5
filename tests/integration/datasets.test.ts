import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { EventBus } from '../../electron/api/event-bus';
import { DatasetFile, hashFile } from '../../electron/formats/dataset-file';
import { createDataset, listDatasets } from '../../electron/services/datasets/datasets';
import { setLabel } from '../../electron/services/labels';
import { Studio } from '../../electron/services/studio';
import { contract } from '../../shared/contract';
import { smallPortraits, tempDir } from '../helpers';

async function projectWithPortraits(t: Parameters<typeof tempDir>[0]) {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('Datasets');
  const summary = await studio.startImport({ paths: [smallPortraits], collection: 'congress' }).done;
  assert.equal(summary.imported, 24);
  return { studio, project: studio.requireProject(), collectionId: summary.collectionId };
}

const request = (collectionId: number, extra: object = {}) => contract['datasets.create'].request.parse({ collectionId, resolution: 32, ...extra });

test('a collection freezes into a packed uint8 file whose images match their originals', async (t) => {
  const { project, collectionId } = await projectWithPortraits(t);
  const progress: number[] = [];
  const ds = await createDataset(project, request(collectionId), { onProgress: (p) => progress.push(p.done) });
  assert.equal(ds.name, 'congress-32');
  assert.equal(ds.imageCount, 24);
  assert.equal(ds.channels, 3);
  assert.equal(ds.bytes, 24 * 32 * 32 * 3);
  assert.deepEqual(
    progress,
    Array.from({ length: 24 }, (_, i) => i + 1),
  );
  const dir = join(project.dir, ds.path);
  assert.equal(statSync(join(dir, 'images.u8')).size, ds.bytes);
  assert.equal(await hashFile(join(dir, 'images.u8')), ds.sha256, "the hash in the database is the file's");
  assert.equal(readdirSync(project.tmpDir).length, 0);

  const file = await DatasetFile.open(dir);
  t.after(() => file.close());
  assert.equal(await file.verify(), true);
  const members = project.db.prepare('SELECT position, image_id AS imageId FROM dataset_images WHERE dataset_id = ? ORDER BY position').all(ds.id) as {
    position: number;
    imageId: number;
  }[];
  assert.deepEqual(
    members.map((m) => m.imageId),
    file.meta.imageIds,
  );
  // Image 5 of the dataset, read by offset, against its original decoded independently here.
  const original = project.db.prepare('SELECT original_path FROM images WHERE id = ?').get(file.meta.imageIds[5]) as { original_path: string };
  const expected = await sharp(join(project.dir, original.original_path)).resize(32, 32, { fit: 'cover' }).toColourspace('srgb').raw().toBuffer();
  const got = await file.readBatch([5]);
  let diff = 0;
  for (let i = 0; i < expected.length; i++) diff += Math.abs(expected[i]! - got[i]!);
  assert.ok(diff / expected.length < 3, `mean abs difference ${diff / expected.length}`);
  const batch = await file.readBatch([0, 23, 5]);
  assert.deepEqual(batch.subarray(2 * 3072, 3 * 3072), got);
  await assert.rejects(file.readBatch([24]), /no image 24 in a dataset of 24/);
});

test('grayscale, pad, label filter and x-flip are recorded; pad leaves black bars, crop does not', async (t) => {
  const { project, collectionId } = await projectWithPortraits(t);
  const ids = (project.db.prepare('SELECT id FROM images ORDER BY id LIMIT 10').all() as { id: number }[]).map((r) => r.id);
  setLabel(project, ids, 'era', 'before-1830');
  const gray = await createDataset(project, request(collectionId, { grayscale: true, fit: 'pad', xflip: true, label: { key: 'era', value: 'before-1830' } }));
  assert.equal(gray.name, 'congress-era-before-1830-32-gray');
  assert.deepEqual([gray.imageCount, gray.channels, gray.fit, gray.xflip], [10, 1, 'pad', true]);
  assert.deepEqual(gray.label, { key: 'era', value: 'before-1830' });
  const file = await DatasetFile.open(join(project.dir, gray.path));
  t.after(() => file.close());
  // The portraits are taller than wide: padded to a square, their left and right columns are black.
  const img = await file.readBatch([0]);
  const column = (x: number) => Array.from({ length: 32 }, (_, y) => img[y * 32 + x]!);
  assert.ok(
    column(0).every((v) => v === 0),
    'pad: black bar on the left',
  );
  const crop = await createDataset(project, request(collectionId, { grayscale: true }));
  const cropped = await DatasetFile.open(join(project.dir, crop.path));
  t.after(() => cropped.close());
  const c = await cropped.readBatch([0]);
  assert.ok(
    Array.from({ length: 32 }, (_, y) => c[y * 32]!).some((v) => v > 20),
    'crop: picture to the edge',
  );
  assert.deepEqual(
    listDatasets(project).map((d) => d.name),
    ['congress-era-before-1830-32-gray', 'congress-32-gray'],
  );
});

test('bad requests are refused with what to do, and nothing is left behind', async (t) => {
  const { project, collectionId } = await projectWithPortraits(t);
  assert.throws(() => request(collectionId, { resolution: 48 }), /power of two from 16 to 1024/);
  assert.throws(() => request(collectionId, { resolution: 2048 }), /power of two/);
  await assert.rejects(createDataset(project, request(collectionId, { label: { key: 'era', value: 'none' } })), /has no kept images with era = none/);
  await assert.rejects(createDataset(project, request(999)), /no collection #999/);
  await createDataset(project, request(collectionId, { name: 'mine' }));
  await assert.rejects(createDataset(project, request(collectionId, { name: 'MINE' })), /already exists; datasets never change/);
  assert.equal(readdirSync(project.tmpDir).length, 0);
  assert.equal(listDatasets(project).length, 1);
});

test('a damaged dataset file is detected: wrong size on open, changed bytes by hash', async (t) => {
  const { project, collectionId } = await projectWithPortraits(t);
  const ds = await createDataset(project, request(collectionId, { resolution: 16 }));
  const data = join(project.dir, ds.path, 'images.u8');
  const bytes = readFileSync(data);
  bytes[1000] = bytes[1000]! ^ 0xff;
  writeFileSync(data, bytes);
  const file = await DatasetFile.open(join(project.dir, ds.path));
  assert.equal(await file.verify(), false);
  await file.close();
  writeFileSync(data, bytes.subarray(0, 100));
  await assert.rejects(DatasetFile.open(join(project.dir, ds.path)), /holds 100 bytes, expected 18432: the dataset is damaged/);
});
