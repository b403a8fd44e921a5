// ADA's pieces: p follows D's overconfidence on reals; each geometric and colour transform does
// what NVIDIA's does (checked on exact cases), the whole pipeline is the identity at p = 0,
// repeatable from the same generator state, and lets gradients through to G.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { Rng } from '../../electron/engine/nn/rng';
import {
  adjustP,
  augment,
  hueRotation,
  lumaFlip,
  recolour,
  rotation,
  saturation,
  scaling,
  translation,
  warp,
  type Affine,
} from '../../electron/engine/train/ada';

before(() => selectBackend('cpu'));

const maxDiff = (a: tf.Tensor, b: tf.Tensor) => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!;

test('p rises while D is surer of the reals than the target, falls otherwise, stays in [0, 1]', () => {
  // 32 images since the last adjustment, over 500 kimg: 32 / 500 000 per adjustment.
  assert.equal(adjustP(0, 0.9, 32), 32 / 500_000);
  assert.equal(adjustP(0.5, 0.2, 32), 0.5 - 32 / 500_000);
  assert.equal(adjustP(0, -1, 32), 0);
  assert.equal(adjustP(1, 1, 10_000_000), 1);
});

test('geometry: flips, quarter turns and whole-pixel shifts move pixels exactly; a half-pixel shift averages neighbours', () => {
  const x = tf.randomUniform([2, 6, 6, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  assert.ok(maxDiff(warp(x, [scaling(-1, 1), scaling(-1, 1)]), tf.reverse(x, 2)) < 1e-6, 'x-flip');
  // The output pixel (x, y) reads the source at the map of (x, y): a quarter turn is a transpose and a flip.
  assert.ok(maxDiff(warp(x, [rotation(Math.PI / 2), rotation(Math.PI / 2)]), tf.transpose(tf.reverse(x, 2), [0, 2, 1, 3])) < 1e-5, 'rotation by 90°');
  const shifted = warp(x, [translation(1, 0), translation(1, 0)]);
  assert.ok(maxDiff(shifted.slice([0, 0, 0, 0], [-1, -1, 5, -1]), x.slice([0, 0, 1, 0], [-1, -1, 5, -1])) < 1e-6, 'shift by one pixel');
  // Past the edge the image is mirrored (torch's reflect): the last column reads column 4.
  assert.ok(maxDiff(shifted.slice([0, 0, 5, 0], [-1, -1, 1, -1]), x.slice([0, 0, 4, 0], [-1, -1, 1, -1])) < 1e-6, 'reflected edge');
  const half = warp(x, [translation(0.5, 0), translation(0.5, 0)]);
  const mean = tf.div(tf.add(x.slice([0, 0, 0, 0], [-1, -1, 5, -1]), x.slice([0, 0, 1, 0], [-1, -1, 5, -1])), 2);
  assert.ok(maxDiff(half.slice([0, 0, 0, 0], [-1, -1, 5, -1]), mean) < 1e-6, 'bilinear half-pixel shift');
});

test('colour: hue turns keep luma and a third of a turn cycles r→g→b; saturation 0 is grey; luma flip negates the grey part', () => {
  const x = tf.randomUniform([1, 4, 4, 3], -1, 1, 'float32', 4) as tf.Tensor4D;
  const luma = (t: tf.Tensor) => tf.mean(t, 3);
  const turned = recolour(x, [hueRotation(0.7)]);
  assert.ok(maxDiff(luma(turned), luma(x)) < 1e-6, 'hue keeps luma');
  assert.ok(maxDiff(turned, x) > 0.05, 'and changes the colours');
  // A rotation by 120° around (1, 1, 1) maps the r axis onto g: the new g is the old r.
  const third = recolour(x, [hueRotation((2 * Math.PI) / 3)]);
  assert.ok(maxDiff(third, tf.gather(x, [2, 0, 1], 3)) < 1e-5, 'a third of a turn permutes the channels');
  const grey = recolour(x, [saturation(0)]);
  assert.ok(maxDiff(grey, tf.tile(luma(x).expandDims(3), [1, 1, 1, 3])) < 1e-6, 'saturation 0');
  const flipped = recolour(x, [lumaFlip()]);
  assert.ok(maxDiff(luma(flipped), tf.neg(luma(x))) < 1e-6, 'luma flip');
  assert.ok(maxDiff(tf.sub(flipped, luma(flipped).expandDims(3)), tf.sub(x, luma(x).expandDims(3))) < 1e-6, 'and keeps the colour part');
});

test('the pipeline: identity at p = 0, repeatable, changes images at p = 1, differentiable, grey images stay one channel', () => {
  const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  assert.equal(augment(x, 0, new Rng(1)), x);
  const y = augment(x, 1, new Rng(1));
  assert.deepEqual(y.shape, x.shape);
  assert.ok(maxDiff(x, y) > 0.01, 'p = 1 changes the images');
  // The same generator state gives the same augmentation: a resumed run repeats it.
  assert.deepEqual(augment(x, 1, new Rng(9)).dataSync(), augment(x, 1, new Rng(9)).dataSync());
  const grad = tf.grad((v: tf.Tensor) => tf.sum(augment(v as tf.Tensor4D, 1, new Rng(2))))(x);
  assert.ok(tf.sum(tf.abs(grad)).dataSync()[0]! > 0, 'gradients reach the input');
  const grey = augment(tf.randomUniform([4, 8, 8, 1], -1, 1, 'float32', 5) as tf.Tensor4D, 1, new Rng(3));
  assert.deepEqual(grey.shape, [4, 8, 8, 1]);
  assert.ok(grey.dataSync().every(Number.isFinite));
});

test("a warp's gradient is its transpose, on wasm too (where tfjs's gradient of a gather does not exist)", async () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    await selectBackend(backend);
    const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 5) as tf.Tensor4D;
    const y = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 6) as tf.Tensor4D;
    // Scaled down (several outputs read one source pixel), rotated and shifted by fractions.
    const turned = rotation(0.4);
    const shift = translation(0.3, -1.2);
    const maps: Affine[] = [scaling(0.6, 0.7), [turned[0], turned[1], shift[2], turned[3], turned[4], shift[5]]];
    const grad = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(warp(t as tf.Tensor4D, maps), y)))(x);
    // ⟨warp(x), y⟩ = ⟨x, warpᵀ(y)⟩, and the gradient of the first in x is warpᵀ(y).
    const lhs = tf.sum(tf.mul(warp(x, maps), y)).dataSync()[0]!;
    const rhs = tf.sum(tf.mul(x, grad)).dataSync()[0]!;
    assert.ok(Math.abs(lhs - rhs) < 1e-3 * Math.max(1, Math.abs(lhs)), `${backend}: ${lhs} vs ${rhs}`);
    assert.ok(tf.max(tf.abs(grad)).dataSync()[0]! > 0.1, 'a gradient flows');
  }
  await selectBackend('cpu');
});
