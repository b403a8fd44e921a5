// ADA's pieces: p follows D's overconfidence on reals; augmentation is the identity at p = 0, moves
// pixels without inventing them at p = 1 (blits only), and lets gradients through to G.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { Rng } from '../../electron/engine/nn/rng';
import { adjustP, augment } from '../../electron/engine/train/ada';

before(() => selectBackend('cpu'));

test('p rises while D is surer of the reals than the target, falls otherwise, stays in [0, 1]', () => {
  // 32 images since the last adjustment, over 500 kimg: 32 / 500 000 per adjustment.
  assert.equal(adjustP(0, 0.9, 32), 32 / 500_000);
  assert.equal(adjustP(0.5, 0.2, 32), 0.5 - 32 / 500_000);
  assert.equal(adjustP(0, -1, 32), 0);
  assert.equal(adjustP(1, 1, 10_000_000), 1);
});

test('augmentation: identity at p = 0, a permutation of pixels plus colour at p = 1, and differentiable', () => {
  const x = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  assert.equal(augment(x, 0, new Rng(1)), x);
  const y = augment(x, 1, new Rng(1));
  assert.deepEqual(y.shape, x.shape);
  assert.ok(tf.max(tf.abs(tf.sub(x, y))).dataSync()[0]! > 0.01, 'p = 1 changes the images');
  // The same generator state gives the same augmentation: a resumed run repeats it.
  assert.deepEqual(augment(x, 1, new Rng(9)).dataSync(), augment(x, 1, new Rng(9)).dataSync());
  const grad = tf.grad((v: tf.Tensor) => tf.sum(augment(v as tf.Tensor4D, 1, new Rng(2))))(x);
  assert.ok(tf.sum(tf.abs(grad)).dataSync()[0]! > 0, 'gradients reach the input');
});
