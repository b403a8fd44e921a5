import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { buildDcgan } from '../../electron/engine/models/dcgan';
import type { GanModel } from '../../electron/engine/models/gan-model';
import { buildThesisGan } from '../../electron/engine/models/thesis';
import { defaultModelConfig } from '../../electron/engine/models/registry';
import { Rng } from '../../electron/engine/nn/rng';
import { discriminatorStep, generatorStep } from '../../electron/engine/train/gan-loss';
import { trainingSteps } from '../../electron/engine/train/objectives';
import { adamPair } from '../../electron/engine/train/optimize';

before(async () => {
  await selectBackend('cpu');
});

const small = (resolution: number, channels: 1 | 3 = 3) => buildDcgan({ resolution, channels, zDim: 16, width: 4, maxChannels: 64 }, new Rng(7));
const smallThesis = (resolution: number, channels: 1 | 3 = 3) =>
  buildThesisGan({ resolution, channels, zDim: 16, width: 4, maxChannels: 64, dropout: 0.3 }, new Rng(7));
const families: [string, (r: number, c?: 1 | 3) => GanModel][] = [
  ['dcgan', small],
  ['thesis', smallThesis],
];

async function snapshot(model: GanModel, prefix: string): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [name, v] of model.params.vars) if (name.startsWith(prefix)) out.set(name, (await v.data()) as Float32Array);
  return out;
}

function changed(a: Map<string, Float32Array>, b: Map<string, Float32Array>): string[] {
  return [...a.keys()].filter((k) => a.get(k)!.some((x, i) => x !== b.get(k)![i]));
}

for (const [family, build] of families) {
  test(`${family}: shapes at 16, 32 and 64 px, RGB and grey; images in [-1, 1]`, async () => {
    for (const [resolution, channels] of [
      [16, 3],
      [32, 1],
      [64, 3],
    ] as const) {
      const model = build(resolution, channels);
      const z = model.sampleLatents(2, new Rng(1));
      const img = model.generate(z, false);
      assert.deepEqual(img.shape, [2, resolution, resolution, channels]);
      assert.ok((await img.data()).every((v) => v >= -1 && v <= 1));
      const logits = model.discriminate(img, true);
      assert.deepEqual(logits.shape, [2, 1]);
      tf.dispose([z, img, logits]);
      model.params.dispose();
    }
  });
}

test('dcgan: channels double from the image to 4×4, as Radford', () => {
  // 64 px, width 4: 4×4 holds width·8 = 32 channels, then 16, 8, 4, and the image.
  const m = small(64);
  assert.deepEqual(m.params.get('G/up1/conv/w').shape, [4, 4, 16, 32]);
  assert.deepEqual(m.params.get('G/out/w').shape, [4, 4, 3, 4]);
  assert.deepEqual(m.params.get('D/in/w').shape, [4, 4, 3, 4]);
  assert.deepEqual(m.params.get('D/out/w').shape, [16 * 32, 1]);
  m.params.dispose();
});

for (const [family, build] of families)
  test(`${family}: a D step changes D and not G; a G step changes G and not D; no tensor leaks`, async () => {
    const model = build(16);
    const opt = adamPair(2e-4, 0.5, 0.999);
    const rng = new Rng(3);
    const real = tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 5), 2), 1) as tf.Tensor4D);
    const step = async () => {
      const z1 = model.sampleLatents(4, rng);
      const d = discriminatorStep(model, opt, real, z1);
      const z2 = model.sampleLatents(4, rng);
      const g = generatorStep(model, opt, z2);
      const losses = [(await d.data())[0]!, (await g.data())[0]!];
      tf.dispose([z1, z2, d, g]);
      return losses;
    };
    await step(); // Adam creates its moment variables on the first step.
    const tensors = tf.memory().numTensors;
    const [dLoss, gLoss] = await step();
    assert.equal(tf.memory().numTensors, tensors, 'a training step leaves no tensor behind');
    assert.ok(Number.isFinite(dLoss) && Number.isFinite(gLoss));

    const g0 = await snapshot(model, 'G/');
    const d0 = await snapshot(model, 'D/');
    const z = model.sampleLatents(4, rng);
    tf.dispose(discriminatorStep(model, opt, real, z));
    const g1 = await snapshot(model, 'G/');
    const d1 = await snapshot(model, 'D/');
    assert.deepEqual(
      changed(g0, g1).filter((n) => !/running_/.test(n)),
      [],
      "D step leaves G's weights",
    );
    assert.ok(changed(d0, d1).filter((n) => !/running_/.test(n)).length > 0, 'D step trains D');
    tf.dispose(generatorStep(model, opt, z));
    const g2 = await snapshot(model, 'G/');
    const d2 = await snapshot(model, 'D/');
    assert.deepEqual(
      changed(d1, d2).filter((n) => !/running_/.test(n)),
      [],
      "G step leaves D's weights",
    );
    assert.ok(changed(g1, g2).filter((n) => !/running_/.test(n)).length > 0, 'G step trains G');
    tf.dispose([z, real]);
    model.params.dispose();
  });

test("dcgan: a step as PyTorch's example takes it: G's step reuses the D step's latents, and G's running statistics move once (momentum 0.1)", async () => {
  const model = small(16);
  const opt = adamPair(2e-4, 0.5, 0.999);
  const real = tf.tidy(() => tf.sub(tf.mul(tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 5), 2), 1) as tf.Tensor4D);
  const steps = trainingSteps.nonsaturating;
  assert.equal(steps.generatorReusesLatents, true);
  const z = model.sampleLatents(4, new Rng(9));
  // The batch mean G's first batch norm sees for z, with G's weights as they are before the step.
  const batchMean = tf.tidy(() => {
    const h = tf.add(tf.matMul(z, model.params.get('G/in/w') as tf.Tensor2D), model.params.get('G/in/b'));
    return tf.moments(tf.reshape(h, [4, 4, 4, -1]), [0, 1, 2]).mean;
  });
  const running = model.params.get('G/in/bn/running_mean');
  const before = (await running.data()).slice();
  tf.dispose(steps.discriminator(model, opt, real, z, new Rng(1)));
  tf.dispose(steps.generator(model, opt, z));
  const after = await running.data();
  const b = await batchMean.data();
  // Once: 0.9·before + 0.1·b. Twice (the D step's fake and the G step's again): 0.81·before + 0.19·b.
  for (let c = 0; c < after.length; c++)
    assert.ok(Math.abs(after[c]! - (0.9 * before[c]! + 0.1 * b[c]!)) < 1e-6, `channel ${c}: ${after[c]} vs ${0.1 * b[c]!}`);
  assert.ok(
    b.some((v) => Math.abs(v) > 1e-3),
    'the batch mean is not zero, so one update and two differ',
  );
  tf.dispose([z, real, batchMean]);
  model.params.dispose();
  opt.g.dispose();
  opt.d.dispose();
});

test('batch norm: training updates the running statistics (chained over two batches), sampling does not', async () => {
  const model = small(16);
  const mean = model.params.get('D/down1/bn/running_mean');
  const before = (await mean.data()).slice();
  const x = tf.ones<tf.Rank.R4>([2, 16, 16, 3]);
  tf.dispose(model.discriminate(x, false));
  model.params.applyQueued();
  assert.deepEqual(await mean.data(), before, 'sampling leaves them');
  const y = tf.tidy(() => {
    model.discriminate(x, true);
    return model.discriminate(x, true);
  });
  model.params.applyQueued();
  // Two updates of momentum 0.1 towards the same batch mean b give 0.19·b; a lost update, 0.1·b.
  const m = tf.tidy(() => {
    const h1 = tf.leakyRelu(tf.conv2d(x, model.params.get('D/in/w') as tf.Tensor4D, 2, 'same'), 0.2);
    const h2 = tf.conv2d(h1, model.params.get('D/down1/conv/w') as tf.Tensor4D, 2, 'same');
    return tf.moments(h2, [0, 1, 2]).mean;
  });
  const batchMean = await m.data();
  const after = await mean.data();
  for (let c = 0; c < after.length; c++) assert.ok(Math.abs(after[c]! - 0.19 * batchMean[c]!) < 1e-5, `channel ${c}: ${after[c]} vs ${0.19 * batchMean[c]!}`);
  tf.dispose([x, y, m]);
  model.params.dispose();
});

test('the seeded generator is reproducible and its state resumes the same sequence', () => {
  const a = new Rng(42);
  a.normals(10);
  const saved = a.state();
  const next = a.normals(5);
  assert.deepEqual(new Rng(saved).normals(5), next);
  assert.notDeepEqual(new Rng(43).normals(5), new Rng(42).normals(5));
  const draws = new Rng(1).normals(20000);
  const mean = draws.reduce((s, v) => s + v, 0) / draws.length;
  const sd = Math.sqrt(draws.reduce((s, v) => s + (v - mean) ** 2, 0) / draws.length);
  assert.ok(Math.abs(mean) < 0.03 && Math.abs(sd - 1) < 0.03, `mean ${mean}, sd ${sd}`);
});

test('thesis: latents lie on the unit hypersphere; dropout acts in training only, reproducibly from the noise state', async () => {
  const model = smallThesis(16);
  const z = model.sampleLatents(5, new Rng(2));
  const norms = await tf.norm(z, 'euclidean', 1).data();
  for (const n of norms) assert.ok(Math.abs(n - 1) < 1e-5);
  const x = tf.tidy(() => model.generate(z, false));
  const evalA = await model.discriminate(x, false).data();
  const evalB = await model.discriminate(x, false).data();
  assert.deepEqual(evalA, evalB, 'no dropout when sampling');
  const saved = model.noise.state();
  const trainA = await model.discriminate(x, true).data();
  const trainB = await model.discriminate(x, true).data();
  assert.notDeepEqual(trainA, trainB, 'fresh dropout masks each call');
  const replay = smallThesis(16);
  replay.noise.restore(saved);
  assert.deepEqual(await replay.discriminate(x, true).data(), trainA, 'the same noise state gives the same masks');
  tf.dispose([z, x]);
  model.params.dispose();
  replay.params.dispose();
});

test('model presets: an override that is not given keeps its default', () => {
  assert.deepEqual(defaultModelConfig('dcgan', 64, 3, { width: undefined, zDim: 32 }).config, {
    zDim: 32,
    width: 64,
    maxChannels: 512,
    resolution: 64,
    channels: 3,
  });
  assert.equal(defaultModelConfig('thesis', 32, 1, {}).config.zDim, 100);
});
