// Pictures without a face, through the CLI as a curator meets them in the archival set: a tinted,
// close-cropped print the first look misses is found on the prepared picture (grey, stretched,
// padded) and placed back in the picture's own coordinates, flagged for a check; a profile the
// detector cannot find waits in "Without a face", is set aside with a reason and brought back; a
// picture that has a face cannot be set aside; --look-again looks at the waiting ones again.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import Database from 'better-sqlite3';
import { runCli, sharedData, tempDir } from '../helpers';

test('the second look finds a missed face in place; a faceless picture is set aside, brought back and looked at again', async (t) => {
  const base = tempDir(t);
  const cli = (...args: string[]) => runCli(base, ...args);
  const incoming = join(base, 'incoming');
  mkdirSync(incoming);
  // 000143: a green-tinted print the first look misses; 000449: a profile no pass finds.
  for (const f of ['000143.jpg', '000449.jpg', '000020.jpg']) copyFileSync(join(sharedData, 'portraits600', f), join(incoming, f));
  const project = join(base, 'p');
  for (const args of [
    ['project', 'create', project],
    ['import', project, incoming, '--collection', 'c'],
  ])
    assert.equal(cli(...args).code, 0);
  const curated = cli('curate', project, '--size', '128', '--json');
  assert.equal(curated.code, 0, curated.stderr);
  assert.deepEqual([curated.json().done, curated.json().noFace], [3, 1]);

  const db = new Database(join(project, 'leporello.sqlite'), { readonly: true });
  t.after(() => db.close());
  const face = db.prepare("SELECT f.pass, f.landmarks FROM faces f JOIN images i ON i.id = f.image_id WHERE i.source_path LIKE '%000143.jpg'").get() as {
    pass: string;
    landmarks: Buffer;
  };
  assert.match(face.pass, /^prepared/);
  // Its landmarks are in the picture's own frame (the padding taken off): the eyes lie inside it, in its upper half.
  const { width, height } = await sharp(join(incoming, '000143.jpg')).metadata();
  const lm = new Float32Array(face.landmarks.buffer.slice(face.landmarks.byteOffset, face.landmarks.byteOffset + face.landmarks.byteLength));
  for (const i of [36, 39, 42, 45]) {
    const [x, y] = [lm[2 * i]!, lm[2 * i + 1]!];
    assert.ok(x > 0 && x < width! && y > 0 && y < height! * 0.6, `eye point ${i} at ${x.toFixed(0)},${y.toFixed(0)} in ${width}×${height}`);
  }
  const flags = cli('flags', project, '--json');
  assert.match(
    JSON.stringify(flags.json()),
    /found only on the picture made grey, contrast-stretched and padded \(confidence 0\.\d\d\): check that it is a face/,
  );

  // The profile: listed, set aside with its reason, brought back.
  const id = (db.prepare("SELECT id FROM images WHERE source_path LIKE '%000449.jpg'").get() as { id: number }).id;
  const withFace = (db.prepare("SELECT id FROM images WHERE source_path LIKE '%000020.jpg'").get() as { id: number }).id;
  const listed = cli('faceless', project, '--json');
  assert.deepEqual(listed.json().counts, { waiting: 1, setAside: 0, olderDetector: 0 });
  assert.match(listed.json().pictures[0].reason, /no face found, even on the picture made grey, contrast-stretched and padded/);
  assert.match(cli('faceless', project, '--set-aside', String(id)).stderr, /--set-aside needs --reason/);
  const refused = cli('faceless', project, '--set-aside', `${id},${withFace}`, '--reason', 'profile');
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, new RegExp(`picture #${withFace} is not one in which curation found no face: exclude a face instead; nothing was changed`));
  const aside = cli('faceless', project, '--set-aside', String(id), '--reason', 'profile: no frontal face');
  assert.equal(aside.code, 0, aside.stderr);
  assert.match(aside.stdout, /^1 picture set aside\n0 without a face, waiting; 1 set aside\n.*000449\.jpg\tset aside: profile: no frontal face/s);
  // Set aside, it is not looked at again.
  assert.equal(cli('curate', project, '--size', '128', '--look-again', '--json').json().done, 0);
  assert.match(cli('faceless', project, '--bring-back', String(id)).stdout, /^1 picture brought back\n1 without a face, waiting; 0 set aside/);
  // Looked at by an older version of the detector, it is worth a look again, and the list says so.
  const writable = new Database(join(project, 'leporello.sqlite'));
  writable.prepare("UPDATE image_curation SET detector = 'face-api 1.0 ssd-mobilenet-v1' WHERE image_id = ?").run(id);
  writable.close();
  assert.match(cli('faceless', project).stdout, /1 of them were looked at by an older detector: "leporello curate <project> --look-again"/);
  const again = cli('curate', project, '--size', '128', '--look-again', '--json');
  assert.deepEqual([again.json().done, again.json().skipped, again.json().noFace], [1, 2, 1]);
  assert.equal(cli('faceless', project, '--json').json().counts.olderDetector, 0, 'looked at by this detector now');
});
