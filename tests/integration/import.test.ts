import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { basename, join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import type { ImportProgress } from '../../shared/contract';
import { EventBus } from '../../electron/api/event-bus';
import { listCollections } from '../../electron/services/collections';
import { getImage, listImages } from '../../electron/services/images';
import { listLabels } from '../../electron/services/labels';
import { Studio } from '../../electron/services/studio';
import { decompressionBombPng, smallPortraits, tempDir } from '../helpers';

function newStudio(t: Parameters<typeof tempDir>[0]) {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  return { studio, base };
}

const portraits = readdirSync(smallPortraits).sort();

/** A folder of real portraits with the ways real folders go wrong mixed in. */
function messyFolder(base: string): { dir: string; broken: Record<string, RegExp> } {
  const dir = join(base, 'incoming');
  mkdirSync(join(dir, 'nested', 'deeper'), { recursive: true });
  portraits.slice(0, 8).forEach((f) => copyFileSync(join(smallPortraits, f), join(dir, f)));
  portraits.slice(8, 12).forEach((f) => copyFileSync(join(smallPortraits, f), join(dir, 'nested', 'deeper', f)));
  // The same bytes under another name: an exact duplicate.
  copyFileSync(join(smallPortraits, portraits[0]!), join(dir, 'nested', 'copy-of-first.jpg'));
  const jpeg = readFileSync(join(smallPortraits, portraits[12]!));
  writeFileSync(join(dir, 'truncated.jpg'), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
  writeFileSync(join(dir, 'empty.jpg'), Buffer.alloc(0));
  writeFileSync(join(dir, 'notes.txt'), 'scanned at the county archive, box 12\n');
  writeFileSync(join(dir, 'bomb.png'), decompressionBombPng());
  execFileSync('mkfifo', [join(dir, 'pipe.jpg')]);
  writeFileSync(join(dir, '.DS_Store'), 'junk');
  return {
    dir,
    broken: {
      'truncated.jpg': /damaged or truncated image data/,
      'empty.jpg': /empty file \(0 bytes\)/,
      'notes.txt': /not an image/,
      'bomb.png': /20000×20000 \(400 megapixels\), over the 100 MP limit/,
      'pipe.jpg': /not a regular file/,
    },
  };
}

test('a messy folder imports its portraits and rejects each broken file with its reason', async (t) => {
  const { studio, base } = newStudio(t);
  const project = await studio.createProject('Messy');
  const { dir, broken } = messyFolder(base);
  // A link whose picture was moved away: rejected with its reason, the rest imported.
  const missing = join(dir, 'moved-away.jpg');
  symlinkSync(join(base, 'no-such-file.jpg'), missing);

  const progress: ImportProgress[] = [];
  studio.events.subscribe((m) => m.event === 'import.progress' && progress.push(m.payload as ImportProgress));
  const { done } = studio.startImport({ paths: [dir], collection: 'congress', labels: { era: '1830-1879' } });
  const summary = await done;

  assert.equal(summary.error, null);
  assert.equal(summary.imported, 12);
  assert.equal(summary.duplicates, 1);
  assert.equal(summary.rejected, Object.keys(broken).length + 1);
  assert.equal(summary.total, 12 + 1 + Object.keys(broken).length + 1, '.DS_Store is not counted');
  assert.equal(summary.done, summary.total);
  for (const [name, reason] of Object.entries(broken)) {
    const r = summary.rejections.find((x) => x.path.endsWith(name));
    assert.ok(r, `${name} rejected`);
    assert.match(r.reason, reason, name);
  }
  assert.match(summary.rejections.find((x) => x.path === missing)!.reason, /link target not found/);
  assert.deepEqual(
    summary.duplicatesFound.map((d) => d.duplicateOf),
    [join(dir, portraits[0]!)],
  );

  // Progress was reported while it ran, counting up to the total.
  assert.ok(progress.some((p) => p.phase === 'importing' && p.done < p.total));
  assert.equal(progress.at(-1)!.phase, 'done');

  // What is in the project: originals byte-identical under their hash, thumbnails, rows.
  const p = studio.requireProject();
  const ok = listImages(p, { status: 'ok', offset: 0, limit: 1000 });
  assert.equal(ok.total, 12);
  for (const tile of ok.items) {
    const rec = getImage(p, tile.id);
    const original = readFileSync(join(p.dir, rec.originalPath!));
    assert.deepEqual(original, readFileSync(rec.sourcePath), 'original copied byte for byte');
    assert.ok(rec.originalPath!.includes(rec.sha256!));
    assert.ok(statSync(join(p.dir, rec.thumbPath!)).size > 200, 'thumbnail written');
    assert.match(rec.phash!, /^[0-9a-f]{16}$/);
    assert.equal(rec.format, 'jpeg');
    assert.ok(rec.width! > 100 && rec.height! > 100);
    assert.equal(rec.archive, 'incoming');
    assert.deepEqual(rec.labels, { era: '1830-1879' });
  }
  const rejected = listImages(p, { status: 'rejected', offset: 0, limit: 100 });
  assert.equal(rejected.total, summary.rejected);
  assert.ok(rejected.items.every((r) => r.reason && r.thumbPath === null));
  const dup = listImages(p, { status: 'duplicate', offset: 0, limit: 100 }).items[0]!;
  assert.match(dup.reason!, /same bytes as/);
  assert.deepEqual(
    listCollections(p).map((c) => [c.name, c.counts]),
    [['congress', { ok: 12, rejected: 6, duplicate: 1 }]],
  );
  assert.deepEqual(listLabels(p), [{ key: 'era', values: [{ value: '1830-1879', count: 12 }] }]);
  // Under tmp/ only this process's own folder, and nothing in it.
  assert.deepEqual(readdirSync(join(p.dir, 'tmp')), [basename(p.tmpDir)]);
  assert.equal(readdirSync(p.tmpDir).length, 0, 'no temporary files left behind');
  assert.equal(project.imageCount, 0);
});

test('importing the same folder again adds nothing', async (t) => {
  const { studio, base } = newStudio(t);
  await studio.createProject('Twice');
  const { dir } = messyFolder(base);
  const first = await studio.startImport({ paths: [dir], collection: 'c' }).done;
  const count = () => (studio.requireProject().db.prepare('SELECT count(*) AS n FROM images').get() as { n: number }).n;
  const rowsAfterFirst = count();
  const files = readdirSync(join(studio.requireProject().dir, 'originals'), { recursive: true }).length;

  const second = await studio.startImport({ paths: [dir], collection: 'c' }).done;
  assert.equal(second.imported, 0);
  assert.equal(second.duplicates, 0);
  assert.equal(second.alreadyPresent, first.imported + first.duplicates);
  assert.equal(count(), rowsAfterFirst, 'no new rows');
  assert.equal(readdirSync(join(studio.requireProject().dir, 'originals'), { recursive: true }).length, files, 'no new files');
});

test('an import can be cancelled: it stops early and what it kept is whole', async (t) => {
  const { studio } = newStudio(t);
  await studio.createProject('Cancel');
  let cancelledAt = -1;
  let job: ReturnType<Studio['startImport']>['job'] | undefined = undefined;
  studio.events.subscribe((m) => {
    if (m.event === 'import.progress' && (m.payload as ImportProgress).done >= 2 && cancelledAt < 0) {
      cancelledAt = (m.payload as ImportProgress).done;
      job!.cancel();
    }
  });
  const started = studio.startImport({ paths: [smallPortraits], collection: 'c', concurrency: 1, progressIntervalMs: 0 });
  job = started.job;
  const summary = await started.done;
  assert.equal(summary.cancelled, true);
  assert.ok(summary.done < summary.total, `stopped at ${summary.done} of ${summary.total}`);
  const p = studio.requireProject();
  const kept = listImages(p, { offset: 0, limit: 100 }).items;
  assert.equal(kept.length, summary.imported);
  for (const k of kept) assert.ok(existsSync(join(p.dir, getImage(p, k.id).originalPath!)));
  assert.deepEqual(readdirSync(join(p.dir, 'tmp')), [basename(p.tmpDir)]);
  assert.equal(readdirSync(p.tmpDir).length, 0);
});

test('a second import while one runs is refused with what is running', async (t) => {
  const { studio } = newStudio(t);
  await studio.createProject('Busy');
  const first = studio.startImport({ paths: [smallPortraits], collection: 'c' });
  assert.throws(() => studio.startImport({ paths: [smallPortraits], collection: 'c' }), /an import is already running/);
  await first.done;
});

test('PNG, WebP, TIFF and the first frame of an animated GIF import; an SVG is refused with a hint', async (t) => {
  const { studio, base } = newStudio(t);
  await studio.createProject('Formats');
  const dir = join(base, 'formats');
  mkdirSync(dir);
  const portrait = sharp(readFileSync(join(smallPortraits, portraits[0]!)));
  await portrait.clone().png().toFile(join(dir, 'a.png'));
  await portrait.clone().webp().toFile(join(dir, 'b.webp'));
  await portrait.clone().tiff().toFile(join(dir, 'c.tif'));
  // Two frames of different sizes stacked as pages: the import must keep the first (white) one.
  const frame = (v: number) =>
    sharp({ create: { width: 40, height: 30, channels: 3, background: { r: v, g: v, b: v } } })
      .png()
      .toBuffer();
  await sharp([await frame(255), await frame(0)], { join: { animated: true } })
    .gif()
    .toFile(join(dir, 'd.gif'));
  writeFileSync(join(dir, 'e.svg'), '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><rect width="10" height="10"/></svg>');

  const summary = await studio.startImport({ paths: [dir], collection: 'formats' }).done;
  assert.equal(summary.imported, 4, JSON.stringify(summary.rejections));
  assert.match(summary.rejections[0]!.reason, /svg images are not supported \(it is a vector drawing; export it as PNG\)/);
  const p = studio.requireProject();
  const byName = new Map(listImages(p, { offset: 0, limit: 10 }).items.map((i) => [i.sourceName, getImage(p, i.id)]));
  assert.deepEqual(
    [...byName.values()]
      .filter((i) => i.status === 'ok')
      .map((i) => i.format)
      .sort(),
    ['gif', 'png', 'tiff', 'webp'],
  );
  const gif = byName.get('d.gif')!;
  assert.deepEqual([gif.width, gif.height], [40, 30], 'one frame, not the strip of frames');
  assert.ok(gif.originalPath!.endsWith('.gif'));
  const thumb = await sharp(join(p.dir, gif.thumbPath!)).raw().toBuffer({ resolveWithObject: true });
  assert.equal(thumb.info.height, 30);
  assert.ok(thumb.data[0]! > 240, 'the thumbnail shows the first (white) frame');
});

test('a file rejected once (cut short) and imported later leaves no stale rejection behind', async (t) => {
  const { studio, base } = newStudio(t);
  await studio.createProject('retry');
  const dir = join(base, 'retry');
  mkdirSync(dir);
  const good = readFileSync(join(smallPortraits, portraits[0]!));
  writeFileSync(join(dir, 'portrait.jpg'), good.subarray(0, 200));
  const first = await studio.startImport({ paths: [dir], collection: 'retry' }).done;
  assert.equal(first.rejected, 1);
  // The curator copies the whole file again and imports the folder once more.
  writeFileSync(join(dir, 'portrait.jpg'), good);
  const second = await studio.startImport({ paths: [dir], collection: 'retry' }).done;
  assert.equal(second.imported, 1);
  const p = studio.requireProject();
  assert.deepEqual(listImages(p, { status: 'rejected', offset: 0, limit: 10 }).total, 0, 'the rejection is gone');
  assert.equal(listImages(p, { offset: 0, limit: 10 }).total, 1);
});

test('a relative or missing path is refused before anything is recorded: no collection, no rejected image', async (t) => {
  const { studio, base } = newStudio(t);
  await studio.createProject('Paths');
  const project = studio.requireProject();
  assert.throws(
    () => studio.startImport({ paths: ['portraits'], collection: 'typo' }),
    /nothing was imported: "portraits" is a relative path: give the whole path, e\.g\. \/home\/you\/portraits or ~\/portraits/,
  );
  const missing = join(base, 'portrats');
  assert.throws(
    () => studio.startImport({ paths: [join(smallPortraits, portraits[0]!), missing], collection: 'typo' }),
    new RegExp(`nothing was imported: ${missing.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: path not found: check the spelling`),
  );
  assert.deepEqual(listCollections(project), [], 'no collection was created');
  assert.equal(listImages(project, { offset: 0, limit: 10 }).total, 0, 'nothing was recorded');
  // Spelled right, it imports.
  const summary = await studio.startImport({ paths: [join(smallPortraits, portraits[0]!)], collection: 'typo' }).done;
  assert.equal(summary.imported, 1);
});
