// The progressive GAN's parts, each against what the paper says it does.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { buildProgan, progressiveStage, type ProganConfig } from '../../electron/engine/models/progan';
import { downsample, minibatchStddev, pixelNorm, upsample } from '../../electron/engine/nn/equalized';
import { Rng } from '../../electron/engine/nn/rng';
import { adamPair } from '../../electron/engine/train/optimize';
import { discriminatorStep, generatorStep, gradientPenalty } from '../../electron/engine/train/wgan-gp';

before(async () => {
  await selectBackend('cpu');
});

const config = (resolution = 16): ProganConfig => ({ resolution, channels: 3, zDim: 8, width: 4, maxChannels: 8, phaseKimg: 1, emaHalfLifeKimg: 1 });

test('the schedule: 4×4 alone, then each level fades in over a phase and trains stable for one; the last never ends', () => {
  const at = (kimg: number) => progressiveStage(kimg * 1000, 1, 4);
  assert.deepEqual(at(0), { resolution: 4, alpha: 1 });
  assert.deepEqual(at(0.99), { resolution: 4, alpha: 1 });
  assert.deepEqual(at(1), { resolution: 8, alpha: 0 });
  assert.deepEqual(at(1.25), { resolution: 8, alpha: 0.25 });
  assert.deepEqual(at(2.5), { resolution: 8, alpha: 1 });
  assert.deepEqual(at(3.5), { resolution: 16, alpha: 0.5 });
  assert.deepEqual(at(4), { resolution: 16, alpha: 1 });
  assert.deepEqual(at(400), { resolution: 16, alpha: 1 });
});

test('G draws at the stage it has reached while training, and samples at the final size from its moving average', async () => {
  const model = buildProgan(config(16), new Rng(1));
  const z = model.sampleLatents(4, new Rng(2));
  for (const [kimg, size] of [
    [0, 4],
    [1.5, 8],
    [3.5, 16],
    [9, 16],
  ] as const) {
    model.setProgress!(kimg * 1000);
    const trained = model.generate(z, true);
    assert.deepEqual(trained.shape, [4, size, size, 3], `at ${kimg} kimg`);
    const logits = model.discriminate(trained, true);
    assert.deepEqual(logits.shape, [4, 1]);
    const sampled = model.generate(z, false);
    assert.deepEqual(sampled.shape, [4, 16, 16, 3]);
    assert.ok((await sampled.data()).every((v) => v >= -1 && v <= 1));
    tf.dispose([trained, logits, sampled]);
  }
  z.dispose();
  model.params.dispose();
});

test('a new block fades in smoothly: at α = 0 both networks compute exactly what they did one level down', async () => {
  const model = buildProgan(config(16), new Rng(1));
  const z = model.sampleLatents(4, new Rng(2));
  model.setProgress!(999); // 4×4, stable
  const low = model.generate(z, true);
  const lowUp = tf.image.resizeNearestNeighbor(low, [8, 8]);
  const realHigh = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 3) as tf.Tensor4D;
  // The model's own 2×2 average (on this backend, the one-pass resampling kernel).
  const realLow = downsample(realHigh);
  const dLow = model.discriminate(realLow, true);
  model.setProgress!(1000); // 8×8 at α = 0
  const high = model.generate(z, true);
  assert.deepEqual(high.shape, [4, 8, 8, 3]);
  const gap = tf.max(tf.abs(tf.sub(high, lowUp)));
  assert.ok((await gap.data())[0]! < 1e-5, `G at α = 0 differs from the 4×4 output upsampled by ${(await gap.data())[0]}`);
  const dHigh = model.discriminate(realHigh, true);
  assert.deepEqual(await dHigh.data(), await dLow.data());
  // Half-way, the new block already contributes.
  model.setProgress!(1500);
  const half = model.generate(z, true);
  assert.ok((await tf.max(tf.abs(tf.sub(half, lowUp))).data())[0]! > 1e-3);
  tf.dispose([z, low, lowUp, realHigh, realLow, dLow, high, gap, dHigh, half]);
  model.params.dispose();
});

test('equalized learning rate: weights are stored N(0, 1) and scaled at use, so activations keep their scale', async () => {
  const model = buildProgan({ ...config(16), width: 32, maxChannels: 64 }, new Rng(5));
  const w = model.params.get('D/16/conv0/w');
  const stored = (await w.data()) as Float32Array;
  const mean = stored.reduce((a, b) => a + b, 0) / stored.length;
  const std = Math.sqrt(stored.reduce((a, b) => a + (b - mean) ** 2, 0) / stored.length);
  assert.ok(Math.abs(std - 1) < 0.05, `stored weights have std ${std}`);
  model.params.dispose();
});

test('pixel norm gives every feature vector unit mean square', async () => {
  const x = tf.randomNormal([2, 3, 3, 16], 0, 5, 'float32', 4);
  const n = pixelNorm(x);
  const ms = (await tf.mean(tf.square(n), -1).data()) as Float32Array;
  assert.ok(ms.every((v) => Math.abs(v - 1) < 1e-4));
});

test('minibatch stddev adds one channel that is zero for identical images and positive for varied ones', async () => {
  const one = tf.randomNormal([1, 4, 4, 6], 0, 1, 'float32', 6);
  const same = tf.tile(one, [4, 1, 1, 1]) as tf.Tensor4D;
  const varied = tf.randomNormal([4, 4, 4, 6], 0, 1, 'float32', 7) as tf.Tensor4D;
  const a = minibatchStddev(same);
  const b = minibatchStddev(varied);
  assert.deepEqual(a.shape, [4, 4, 4, 7]);
  const channel = async (t: tf.Tensor4D) => (await tf.slice(t, [0, 0, 0, 6], [4, 4, 4, 1]).data()) as Float32Array;
  assert.ok((await channel(a)).every((v) => v < 1e-3));
  assert.ok((await channel(b)).every((v) => v > 0.5));
  // A batch of 6 is split into groups of 3: each image gets its own group's statistic.
  assert.deepEqual(minibatchStddev(tf.randomNormal([6, 2, 2, 2]) as tf.Tensor4D).shape, [6, 2, 2, 3]);
});

test('the gradient penalty is differentiated through D: its gradient matches finite differences', async () => {
  const model = buildProgan(config(8), new Rng(9));
  model.setProgress!(2500); // 8×8, stable
  const x = tf.randomUniform([2, 8, 8, 3], -1, 1, 'float32', 8) as tf.Tensor4D;
  const w = model.params.get('D/8/conv0/w');
  const analytic = (await tf
    .grads(() => gradientPenalty(model, x))([w])[0]!
    .data()) as Float32Array;
  const penalty = () => tf.tidy(() => gradientPenalty(model, x).dataSync()[0]!);
  const base = (await w.data()) as Float32Array;
  for (const i of [3, 50, 140]) {
    const eps = 1e-2;
    const shifted = (d: number) => {
      const values = base.slice();
      values[i] = values[i]! + d;
      w.assign(tf.tensor(values, w.shape));
      return penalty();
    };
    const numeric = (shifted(eps) - shifted(-eps)) / (2 * eps);
    w.assign(tf.tensor(base, w.shape));
    assert.ok(Math.abs(numeric - analytic[i]!) < 0.02 * Math.max(1, Math.abs(numeric)), `weight ${i}: numeric ${numeric}, analytic ${analytic[i]}`);
  }
  model.params.dispose();
});

test('WGAN-GP steps: D changes only D, G changes only G, and the moving average follows G at its half-life', async () => {
  const model = buildProgan(config(8), new Rng(10));
  model.setProgress!(2500);
  const opt = adamPair(1e-3, 0, 0.99);
  const rng = new Rng(11);
  const real = tf.randomUniform([4, 8, 8, 3], -1, 1, 'float32', 12) as tf.Tensor4D;
  const snap = async (prefix: string) =>
    new Map(
      await Promise.all([...model.params.vars].filter(([n]) => n.startsWith(prefix)).map(async ([n, v]) => [n, (await v.data()) as Float32Array] as const)),
    );
  const [g0, d0, s0] = [await snap('G/'), await snap('D/'), await snap('Gs/')];
  const z = model.sampleLatents(4, rng);
  const dLoss = discriminatorStep(model, opt, real, z, rng);
  assert.ok(Number.isFinite((await dLoss.data())[0]!));
  const [g1, d1] = [await snap('G/'), await snap('D/')];
  assert.deepEqual(g1, g0, 'a D step leaves G alone');
  assert.notDeepEqual(d1, d0);
  const gLoss = generatorStep(model, opt, z);
  assert.ok(Number.isFinite((await gLoss.data())[0]!));
  assert.deepEqual(await snap('D/'), d1, 'a G step leaves D alone');
  const g2 = await snap('G/');
  assert.notDeepEqual(g2, g0);
  // 500 images at a half-life of 1 kimg (long after the ramp-up): the average moves 1 − 0.5^0.5 of the way to G.
  model.afterGeneratorStep!(500, 100_000);
  const s1 = await snap('Gs/');
  const name = 'G/8/conv0/w';
  const k = 1 - 0.5 ** 0.5;
  const i = 17;
  const expected = s0.get(name.replace('G/', 'Gs/'))![i]! + k * (g2.get(name)![i]! - s0.get(name.replace('G/', 'Gs/'))![i]!);
  assert.ok(Math.abs(s1.get(name.replace('G/', 'Gs/'))![i]! - expected) < 1e-5);
  // Early on, the half-life is 5 % of the images seen: after 2000 images, 100, so 50 images move it 1 − 0.5^0.5.
  const before = (await model.params.get('Gs/8/conv0/w').data())[i]!;
  model.afterGeneratorStep!(50, 2000);
  const after = (await model.params.get('Gs/8/conv0/w').data())[i]!;
  assert.ok(Math.abs(after - (before + k * (g2.get(name)![i]! - before))) < 1e-5, 'the half-life ramps up with the images seen');
  tf.dispose([real, z, dLoss, gLoss]);
  opt.g.dispose();
  opt.d.dispose();
  model.params.dispose();
});

test('upsampling repeats each pixel 2×2 and its gradient sums each 2×2 block, for every image of a batch', async () => {
  const x = tf.randomNormal([3, 4, 4, 5], 0, 1, 'float32', 13) as tf.Tensor4D;
  const up = upsample(x);
  assert.deepEqual(await up.data(), await tf.image.resizeNearestNeighbor(x, [8, 8]).data());
  const r = tf.randomNormal([3, 8, 8, 5], 0, 1, 'float32', 14);
  const grad = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(upsample(v as tf.Tensor4D), r)))(x);
  const blocks = tf.sum(tf.reshape(r, [3, 4, 2, 4, 2, 5]), [2, 4]);
  assert.ok((await tf.max(tf.abs(tf.sub(grad, blocks))).data())[0]! < 1e-5);
});
