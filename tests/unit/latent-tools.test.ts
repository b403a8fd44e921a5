// The latent tools on real generators: arithmetic, keyframe paths, multi-scale SSIM, and projection
// of a drawn face back into W (the imported sg2-tiny-32 StyleGAN2) and into Z (a DCGAN).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { combine, euclidean, mean, truncate } from '../../shared/latent/arithmetic';
import { framePositions, latentAt } from '../../shared/latent/keyframes';
import { modelLatentGenerator, type LatentGenerator } from '../../electron/engine/latent/latent-generator';
import { multiScaleSsim, project } from '../../electron/engine/latent/projection';
import { buildDcgan } from '../../electron/engine/models/dcgan';
import { Rng } from '../../electron/engine/nn/rng';
import { sg2TinyGenerator } from '../sg2-fixture';

test('arithmetic: means, sums and differences, truncation; mismatched latents refused', () => {
  const a = [1, 2, 3];
  const b = [3, 2, -1];
  assert.deepEqual([...mean([a, b])], [2, 2, 1]);
  assert.deepEqual([...combine([a, b], [1, -1])], [-2, 0, 4]);
  assert.deepEqual([...combine([a, b, [1, 1, 1]], [1, 1, 0.5])], [4.5, 4.5, 2.5]);
  assert.deepEqual([...truncate(a, [0, 0, 1], 0.5)], [0.5, 1, 2]);
  assert.equal(euclidean([0, 3], [4, 0]), 5);
  assert.throws(() => mean([a, [1, 2]]), /different lengths \(3 and 2\)/);
  assert.throws(() => mean([]), /no latents/);
});

test('keyframe paths: frame counts, holds, easing, open ends and seamless loops', () => {
  const open = framePositions(3, { fps: 10, seconds: 2, easing: 'linear', loop: false, hold: 0 });
  assert.equal(open.length, 20);
  assert.deepEqual(open[0], { leg: 0, t: 0 });
  assert.deepEqual(open.at(-1), { leg: 1, t: 1 }, 'an open path ends on its last keyframe');
  assert.equal(open.filter((f) => f.leg === 0).length, 10);

  const loop = framePositions(3, { fps: 10, seconds: 3, easing: 'linear', loop: true, hold: 0 });
  assert.equal(loop.length, 30);
  assert.equal(loop.at(-1)!.leg, 2, 'a loop returns along a third leg');
  assert.ok(loop.at(-1)!.t < 1, 'and stops one step short of the first frame, so that it repeats without a doubled frame');
  const keys = [
    [0, 0],
    [10, 0],
    [10, 10],
  ];
  const seam = euclidean(latentAt(keys, loop.at(-1)!, 'w'), latentAt(keys, loop[0]!, 'w'));
  const usual = euclidean(latentAt(keys, loop.at(-2)!, 'w'), latentAt(keys, loop.at(-1)!, 'w'));
  assert.ok(Math.abs(seam - usual) < 1e-4 * usual, `the seam is one ordinary step of its leg (${seam} vs ${usual})`);

  const held = framePositions(2, { fps: 10, seconds: 2, easing: 'smooth', loop: false, hold: 0.5 });
  assert.equal(held.length, 20);
  assert.deepEqual(held.slice(0, 5), Array(5).fill({ leg: 0, t: 0 }), 'half a second still at the first keyframe');
  assert.deepEqual(held.slice(-5), Array(5).fill({ leg: 0, t: 1 }), 'and at the last');
  const moving = held.slice(5, 15).map((f) => f.t);
  assert.ok(moving[1]! - moving[0]! < moving[5]! - moving[4]!, 'smooth easing starts slowly');
  assert.throws(() => framePositions(2, { fps: 10, seconds: 1, easing: 'linear', loop: false, hold: 1 }), /no time to move/);
});

test('multi-scale SSIM: 1 for the same image, lower for a noisy one, lower still for another', async () => {
  await selectBackend('cpu');
  const rng = new Rng(5);
  const img = tf.tensor4d(
    Float32Array.from({ length: 2 * 32 * 32 * 3 }, (_, i) => 0.5 + 0.4 * Math.sin(i / 37)),
    [2, 32, 32, 3],
  );
  const noisy = tf.clipByValue(
    tf.add(
      img,
      tf.tensor4d(
        Float32Array.from({ length: 2 * 32 * 32 * 3 }, () => 0.1 * rng.normal()),
        [2, 32, 32, 3],
      ),
    ),
    0,
    1,
  ) as tf.Tensor4D;
  const other = tf.tensor4d(
    Float32Array.from({ length: 2 * 32 * 32 * 3 }, () => 0.5 + 0.25 * rng.normal()),
    [2, 32, 32, 3],
  );
  const same = await multiScaleSsim(img, img).data();
  const withNoise = await multiScaleSsim(img, noisy).data();
  const unrelated = await multiScaleSsim(img, other).data();
  for (let i = 0; i < 2; i++) {
    assert.ok(Math.abs(same[i]! - 1) < 1e-4, `identical: ${same[i]}`);
    assert.ok(withNoise[i]! < 0.99 && withNoise[i]! > unrelated[i]!, `noisy ${withNoise[i]} between unrelated ${unrelated[i]} and 1`);
  }
  tf.dispose([img, noisy, other]);
});

/** Draws seed 7's face, projects it back, and checks that the drawing of the result reproduces it. */
async function projectsItsOwnFace(generator: LatentGenerator, steps: number) {
  const [truth] = await generator.fromSeeds([7]);
  const target = tf.tidy(() => generator.draw(tf.tensor2d([Array.from(truth!)])));
  const progress: number[] = [];
  const result = await project(generator, target, { steps, learningRate: 0.05, perceptualWeight: 1, starts: 8, onProgress: (s) => void progress.push(s) });
  target.dispose();
  assert.deepEqual(
    progress,
    Array.from({ length: steps }, (_, i) => i + 1),
    'progress after every step',
  );
  assert.equal(result.latent.length, generator.dim);
  assert.ok(result.losses.at(-1)! < result.losses[0]! / 3, `the loss falls: ${result.losses[0]} → ${result.losses.at(-1)}`);
  return result;
}

test('projection into W: a face the StyleGAN2 drew is found again (sg2-tiny-32)', async () => {
  await selectBackend('wasm');
  const generator = sg2TinyGenerator();
  try {
    assert.equal(generator.space, 'w');
    const result = await projectsItsOwnFace(generator, 120);
    // The fixture's weights are random, not trained: its faces overshoot [−1, 1], which both
    // sides are clipped to for MS-SSIM (measured 0.85 after 120 steps, from 0.3 at the start).
    assert.ok(result.msssim > 0.75, `MS-SSIM ${result.msssim}`);
  } finally {
    generator.dispose();
  }
});

test('projection into Z: a face the DCGAN drew is found again', async () => {
  await selectBackend('wasm');
  const model = buildDcgan({ resolution: 16, channels: 3, zDim: 16, width: 8, maxChannels: 32 }, new Rng(3));
  const generator = modelLatentGenerator(model);
  try {
    assert.equal(generator.space, 'z');
    const result = await projectsItsOwnFace(generator, 150);
    assert.ok(result.msssim > 0.8, `MS-SSIM ${result.msssim}`);
  } finally {
    generator.dispose();
  }
});
