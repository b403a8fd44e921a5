// StyleGAN2-ADA dataset archives out and back in: a ZIP of PNGs at one resolution and
// dataset.json with integer classes.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import { EventBus } from '../../electron/api/event-bus';
import { exportStyleganArchive, importStyleganArchive } from '../../electron/services/exchange/stylegan-archive';
import { readZip } from '../../electron/services/exchange/zip';
import { listImages } from '../../electron/services/images';
import { setLabel } from '../../electron/services/labels';
import { Studio } from '../../electron/services/studio';
import { smallPortraits, tempDir } from '../helpers';

function newStudio(base: string, t: Parameters<typeof tempDir>[0]) {
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  return studio;
}

test('a labelled collection exports as a StyleGAN2-ADA archive and comes back as a labelled collection', async (t) => {
  const base = tempDir(t);
  const studio = newStudio(base, t);
  await studio.createProject('Out');
  const { collectionId } = await studio.startImport({ paths: [smallPortraits], collection: 'portraits' }).done;
  const project = studio.requireProject();
  const ids = listImages(project, { collectionId, status: 'ok', offset: 0, limit: 100 }).items.map((i) => i.id);
  setLabel(project, ids.slice(0, 10), 'category', 'death');
  setLabel(project, ids.slice(10), 'category', 'detained');
  const out = join(base, 'portraits-32.zip');
  const result = await exportStyleganArchive(project, { collectionId, resolution: 32, labelKey: 'category', out });
  assert.deepEqual([result.images, result.classes], [24, ['death', 'detained']]);

  const entries = readZip(readFileSync(out), out);
  const pngs = entries.filter((e) => e.name.endsWith('.png'));
  assert.equal(pngs.length, 24);
  assert.equal(pngs[0]!.name, '00000/img00000000.png');
  for (const e of pngs.slice(0, 3)) {
    const meta = await sharp(e.data).metadata();
    assert.deepEqual([meta.width, meta.height, meta.channels], [32, 32, 3]);
  }
  const json = JSON.parse(entries.find((e) => e.name === 'dataset.json')!.data.toString()) as { labels: [string, number][]; leporello: { classes: string[] } };
  assert.equal(json.labels.length, 24);
  assert.deepEqual(json.leporello.classes, ['death', 'detained']);
  assert.equal(json.labels.filter(([, c]) => c === 0).length, 10);
  assert.ok(json.labels.every(([name, c]) => pngs.some((p) => p.name === name) && (c === 0 || c === 1)));

  // Back in, in another project: the same number of images, the classes as labels, the entry as provenance.
  await studio.closeProject();
  await studio.createProject('Back');
  const summary = await importStyleganArchive(studio, out);
  assert.deepEqual([summary.imported, summary.rejected, summary.labelled], [24, 0, 24]);
  const back = studio.requireProject();
  const counts = back.db
    .prepare(
      "SELECT l.value, count(*) AS n FROM image_labels l JOIN label_keys k ON k.id = l.key_id WHERE k.name = 'category' GROUP BY l.value ORDER BY l.value",
    )
    .all();
  assert.deepEqual(counts, [
    { value: 'death', n: 10 },
    { value: 'detained', n: 14 },
  ]);
  const sources = back.db.prepare('SELECT source_path, archive FROM images ORDER BY source_path').all() as { source_path: string; archive: string }[];
  assert.deepEqual(
    sources.map((s) => s.source_path),
    json.labels.map(([name]) => `${out}:${name}`).sort(),
  );
  assert.ok(sources.every((s) => s.archive === 'portraits-32.zip'));
  assert.equal((back.db.prepare('SELECT name FROM collections').get() as { name: string }).name, 'portraits-32');
});

test('a damaged archive is refused naming the entry; an export without a label on every image says which are missing', async (t) => {
  const base = tempDir(t);
  const studio = newStudio(base, t);
  await studio.createProject('Damage');
  const { collectionId } = await studio.startImport({ paths: [smallPortraits], collection: 'portraits' }).done;
  const project = studio.requireProject();
  setLabel(project, [listImages(project, { collectionId, status: 'ok', offset: 0, limit: 1 }).items[0]!.id], 'category', 'death');
  await assert.rejects(
    exportStyleganArchive(project, { collectionId, resolution: 16, labelKey: 'category', out: join(base, 'x.zip') }),
    /23 images of "portraits" have no "category" label/,
  );
  await assert.rejects(exportStyleganArchive(project, { collectionId, resolution: 48, out: join(base, 'x.zip') }), /not a power of two/);
  const out = join(base, 'plain.zip');
  await exportStyleganArchive(project, { collectionId, resolution: 16, out });
  const bytes = readFileSync(out);
  bytes[200] = bytes[200]! ^ 0xff; // inside the first PNG
  writeFileSync(out, bytes);
  await assert.rejects(importStyleganArchive(studio, out), /plain\.zip is not a ZIP archive Leporello can read: 00000\/img00000000\.png is damaged/);
  assert.equal((project.db.prepare("SELECT count(*) AS n FROM collections WHERE name = 'plain'").get() as { n: number }).n, 0, 'nothing imported');
});
