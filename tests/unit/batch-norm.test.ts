// Batch normalisation's written-out gradient (nn/layers.ts) against tfjs differentiating
// batchNorm∘moments itself: the same output, the same batch statistics, the same gradients for
// x, γ and β. The statistics are the whole batch's, in one process, as PyTorch computes them.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { batchNormTraining } from '../../electron/engine/nn/layers';

before(() => selectBackend('cpu'));

function maxRelative(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]! / Math.max(1e-12, tf.max(tf.abs(b)).dataSync()[0]!));
}

test("batch norm's written-out gradient equals tfjs's differentiation of batchNorm and moments", () => {
  for (const shape of [
    [4, 5, 5, 7],
    [1, 3, 3, 2],
    [16, 4, 4, 32],
  ] as [number, number, number, number][]) {
    tf.tidy(() => {
      const x = tf.add(tf.mul(tf.randomNormal(shape, 0, 1, 'float32', 1), 3), 2) as tf.Tensor4D;
      const gamma = tf.randomNormal([shape[3]], 1, 0.2, 'float32', 2) as tf.Tensor1D;
      const beta = tf.randomNormal([shape[3]], 0, 0.2, 'float32', 3) as tf.Tensor1D;
      const probe = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const ours = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => batchNormTraining(a as tf.Tensor4D, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5).y;
      const tfjs = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
        const { mean, variance } = tf.moments(a, [0, 1, 2]);
        return tf.batchNorm4d(a as tf.Tensor4D, mean as tf.Tensor1D, variance as tf.Tensor1D, b as tf.Tensor1D, g as tf.Tensor1D, 1e-5);
      };
      const loss = (f: typeof ours) => (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(f(a, g, b), probe));
      const mine = tf.grads(loss(ours))([x, gamma, beta]);
      const theirs = tf.grads(loss(tfjs))([x, gamma, beta]);
      ['x', 'γ', 'β'].forEach((name, i) => assert.ok(maxRelative(mine[i]!, theirs[i]!) < 1e-4, `${shape} d${name}: ${maxRelative(mine[i]!, theirs[i]!)}`));
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, 1e-5);
      const reference = tf.moments(x, [0, 1, 2]);
      assert.ok(maxRelative(y, tfjs(x, gamma, beta)) < 1e-5);
      assert.ok(maxRelative(mean, reference.mean) < 1e-6 && maxRelative(variance, reference.variance) < 1e-6, 'the statistics the running averages take');
      tf.dispose([mean, variance]);
    });
  }
});
