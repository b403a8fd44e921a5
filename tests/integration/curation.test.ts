// Curation on real portraits: faces and landmarks found offline, checked against hand-placed
// pupil positions (expressions204/neutral/*.tem), FFHQ-style alignment, pictures without a face,
// and a pass that resumes where it was cancelled.
import assert from 'node:assert/strict';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import sharp from 'sharp';
import { EventBus } from '../../electron/api/event-bus';
import { selectBackend } from '../../electron/engine/backends';
import { cropPoint, type AlignQuad, type Point } from '../../electron/formats/faces/align';
import { curateCollection } from '../../electron/services/curation/curate-job';
import { forkNodeEngine } from '../../electron/services/engine-host/engine-launcher';
import { placeFaceByHand } from '../../electron/services/curation/manual-crop';
import { findDuplicates, keepOne } from '../../electron/services/curation/duplicates';
import { flaggedFaces, getThresholds, setThresholds, TINTED } from '../../electron/services/curation/quality';
import { measureMissingTints } from '../../electron/services/curation/tints';
import { listFaces } from '../../electron/services/curation/faces';
import { setAsidePictures } from '../../electron/services/curation/faceless-pictures';
import { createDataset } from '../../electron/services/datasets/datasets';
import { contract } from '../../shared/contract';
import { Studio } from '../../electron/services/studio';
import { repoRoot, sharedData, tempDir } from '../helpers';

const neutral = join(sharedData, 'expressions204', 'neutral');
/** The first ten neutral portraits (512 px) and their hand-placed pupils, in 512-px coordinates. */
const people = readdirSync(neutral)
  .filter((f) => f.endsWith('.jpg'))
  .sort()
  .slice(0, 10);
function pupils(jpg: string): [Point, Point] {
  const lines = readFileSync(join(neutral, jpg.replace(/\.jpg$/, '.tem')), 'utf8')
    .trim()
    .split('\n');
  const at = (line: string): Point =>
    line
      .trim()
      .split(/\s+/)
      .map((v) => (Number(v) * 512) / 1350) as Point;
  return [at(lines[1]!), at(lines[2]!)];
}

before(async () => {
  await selectBackend('wasm', 'sample');
});

async function studioWith(t: Parameters<typeof tempDir>[0], files: string[]) {
  const base = tempDir(t);
  const studio = new Studio({ home: join(base, 'home'), projectsRoot: join(base, 'projects'), shell: 'browser', events: new EventBus() });
  t.after(() => studio.closeProject());
  await studio.createProject('Curation');
  const { collectionId } = await studio.startImport({ paths: files, collection: 'faces' }).done;
  return { base, studio, project: studio.requireProject(), collectionId };
}

interface FaceRow {
  image_id: number;
  source_path: string;
  landmarks: Buffer;
  quad: string;
  aligned_path: string;
  aligned_size: number;
  pass: string;
}

function faceRows(project: ReturnType<Studio['requireProject']>): FaceRow[] {
  return project.db.prepare('SELECT f.*, i.source_path FROM faces f JOIN images i ON i.id = f.image_id ORDER BY f.image_id, f.position').all() as FaceRow[];
}

test('faces are found in the portraits, their eye landmarks sit on the hand-placed pupils, and the aligned crops put the pupils in one place', async (t) => {
  const { project, collectionId } = await studioWith(
    t,
    people.map((f) => join(neutral, f)),
  );
  const summary = await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 256 });
  assert.deepEqual([summary.done, summary.faces, summary.noFace, summary.failed], [10, 10, 0, 0]);
  const rows = faceRows(project);
  const inCrop: Point[][] = [];
  for (const row of rows) {
    const jpg = row.source_path.split('/').pop()!;
    const [left, right] = pupils(jpg);
    const interocular = Math.hypot(right[0] - left[0], right[1] - left[1]);
    const lm = new Float32Array(row.landmarks.buffer.slice(row.landmarks.byteOffset, row.landmarks.byteOffset + row.landmarks.byteLength));
    const eye = (from: number): Point => {
      let [x, y] = [0, 0];
      for (let i = from; i < from + 6; i++) [x, y] = [x + lm[2 * i]! / 6, y + lm[2 * i + 1]! / 6];
      return [x, y];
    };
    for (const [found, truth] of [
      [eye(36), left],
      [eye(42), right],
    ] as const) {
      const error = Math.hypot(found[0] - truth[0], found[1] - truth[1]) / interocular;
      assert.ok(error < 0.06, `${jpg}: eye landmarks ${(error * 100).toFixed(1)} % of the interocular distance from the pupil`);
    }
    assert.equal(row.aligned_size, 256);
    assert.equal((await sharp(join(project.dir, row.aligned_path)).metadata()).width, 256);
    const quad = JSON.parse(row.quad) as AlignQuad;
    inCrop.push([cropPoint(quad, 256, left), cropPoint(quad, 256, right)]);
  }
  // In the aligned crops the true pupils fall within a few percent of one canonical position each, level.
  for (const side of [0, 1]) {
    const mean = [0, 1].map((k) => inCrop.reduce((s, p) => s + p[side]![k]!, 0) / inCrop.length);
    for (const p of inCrop) assert.ok(Math.hypot(p[side]![0] - mean[0]!, p[side]![1] - mean[1]!) / 256 < 0.03, `pupil at ${p[side]} vs canonical ${mean}`);
  }
  for (const p of inCrop) assert.ok(Math.abs(p[0]![1] - p[1]![1]) / 256 < 0.02, 'the eyes are level');
});

test('a tilted copy of a portrait aligns back upright; a picture without a face is reported and the rest go on', async (t) => {
  const base = tempDir(t);
  const original = join(neutral, people[0]!);
  const tilted = join(base, 'tilted.png');
  await sharp(original).rotate(20, { background: '#808080' }).png().toFile(tilted);
  const blank = join(base, 'blank.png');
  await sharp({ create: { width: 300, height: 300, channels: 3, background: '#9a8c7a' } })
    .png()
    .toFile(blank);
  const { project, collectionId } = await studioWith(t, [original, tilted, blank]);
  const summary = await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 256 });
  assert.deepEqual([summary.done, summary.faces, summary.noFace], [3, 2, 1]);
  assert.equal(summary.problems.length, 1);
  assert.match(summary.problems[0]!.source, /blank\.png$/);
  assert.match(summary.problems[0]!.reason, /no face found, even on the picture made grey, contrast-stretched and padded: place the crop by hand/);
  const state = project.db.prepare("SELECT count(*) AS n FROM image_curation WHERE state = 'no_face'").get() as { n: number };
  assert.equal(state.n, 1);
  // The curator places the blank picture's crop by hand: eyes level 100 px apart, mouth 100 px below.
  const blankId = summary.problems[0]!.imageId;
  await assert.rejects(
    placeFaceByHand(project, { imageId: blankId, leftEye: [100, 100], rightEye: [100, 100], mouth: [150, 200], masterSize: 256 }),
    /the two eyes are on the same spot/,
  );
  const placed = await placeFaceByHand(project, { imageId: blankId, leftEye: [100, 100], rightEye: [200, 100], mouth: [150, 200], masterSize: 256 });
  const manual = project.db.prepare('SELECT source, descriptor, aligned_size, quad FROM faces WHERE id = ?').get(placed) as {
    source: string;
    descriptor: null;
    aligned_size: number;
    quad: string;
  };
  assert.deepEqual([manual.source, manual.descriptor, manual.aligned_size], ['manual', null, 256]);
  assert.equal((JSON.parse(manual.quad) as AlignQuad).side, 400, 'side max(4 · 100, 3.6 · 100)');
  assert.equal((project.db.prepare('SELECT state FROM image_curation WHERE image_id = ?').get(blankId) as { state: string }).state, 'faces');
  // The two crops show the same face the same way up: compare them pixel by pixel.
  const [a, b] = faceRows(project).filter((r) => !r.source_path.endsWith('blank.png'));
  const pixels = async (row: FaceRow) => sharp(join(project.dir, row.aligned_path)).greyscale().resize(64, 64).raw().toBuffer();
  const [pa, pb] = [await pixels(a!), await pixels(b!)];
  let diff = 0;
  for (let i = 0; i < pa.length; i++) diff += Math.abs(pa[i]! - pb[i]!);
  assert.ok(diff / pa.length < 12, `mean difference ${(diff / pa.length).toFixed(1)} grey levels between the upright and the tilted portrait's crops`);
});

test('a cancelled pass resumes where it stopped and never redoes a picture; a small face is not upscaled', async (t) => {
  const base = tempDir(t);
  mkdirSync(join(base, 'small'));
  // One portrait shrunk so that its face spans about 100 px: aligned at that size, not at 256.
  await sharp(join(neutral, people[1]!))
    .resize(160)
    .toFile(join(base, 'small', 'small.jpg'));
  const files = [...people.slice(2, 6).map((f) => join(neutral, f)), join(base, 'small', 'small.jpg')];
  const { project, collectionId } = await studioWith(t, files);
  const controller = new AbortController();
  const first = await curateCollection(project, forkNodeEngine, {
    backend: 'auto',
    collectionId,
    masterSize: 256,
    signal: controller.signal,
    onProgress: (p) => p.done === 2 && controller.abort(),
  });
  assert.equal(first.cancelled, true);
  assert.equal(first.done, 2);
  const second = await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 256 });
  assert.deepEqual([second.skipped, second.done, second.cancelled], [2, 3, false]);
  const rows = faceRows(project);
  assert.equal(rows.length, 5, 'one face per picture, none twice');
  const small = rows.find((r) => r.source_path.endsWith('small.jpg'))!;
  assert.ok(small.aligned_size < 256 && small.aligned_size > 50, `aligned at ${small.aligned_size} px`);
  assert.match(JSON.parse(small.quad).limitedBy, /aligned at \d+ px, not upscaled to 256/);
  const third = await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 256 });
  assert.deepEqual([third.skipped, third.done], [5, 0]);
});

test('a re-scanned portrait clusters with its original, not with the same person smiling nor with anyone else; a copy in which no face is found joins by the whole picture; keeping one resolves each', async (t) => {
  const base = tempDir(t);
  const smiling = join(sharedData, 'expressions204', 'smiling');
  const ids = people.slice(0, 4).map((f) => f.slice(0, 3));
  // A cutting scanned twice: cropped by a few percent, shrunk, recompressed.
  const rescan = join(base, 'rescan-of-001.jpg');
  await sharp(join(neutral, `${ids[0]}_03.jpg`))
    .extract({ left: 20, top: 14, width: 480, height: 490 })
    .resize(360)
    .jpeg({ quality: 55 })
    .toFile(rescan);
  // An archival picture in which the finder sees no face, and a tighter crop of it (10 % off the left, 6 % off the top).
  const faceless = join(sharedData, 'portraits600', '004523.jpg');
  const { width = 0, height = 0 } = await sharp(faceless).metadata();
  const croppedCopy = join(base, 'crop-of-004523.jpg');
  await sharp(faceless)
    .extract({
      left: Math.round(width * 0.1),
      top: Math.round(height * 0.06),
      width: width - Math.round(width * 0.1),
      height: height - Math.round(height * 0.06),
    })
    .jpeg({ quality: 85 })
    .toFile(croppedCopy);
  const files = [...ids.map((id) => join(neutral, `${id}_03.jpg`)), ...ids.map((id) => join(smiling, `${id}_08.jpg`)), rescan, faceless, croppedCopy];
  const { project, collectionId } = await studioWith(t, files);
  await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 256 });
  const found = await findDuplicates(project, collectionId);
  const imagesOf = (c: (typeof found)[number]) => [...c.faces.map((f) => f.source), ...c.pictures.map((p) => p.source)].map((s) => s.split('/').pop()).sort();
  assert.equal(found.length, 2, JSON.stringify(found.map(imagesOf)));
  // The archival pair: no face matched in it, so it is joined by the whole picture.
  const byPicture = found.find((c) => imagesOf(c).includes('004523.jpg'))!;
  assert.deepEqual(imagesOf(byPicture), ['004523.jpg', 'crop-of-004523.jpg']);
  assert.ok(byPicture.pictures.length >= 1 && byPicture.picturePairs.length === 1, JSON.stringify(byPicture));
  const clusters = found.filter((c) => c !== byPicture);
  const [cluster] = clusters;
  assert.deepEqual(cluster!.faces.map((f) => f.source.split('/').pop()).sort(), [`${ids[0]}_03.jpg`, 'rescan-of-001.jpg']);
  // The suggested keeper is the larger original, not the shrunk re-scan.
  const keeper = cluster!.faces.find((f) => f.faceId === cluster!.keeper)!;
  assert.match(keeper.source, /_03\.jpg$/);
  assert.equal(
    keepOne(
      project,
      cluster!.keeper!,
      cluster!.faces.map((f) => f.faceId),
    ).excluded,
    1,
  );
  const excluded = project.db.prepare("SELECT f.reason, i.source_path FROM faces f JOIN images i ON i.id = f.image_id WHERE f.status = 'excluded'").all() as {
    reason: string;
    source_path: string;
  }[];
  assert.equal(excluded.length, 1);
  assert.match(excluded[0]!.source_path, /rescan-of-001\.jpg$/);
  assert.match(excluded[0]!.reason, new RegExp(`near-duplicate of face #${cluster!.keeper} \\(.*${ids[0]}_03\\.jpg\\)`));
  assert.deepEqual(
    (await findDuplicates(project, collectionId)).map(imagesOf),
    [imagesOf(byPicture)],
    'an excluded face is no longer clustered, by face or by picture',
  );
  // Resolving the archival pair: the copy leaves the to-do list (set aside, or its stray face excluded).
  if (byPicture.keeper !== null) {
    const kept = keepOne(
      project,
      byPicture.keeper,
      byPicture.faces.map((f) => f.faceId),
      byPicture.pictures.map((p) => p.imageId),
    );
    assert.equal(kept.excluded + kept.setAside, 1);
  } else {
    const [first, ...copies] = [...byPicture.pictures].sort((a, b) => a.imageId - b.imageId);
    assert.equal(
      setAsidePictures(
        project,
        copies.map((p) => p.imageId),
        `near-duplicate of picture #${first!.imageId}`,
      ),
      1,
    );
  }
  assert.deepEqual(await findDuplicates(project, collectionId), [], 'both clusters resolved');
  // A dataset of the curated collection is made of the kept faces' aligned crops: the re-scan is left out.
  const dataset = await createDataset(project, contract['datasets.create'].request.parse({ collectionId, resolution: 32 }));
  // The eight sitters' faces, and the archival pair's one kept face if the finder saw one in it.
  const archivalFaces = (
    project.db
      .prepare("SELECT count(*) AS n FROM faces f JOIN images i ON i.id = f.image_id WHERE f.status = 'kept' AND i.source_path LIKE '%004523.jpg'")
      .get() as {
      n: number;
    }
  ).n;
  assert.ok(archivalFaces <= 1);
  assert.equal(dataset.imageCount, 8 + archivalFaces);
  const packed = readFileSync(join(project.dir, dataset.path, 'images.u8'));
  const first = project.db
    .prepare("SELECT f.aligned_path FROM faces f JOIN images i ON i.id = f.image_id WHERE f.status = 'kept' ORDER BY i.source_path COLLATE NOCASE LIMIT 1")
    .get() as { aligned_path: string };
  const expected = await sharp(join(project.dir, first.aligned_path)).resize(32, 32, { kernel: 'lanczos3' }).toColourspace('srgb').raw().toBuffer();
  assert.deepEqual(packed.subarray(0, 32 * 32 * 3), expected, 'the first item is the first kept face, aligned');
});

test('a toned print is not flagged as colour however strong its tint, a colour photograph among grey prints is, and older faces are measured', async (t) => {
  // The sample's 64 congress portraits: most faces grey, the rest sepia or green-tinted; beside
  // them one of them toned strongly green (a halftone's ink) and a colour photograph.
  const sample = join(repoRoot, 'resources', 'sample', 'portraits');
  const samples = readdirSync(sample).map((f) => join(sample, f));
  const green = join(tempDir(t), 'green-halftone.png');
  // sharp applies greyscale after tint in one pipeline: the grey print first, then its ink.
  await sharp(await sharp(samples[0]!).greyscale().toBuffer())
    .tint({ r: 40, g: 150, b: 70 })
    .toColourspace('srgb')
    .toFile(green);
  // A colour photograph printed vividly (expressions204's own faces sit under the 4× chroma bar).
  const colourPhoto = join(tempDir(t), 'colour-photograph.png');
  await sharp(join(neutral, people[3]!)).modulate({ saturation: 1.8 }).toFile(colourPhoto);
  const { project, collectionId } = await studioWith(t, [...samples, green, colourPhoto]);
  await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 64 });
  const faces = project.db
    .prepare('SELECT f.id, i.source_path AS source, f.colourfulness AS chroma, f.hue_coherence AS coherence FROM faces f JOIN images i ON i.id = f.image_id')
    .all() as { id: number; source: string; chroma: number; coherence: number }[];
  const sepia = faces.filter((f) => f.chroma >= 12 && f.chroma < 24).length;
  assert.ok(sepia >= 5, `sepia-toned faces among grey ones: ${faces.map((f) => f.chroma.toFixed(0)).join(' ')}`);
  const of = (name: string) => faces.find((f) => f.source.endsWith(name))!;
  // The green print is as chromatic as the colour photograph, but of one hue.
  assert.ok(of('green-halftone.png').chroma >= 24, String(of('green-halftone.png').chroma));
  assert.ok(of('green-halftone.png').coherence >= TINTED, String(of('green-halftone.png').coherence));
  assert.ok(of('colour-photograph.png').chroma >= 24 && of('colour-photograph.png').coherence < TINTED, JSON.stringify(of('colour-photograph.png')));

  const flagged = flaggedFaces(project, collectionId);
  const colour = flagged.filter((f) => f.kinds.includes('colour'));
  assert.deepEqual(
    colour.map((f) => f.source.split('/').pop()),
    ['colour-photograph.png'],
    'the colour photograph, and no toned print',
  );
  assert.deepEqual(colour[0]!.reasons, ['in colour in a collection of grey or toned prints']);

  // A project curated before hue coherence was measured: its faces are measured from their crops
  // when flags are next asked for, to the same numbers, and flag the same.
  project.db.prepare('UPDATE faces SET hue_coherence = NULL').run();
  assert.equal(await measureMissingTints(project, collectionId), faces.length);
  for (const f of faces) {
    const again = (project.db.prepare('SELECT hue_coherence AS c FROM faces WHERE id = ?').get(f.id) as { c: number }).c;
    assert.ok(Math.abs(again - f.coherence) < 1e-9, `${f.source}: ${again} measured again, ${f.coherence} at curation`);
  }
  assert.equal(await measureMissingTints(project, collectionId), 0, 'nothing left to measure');
  assert.deepEqual(flaggedFaces(project, collectionId), flagged);
});

test("quality flags name small, blurred, grey and oddly shaped pictures by the curator's thresholds, and hide nothing", async (t) => {
  const base = tempDir(t);
  const colour = join(neutral, people[6]!);
  const files = {
    blurred: join(base, 'blurred.png'),
    grey: join(base, 'grey.png'),
    wide: join(base, 'wide.png'),
    small: join(base, 'small.png'),
  };
  await sharp(join(neutral, people[7]!)).blur(6).toFile(files.blurred);
  await sharp(join(neutral, people[8]!)).greyscale().toFile(files.grey);
  await sharp(join(neutral, people[9]!)).extend({ left: 600, right: 600, background: '#aaaaaa' }).toFile(files.wide);
  await sharp(join(neutral, people[5]!)).resize(150).toFile(files.small);
  const { project, collectionId } = await studioWith(t, [colour, ...Object.values(files)]);
  await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 128 });
  const sharpness = project.db.prepare('SELECT i.source_path, f.sharpness FROM faces f JOIN images i ON i.id = f.image_id').all() as {
    source_path: string;
    sharpness: number;
  }[];
  const of = (name: string) => sharpness.find((s) => s.source_path.endsWith(name))!.sharpness;
  assert.ok(of('blurred.png') < of(people[6]!) / 5, `blurred ${of('blurred.png')} vs sharp ${of(people[6]!)}`);

  const thresholds = setThresholds(project, { minFacePx: 90, minSharpness: of(people[6]!) / 5, maxAspect: 2 });
  const flagged = flaggedFaces(project, collectionId, thresholds);
  const reasons = (name: string) => flagged.find((f) => f.source.endsWith(name))?.reasons.join('; ') ?? '';
  assert.match(reasons('blurred.png'), /^blurred: sharpness \d+, under \d+/);
  assert.equal(reasons('grey.png'), 'grey in a collection mostly in colour');
  assert.match(reasons('wide.png'), /picture of extreme aspect 3\.3:1, over 2:1/);
  assert.match(reasons('small.png'), /face is \d+ px in its source, under 90/);
  assert.equal(reasons(people[6]!), '', 'the good portrait is not flagged');
  // Each reason has its kind; the curation view counts and filters by it.
  assert.deepEqual(flagged.find((f) => f.source.endsWith('grey.png'))!.kinds, ['colour']);
  const byBlur = listFaces(project, { collectionId, filter: 'flagged', flag: 'blurred' });
  assert.deepEqual(
    byBlur.items.map((f) => f.source.split('/').pop()),
    ['blurred.png'],
  );
  assert.ok(byBlur.items[0]!.flagKinds.includes('blurred'));
  assert.ok(byBlur.counts.byFlag.some((k) => k.kind === 'aspect' && k.faces === 1));
  assert.ok(
    flagged.every((f) => f.status === 'kept'),
    'flags exclude nothing',
  );
  // A face found only on the detector's second look is flagged for a check.
  project.db
    .prepare("UPDATE faces SET pass = 'tiny-low', score = 0.34 WHERE image_id = (SELECT id FROM images WHERE source_path LIKE ?)")
    .run(`%${people[6]!}`);
  assert.match(
    flaggedFaces(project, collectionId, thresholds)
      .find((f) => f.source.endsWith(people[6]!))!
      .reasons.join(),
    /found only on a second look \(confidence 0\.34\): check that it is a face/,
  );
  // The thresholds are the project's: read back, and loosened, fewer faces are flagged.
  assert.deepEqual(getThresholds(project), thresholds);
  const loose = flaggedFaces(project, collectionId, setThresholds(project, { minFacePx: 10, minSharpness: 0, greyBelow: 0, maxAspect: 10 }));
  assert.ok(
    loose.length >= 1 && loose.every((f) => f.reasons.every((r) => /second look/.test(r))),
    'only the second-look flags remain: ' + JSON.stringify(loose.map((f) => f.reasons)),
  );
  assert.throws(() => setThresholds(project, { minFacePx: -1 }), /minFacePx must be a number of at least 0/);
});

test('a picture whose original cannot be read is recorded with why and what to do; the pass goes on', async (t) => {
  const { project, collectionId } = await studioWith(t, [join(neutral, people[0]!), join(neutral, people[1]!)]);
  const lost = project.db.prepare("SELECT original_path, source_path FROM images WHERE status = 'ok' ORDER BY id LIMIT 1").get() as {
    original_path: string;
    source_path: string;
  };
  rmSync(join(project.dir, lost.original_path));
  const summary = await curateCollection(project, forkNodeEngine, { backend: 'auto', collectionId, masterSize: 128 });
  assert.deepEqual([summary.done, summary.faces, summary.failed], [2, 1, 1]);
  assert.equal(summary.problems[0]!.source, lost.source_path);
  assert.match(summary.problems[0]!.reason, /^could not be curated \(.+\): re-import the original or set the picture aside$/);
});
