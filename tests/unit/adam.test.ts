// The stepwise Adam frees each variable's temporaries before the next: it must compute exactly what
// tfjs's Adam computes, keep the same moments under the same names (checkpoints store them), and
// hold fewer bytes at its peak.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { StepwiseAdam } from '../../electron/engine/train/adam';

before(() => selectBackend('cpu'));

function run(make: () => tf.Optimizer, prefix: string) {
  const a = tf.variable(
    tf.tensor2d([
      [1, -2],
      [3, 0.5],
    ]),
    true,
    `${prefix}a`,
  );
  const b = tf.variable(tf.tensor1d([0.25, -4, 2]), true, `${prefix}b`);
  const opt = make();
  for (let step = 0; step < 3; step++) {
    const grads = { [a.name]: tf.mul(a, step + 1), [b.name]: tf.sub(b, step) };
    opt.applyGradients(grads);
    tf.dispose(Object.values(grads));
  }
  return { a, b, opt };
}

test("stepwise Adam: the same updates and moments as tfjs's Adam, under the same names", async () => {
  const ours = run(() => new StepwiseAdam(0.01, 0.5, 0.9, 1e-8), 'ours/');
  const theirs = run(() => tf.train.adam(0.01, 0.5, 0.9, 1e-8), 'theirs/');
  assert.deepEqual(Array.from(ours.a.dataSync()), Array.from(theirs.a.dataSync()));
  assert.deepEqual(Array.from(ours.b.dataSync()), Array.from(theirs.b.dataSync()));
  assert.notDeepEqual(Array.from(ours.a.dataSync()), [1, -2, 3, 0.5], 'the weights moved');
  const [mine, tfjs] = await Promise.all([ours.opt.getWeights(), theirs.opt.getWeights()]);
  assert.deepEqual(
    mine.map((w) => w.name.replace('ours/', '')),
    tfjs.map((w) => w.name.replace('theirs/', '')),
  );
  for (let i = 0; i < mine.length; i++) assert.deepEqual(Array.from(mine[i]!.tensor.dataSync()), Array.from(tfjs[i]!.tensor.dataSync()));
  // Restored from its weights, it continues as an uninterrupted one does.
  const restored = new StepwiseAdam(0.01, 0.5, 0.9, 1e-8);
  await restored.setWeights(mine.map((w) => ({ name: w.name, tensor: w.tensor.clone() })));
  const grads = { [ours.a.name]: tf.onesLike(ours.a), [ours.b.name]: tf.onesLike(ours.b) };
  const copyA = tf.variable(ours.a.clone(), true, 'copy/a');
  restored.applyGradients({ [ours.a.name]: grads[ours.a.name]!, [ours.b.name]: grads[ours.b.name]! });
  const afterRestored = Array.from(ours.a.dataSync());
  ours.a.assign(copyA);
  theirs.opt.applyGradients({ [theirs.a.name]: tf.onesLike(theirs.a), [theirs.b.name]: tf.onesLike(theirs.b) });
  assert.deepEqual(afterRestored, Array.from(theirs.a.dataSync()));
});

test("stepwise Adam: over many variables its peak is about one variable's temporaries, tfjs's all of them", async () => {
  const peakOf = async (opt: tf.Optimizer, prefix: string) => {
    const vars = Array.from({ length: 16 }, (_, i) => tf.variable(tf.randomNormal([100_000]), true, `${prefix}${i}`));
    const grads = Object.fromEntries(vars.map((v) => [v.name, tf.onesLike(v)]));
    opt.applyGradients(grads); // the moments are made on the first step
    const start = tf.memory().numBytes;
    const { peakBytes } = await tf.profile(() => opt.applyGradients(grads));
    tf.dispose([...vars, ...Object.values(grads)]);
    opt.dispose();
    return peakBytes - start;
  };
  const ours = await peakOf(new StepwiseAdam(0.01, 0, 0.99, 1e-8), 'peak-ours/');
  const theirs = await peakOf(tf.train.adam(0.01, 0, 0.99, 1e-8), 'peak-theirs/');
  assert.ok(ours * 8 < theirs, `peak above what it started with: ${ours} bytes against tfjs's ${theirs}`);
});
