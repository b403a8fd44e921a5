// The latent tools through the CLI as a person runs them, on the imported sg2-tiny-32 StyleGAN2
// (W) and real portraits: latents from seeds, labels, a label's centroid, arithmetic, drawing,
// and projection of a labelled portrait, all stored in the project's database with their origin.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import sharp from 'sharp';
import { DATABASE_FILE } from '../../electron/services/projects/layout';
import { runCli, sharedData, smallPortraits, tempDir } from '../helpers';

const cli = runCli;

const close = (a: number[], b: number[]) => a.length === b.length && a.every((x, i) => Math.abs(x - b[i]!) < 1e-5);

test('latents: seeds, labels, centroids, arithmetic and drawing in W, stored with their origin', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  assert.equal(cli(base, 'project', 'create', project).code, 0);
  assert.equal(cli(base, 'import-network', project, join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl')).code, 0);
  const run = (...args: string[]) => {
    const r = cli(base, 'latents', project, '--network', 'sg2-tiny-32', '--backend', 'cpu', ...args, '--json');
    assert.equal(r.code, 0, r.stderr);
    return r.json();
  };

  const seeds = run('seeds', '3,5,8');
  assert.deepEqual(
    seeds.map((l: { id: number; kind: string; space: string; source: string }) => [l.id, l.kind, l.space, l.source]),
    [
      [1, 'sample', 'w', 'seed 3'],
      [2, 'sample', 'w', 'seed 5'],
      [3, 'sample', 'w', 'seed 8'],
    ],
  );
  assert.equal(seeds[0].vector.length, 64, "the network's w_dim");
  assert.equal(run('label', '1,2', 'expression=smiling').labelled, 2);
  const [centroid] = run('centroid', 'expression=smiling', '--name', 'smiling');
  assert.equal(centroid.kind, 'centroid');
  assert.equal(centroid.name, 'smiling');
  assert.deepEqual(centroid.detail.members, [1, 2]);
  const expected = seeds[0].vector.map((x: number, i: number) => (x + seeds[1].vector[i]) / 2);
  assert.ok(close(centroid.vector, expected), "the centroid is its members' mean");
  const [difference] = run('subtract', `${centroid.id},3`);
  assert.ok(
    close(
      difference.vector,
      centroid.vector.map((x: number, i: number) => x - seeds[2].vector[i]),
    ),
    'A − B',
  );
  assert.equal(difference.source, `#${centroid.id} − #3`);
  const [average] = run('truncate', '3', '--psi', '0');
  const [half] = run('truncate', '3', '--psi', '0.5');
  assert.ok(
    close(
      half.vector,
      average.vector.map((a: number, i: number) => (a + seeds[2].vector[i]) / 2),
    ),
    'ψ 0.5 is halfway to the average face',
  );

  const strip = join(base, 'strip.png');
  const drawn = run('draw', `1,2,${centroid.id}`, '--out', strip);
  assert.deepEqual([drawn.width, drawn.height], [96, 32]);
  assert.deepEqual([(await sharp(strip).metadata()).width, (await sharp(strip).metadata()).height], [96, 32]);

  // A looping path through three keyframes: its first frame is keyframe #1's face.
  const pathFile = join(base, 'path.png');
  const path = run('path', '1,2,3', '--frames', '6', '--loop', '--easing', 'smooth', '--out', pathFile);
  assert.deepEqual([path.frames, path.width, path.loop], [6, 192, true]);
  const first = await sharp(pathFile).extract({ left: 0, top: 0, width: 32, height: 32 }).raw().toBuffer();
  const keyframe = await sharp(strip).extract({ left: 0, top: 0, width: 32, height: 32 }).raw().toBuffer();
  assert.deepEqual(first, keyframe);
  const held = cli(base, 'latents', project, '--network', 'sg2-tiny-32', 'path', '1,2', '--frames', '4', '--hold', '2', '--out', join(base, 'held.png'));
  assert.equal(held.code, 1);
  assert.match(held.stderr, /holds of 2 frames at 2 keyframes leave no time to move/);

  const listed = run('list');
  assert.equal(listed.length, 7);
  assert.deepEqual(listed[0].labels, { expression: 'smiling' });

  // Clear refusals that change nothing.
  const missing = cli(base, 'latents', project, '--network', 'sg2-tiny-32', 'centroid', 'expression=frowning');
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /no latent of network:1 is labelled expression=frowning: label generated faces/);
  const unknown = cli(base, 'latents', project, '--network', 'sg2-tiny-32', 'label', '99', 'a=b');
  assert.match(unknown.stderr, /no latent #99/);
  assert.equal(run('list').length, 7);
});

test("project-image: a labelled portrait projected into W joins its label's centroid", async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const pictures = join(base, 'pictures');
  mkdirSync(pictures);
  for (const f of readdirSync(smallPortraits).sort().slice(0, 2)) copyFileSync(join(smallPortraits, f), join(pictures, f));
  assert.equal(cli(base, 'project', 'create', project).code, 0);
  assert.equal(cli(base, 'import', project, pictures, '--collection', 'portraits', '--label', 'expression=grave').code, 0);
  assert.equal(cli(base, 'import-network', project, join(sharedData, '..', 'fixtures', 'stylegan2', 'sg2-tiny-32.pkl')).code, 0);

  const comparison = join(base, 'projected.png');
  const r = cli(base, 'project-image', project, '--network', '1', '--image', '1', '--steps', '25', '--backend', 'wasm', '--out', comparison, '--json');
  assert.equal(r.code, 0, r.stderr);
  const result = r.json();
  assert.equal(result.latent.kind, 'projected');
  assert.equal(result.latent.imageId, 1);
  assert.equal(result.steps, 25);
  assert.ok(result.msssim > 0 && result.msssim < 1 && result.mse > 0, `distance reported: ${result.msssim}, ${result.mse}`);
  assert.deepEqual(result.latent.detail.steps, 25);
  assert.ok(result.featureDistance > 0 && result.latent.detail.featureDistance === result.featureDistance, 'the face-descriptor distance, reported and stored');
  assert.match(result.latent.detail.loss, /face-descriptor distance²/);
  assert.match(r.stderr, /projecting image #1: step 25 of 25, loss [\d.]+, 0(\.0)? s left/);
  assert.equal((await sharp(comparison).metadata()).width, 32);

  const centroid = cli(base, 'latents', project, '--network', '1', 'centroid', 'expression=grave', '--backend', 'cpu', '--json');
  assert.equal(centroid.code, 0, centroid.stderr);
  assert.deepEqual(centroid.json()[0].detail.members, [result.latent.id], "the portrait's label makes its projection a member");

  const bad = cli(base, 'project-image', project, '--network', '1', '--image', '42');
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no image #42/);
  // A picture damaged on disk after import: named, with what to do, and nothing stored.
  const db = new Database(join(project, DATABASE_FILE), { readonly: true });
  const { original_path: original } = db.prepare('SELECT original_path FROM images WHERE id = 1').get() as { original_path: string };
  db.close();
  writeFileSync(join(project, original), 'not a picture');
  const damaged = cli(base, 'project-image', project, '--network', '1', '--image', '1', '--steps', '2');
  assert.equal(damaged.code, 1);
  assert.match(damaged.stderr, /cannot read image #1 \(.*\): .*Re-import the picture/);
  assert.equal(cli(base, 'latents', project, '--network', '1', 'list', '--json').json().length, 2, 'the projection and its centroid, nothing more');
});

test('latents in Z: a DCGAN run trained on real portraits, its seeds, a path and a projected portrait', async (t) => {
  const base = tempDir(t);
  const project = join(base, 'p');
  const pictures = join(base, 'pictures');
  mkdirSync(pictures);
  for (const f of readdirSync(smallPortraits).sort().slice(0, 8)) copyFileSync(join(smallPortraits, f), join(pictures, f));
  assert.equal(cli(base, 'project', 'create', project).code, 0);
  assert.equal(cli(base, 'import', project, pictures, '--collection', 'portraits').code, 0);
  assert.equal(cli(base, 'dataset', 'create', project, '--collection', 'portraits', '--resolution', '16', '--grayscale').code, 0);
  const trained = cli(
    base,
    'train',
    project,
    '--dataset',
    'portraits-16-gray',
    '--arch',
    'dcgan',
    '--epochs',
    '1',
    '--batch',
    '4',
    '--backend',
    'cpu',
    '--width',
    '4',
    '--witnesses',
    '4',
    '--json',
  );
  assert.equal(trained.code, 0, trained.stderr);

  const seeds = cli(base, 'latents', project, '--run', '1', 'seeds', '1,2', '--backend', 'cpu', '--json');
  assert.equal(seeds.code, 0, seeds.stderr);
  // Latents belong to the run at its last checkpoint: run:<run>:<checkpoint>.
  for (const l of seeds.json()) {
    assert.equal(l.space, 'z');
    assert.match(l.generator, /^run:1:\d+$/);
  }
  const pathFile = join(base, 'path.png');
  const ids = seeds
    .json()
    .map((l: { id: number }) => l.id)
    .join(',');
  const path = cli(base, 'latents', project, '--run', '1', 'path', ids, '--frames', '5', '--out', pathFile, '--backend', 'cpu', '--json');
  assert.equal(path.code, 0, path.stderr);
  const meta = await sharp(pathFile).metadata();
  assert.deepEqual([meta.width, meta.height], [80, 16]);

  const projected = cli(base, 'project-image', project, '--run', '1', '--image', '3', '--steps', '10', '--backend', 'cpu', '--json');
  assert.equal(projected.code, 0, projected.stderr);
  assert.deepEqual([projected.json().latent.space, projected.json().latent.imageId, projected.json().steps], ['z', 3, 10]);
});
