// The perceptual features projection compares: face-api's descriptors, computed on the engine's
// TensorFlow.js from [−1, 1] pictures. Real portraits: the same face shifted and lightened stays
// closer than another person; the gradient reaches the pixels; and a projection into the imported
// sg2-tiny-32 that weighs the descriptor distance ends closer to the portrait's descriptor than one
// that leaves it out.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import sharp from 'sharp';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { loadFaceFeatures } from '../../electron/engine/latent/face-features';
import { project } from '../../electron/engine/latent/projection';
import { sg2TinyGenerator } from '../sg2-fixture';
import { smallPortraits } from '../helpers';

/** A portrait as [1, size, size, 3] in [−1, 1], centre-cropped; `shift` moves the crop, `light` adds brightness. */
async function portrait(file: string, size: number, shift = 0, light = 0): Promise<tf.Tensor4D> {
  const meta = await sharp(file).metadata();
  const side = Math.min(meta.width!, meta.height!) - 8;
  const raw = await sharp(file)
    .extract({ left: Math.floor((meta.width! - side) / 2) + shift, top: Math.floor((meta.height! - side) / 2), width: side, height: side })
    .resize(size, size)
    .removeAlpha()
    .raw()
    .toBuffer();
  return tf.tidy(() => tf.clipByValue(tf.add(tf.sub(tf.div(tf.tensor4d(Float32Array.from(raw), [1, size, size, 3]), 127.5), 1), light), -1, 1) as tf.Tensor4D);
}

const files = readdirSync(smallPortraits)
  .sort()
  .map((f) => join(smallPortraits, f));

test('face descriptors: the same portrait moved and lightened stays closer than another person, and the gradient reaches the pixels', async () => {
  await selectBackend('wasm');
  const features = await loadFaceFeatures();
  const [a, aMoved, b] = [await portrait(files[0]!, 128), await portrait(files[0]!, 128, 4, 0.1), await portrait(files[5]!, 128)];
  const d = tf.tidy(() => {
    const [fa, fm, fb] = [features(a), features(aMoved), features(b)];
    return tf.stack([tf.norm(tf.sub(fa, fm)), tf.norm(tf.sub(fa, fb))]);
  });
  const [same, other] = await d.data();
  assert.equal(features(a).shape[1], 128);
  assert.ok(same! < other!, `same face ${same} closer than another ${other}`);
  const grad = tf.grad((x: tf.Tensor) => tf.sum(tf.square(tf.sub(features(x as tf.Tensor4D), features(b)))))(a);
  assert.ok((await tf.max(tf.abs(grad)).data())[0]! > 0, 'a gradient with respect to the pixels');
  tf.dispose([a, aMoved, b, d, grad]);
});

test('projection with the descriptor term ends closer to the portrait, as a face, than without it', async () => {
  await selectBackend('wasm');
  const features = await loadFaceFeatures();
  const target = await portrait(files[2]!, 32);
  const distances: number[] = [];
  for (const featureWeight of [0, 4]) {
    const generator = sg2TinyGenerator();
    const result = await project(generator, target, { steps: 30, learningRate: 0.05, perceptualWeight: 1, starts: 4, features, featureWeight });
    // Measured the same way for both: the descriptor distance of the final drawing.
    const d = tf.tidy(() =>
      tf.norm(tf.sub(features(tf.clipByValue(generator.draw(tf.tensor2d([Array.from(result.latent)])), -1, 1) as tf.Tensor4D), features(target))),
    );
    distances.push((await d.data())[0]!);
    if (featureWeight) assert.ok(Math.abs(result.featureDistance! - distances[1]!) < 1e-3, 'the reported distance is the descriptor distance');
    d.dispose();
    generator.dispose();
  }
  // Measured 0.59 without the term and 0.43 with it.
  assert.ok(distances[1]! < 0.9 * distances[0]!, `with the term ${distances[1]}, without ${distances[0]}`);
  target.dispose();
});
