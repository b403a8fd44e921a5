// StyleGAN2 in tfjs against NVIDIA's own outputs: the imported sg2-tiny-32 generator must draw the
// reference images (max abs error ≤ 1e-3, both truncations) and its discriminator give the
// reference logits. The references were computed by NVIDIA's PyTorch code (see the fixture README).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { discriminator, mapping, numWs, synthesis, type Weights } from '../../electron/engine/models/stylegan2-networks';
import { styleGan2Config } from '../../electron/services/exchange/pickle/stylegan2-config';
import { readNetworkPickle, type ImportedNetwork } from '../../electron/services/exchange/pickle/stylegan2-pickle';
import { repoRoot, sharedData } from '../helpers';

const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');
const tiny = readNetworkPickle(readFileSync(join(fixtures, 'sg2-tiny-32.pkl')), 'sg2-tiny-32.pkl');
const expected = JSON.parse(readFileSync(join(fixtures, 'sg2-tiny-32.expected.json'), 'utf8')) as {
  z: number[][];
  outputs: Record<string, { ws: number[][][]; img: number[][][][] }>;
  d_logits: number[][];
};

function weightsOf(net: ImportedNetwork): Weights {
  const tensors = new Map([...net.tensors].map(([name, t]) => [name, tf.tensor(t.data as Float32Array, t.shape)]));
  return (name) => {
    const t = tensors.get(name);
    if (!t) throw new Error(`the network has no ${name}`);
    return t;
  };
}

const maxAbsError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]!);

// The same networks laid out as NVIDIA's TensorFlow release pickles them (see
// tests/fixtures/stylegan2-tf/make_tf_pickle.py): converted back, they must draw the same images.
const tinyTf = readNetworkPickle(readFileSync(join(repoRoot, 'tests', 'fixtures', 'stylegan2-tf', 'sg2-tiny-32-tf.pkl')), 'sg2-tiny-32-tf.pkl');

for (const [backend, net] of [
  ['cpu', tiny],
  ['wasm', tiny],
  ['cpu', tinyTf],
] as const) {
  test(`sg2-tiny-32 (${net.format}) on ${backend}: W, images at ψ 1 and 0.7, and D's logits match NVIDIA's`, async () => {
    await selectBackend(backend);
    const config = styleGan2Config(net.G_ema, net.D, 'sg2-tiny-32.pkl');
    assert.equal(numWs(config), 8);
    assert.deepEqual(config, styleGan2Config(tiny.G_ema, tiny.D, 'sg2-tiny-32.pkl'), 'the same settings from either format');
    const G = weightsOf(net.G_ema);
    const D = weightsOf(net.D!);
    const z = tf.tensor2d(expected.z);
    for (const psi of [1, 0.7]) {
      const reference = expected.outputs[`psi${psi.toFixed(1)}`]!;
      const ws = mapping(G, config, z, null, { psi });
      assert.ok(maxAbsError(ws, tf.tensor(reference.ws)) < 1e-5, `ψ ${psi}: W`);
      const img = synthesis(G, config, ws, { noise: 'const' });
      const refImg = tf.tensor(reference.img).transpose([0, 2, 3, 1]);
      const err = maxAbsError(img, refImg);
      assert.ok(err <= 1e-3, `ψ ${psi}: images differ by ${err}`);
      // The two truncations really differ: the comparison is not trivially passed.
      if (psi !== 1) assert.ok(maxAbsError(refImg, tf.tensor(expected.outputs['psi1.0']!.img).transpose([0, 2, 3, 1])) > 0.1);
    }
    const logits = discriminator(D, config, tf.tensor(expected.outputs['psi1.0']!.img).transpose([0, 2, 3, 1]) as tf.Tensor4D, null);
    assert.ok(maxAbsError(logits, tf.tensor(expected.d_logits)) <= 1e-3, `D: ${logits.dataSync()} vs ${expected.d_logits}`);
  });
}

test('sg2-cond-64: a conditional generator and discriminator run with labels, and the label changes the image', async () => {
  await selectBackend('cpu');
  const cond = readNetworkPickle(readFileSync(join(fixtures, 'sg2-cond-64.pkl')), 'sg2-cond-64.pkl');
  const config = styleGan2Config(cond.G_ema, cond.D, 'sg2-cond-64.pkl');
  assert.deepEqual([config.cDim, config.cmapDim, config.dMappingLayers, numWs(config)], [3, 96, 8, 10]);
  const G = weightsOf(cond.G_ema);
  const z = tf.randomNormal([2, 96], 0, 1, 'float32', 5) as tf.Tensor2D;
  const a = synthesis(
    G,
    config,
    mapping(
      G,
      config,
      z,
      tf.tensor2d([
        [1, 0, 0],
        [1, 0, 0],
      ]),
    ),
  );
  const b = synthesis(
    G,
    config,
    mapping(
      G,
      config,
      z,
      tf.tensor2d([
        [0, 0, 1],
        [0, 0, 1],
      ]),
    ),
  );
  assert.deepEqual(a.shape, [2, 64, 64, 3]);
  assert.ok(maxAbsError(a, b) > 0.01, 'the label matters');
  const logits = discriminator(
    weightsOf(cond.D!),
    config,
    a,
    tf.tensor2d([
      [1, 0, 0],
      [0, 1, 0],
    ]),
  );
  assert.deepEqual(logits.shape, [2, 1]);
  assert.ok(logits.dataSync().every(Number.isFinite));
});

test('FreezeD keeps the first K discriminator layers out of training; G, D and the moving average load from the file', async () => {
  await selectBackend('cpu');
  const { buildStyleGan2, discriminatorLayers } = await import('../../electron/engine/models/stylegan2');
  const { defaultModelConfig } = await import('../../electron/engine/models/registry');
  const { Rng } = await import('../../electron/engine/nn/rng');
  const spec = defaultModelConfig('stylegan2', 32, 3, { network: styleGan2Config(tiny.G_ema, tiny.D, 'tiny'), freezeD: 3, batchSize: 8 });
  assert.equal(spec.arch, 'stylegan2');
  if (spec.arch !== 'stylegan2') return;
  assert.ok(Math.abs(spec.config.r1Gamma - (0.0002 * 32 * 32) / 8) < 1e-12, "R1 γ by NVIDIA's 'auto' rule");
  const model = buildStyleGan2(spec.config, new Rng(1));
  assert.deepEqual(discriminatorLayers(spec.config).slice(0, 4), ['b32.fromrgb', 'b32.conv0', 'b32.conv1', 'b32.skip']);
  const trainable = (name: string) => model.params.get(name).trainable;
  assert.deepEqual(['D/b32.fromrgb.weight', 'D/b32.conv0.bias', 'D/b32.conv1.weight', 'D/b32.skip.weight', 'D/b4.out.weight'].map(trainable), [
    false,
    false,
    false,
    true,
    true,
  ]);
  assert.equal(trainable('G/mapping.w_avg'), false);
  assert.equal(trainable('Gs/mapping.fc0.weight'), false);
  const { weights } = { weights: { G: tiny.G.tensors, G_ema: tiny.G_ema.tensors, D: tiny.D!.tensors } };
  model.loadPretrained(weights as never);
  assert.equal(
    maxAbsError(model.params.get('Gs/synthesis.b4.const'), tf.tensor(tiny.G_ema.tensors.get('synthesis.b4.const')!.data as Float32Array, [64, 4, 4])),
    0,
  );
  assert.equal(maxAbsError(model.params.get('G/mapping.fc0.weight'), tf.tensor(tiny.G.tensors.get('mapping.fc0.weight')!.data as Float32Array, [64, 64])), 0);
  assert.equal(maxAbsError(model.params.get('D/b4.fc.weight'), tf.tensor(tiny.D!.tensors.get('b4.fc.weight')!.data as Float32Array, [64, 1024])), 0);
});

test("path-length regularisation: a separate G update every 4 steps on half the batch, its running mean moves, G's Adam slowed to match", async () => {
  await selectBackend('cpu');
  const { buildStyleGan2 } = await import('../../electron/engine/models/stylegan2');
  const { defaultModelConfig } = await import('../../electron/engine/models/registry');
  const { Rng } = await import('../../electron/engine/nn/rng');
  const { generatorStep } = await import('../../electron/engine/train/stylegan2-loss');
  const { adamPair } = await import('../../electron/engine/train/optimize');
  const spec = defaultModelConfig('stylegan2', 32, 3, { network: styleGan2Config(tiny.G_ema, tiny.D, 'tiny'), plWeight: 2, augment: 'none', batchSize: 4 });
  if (spec.arch !== 'stylegan2') throw new Error('not stylegan2');
  const model = buildStyleGan2(spec.config, new Rng(1));
  model.loadPretrained({ G: tiny.G.tensors, G_ema: tiny.G_ema.tensors, D: tiny.D!.tensors } as never);
  assert.equal(model.optimizer.gRegInterval, 4);
  const z = tf.randomNormal([4, 64], 0, 1, 'float32', 2) as tf.Tensor2D;
  // The penalty is differentiable down to the first mapping layer and the modulated convolutions.
  const { value, grads } = tf.variableGrads(() => model.pathLengthPenalty(z.slice([0, 0], [2, -1])), model.params.trainable('G/'));
  assert.ok(value.dataSync()[0]! > 0 && Number.isFinite(value.dataSync()[0]!));
  for (const name of ['G/mapping.fc0.weight', 'G/synthesis.b8.conv0.weight', 'G/synthesis.b32.conv1.affine.weight']) {
    const g = grads[model.params.get(name).name];
    assert.ok(g && tf.sum(tf.abs(g)).dataSync()[0]! > 0, `${name} gets a gradient`);
  }
  model.params.applyQueued();
  const firstMean = model.params.get('pl/mean').dataSync()[0]!;
  assert.ok(firstMean > 0, 'the running mean of path lengths moved from 0');
  // In the loop: step 0 takes it (the mean moves again), steps 1–3 do not.
  const opt = adamPair(0.0025, 0, 0.99, 16, 4);
  for (const [seen, moves] of [
    [0, true],
    [4, false],
  ] as const) {
    await model.setProgress!(seen);
    const before = model.params.get('pl/mean').dataSync()[0]!;
    tf.dispose(generatorStep(model, opt, z));
    assert.equal(model.params.get('pl/mean').dataSync()[0] !== before, moves, `after ${seen} images`);
  }
});

test("'orig' generators draw from their last toRGB only; 'skip' discriminators read the image at every resolution", async () => {
  await selectBackend('cpu');
  const { expectedShapes } = await import('../../electron/engine/models/stylegan2-networks');
  const base = styleGan2Config(tiny.G_ema, tiny.D, 'sg2-tiny-32.pkl');
  const config = { ...base, gArchitecture: 'orig' as const, dArchitecture: 'skip' as const };
  const gShapes = expectedShapes(config, 'G');
  assert.deepEqual(
    [...gShapes.keys()].filter((n) => n.includes('torgb.weight')),
    ['synthesis.b32.torgb.weight'],
    "'orig' has one toRGB",
  );
  assert.equal(numWs(config), numWs(base), 'the same number of W vectors');
  const dShapes = expectedShapes(config, 'D');
  assert.deepEqual(
    [...dShapes.keys()].filter((n) => n.endsWith('fromrgb.weight')),
    ['b32.fromrgb.weight', 'b16.fromrgb.weight', 'b8.fromrgb.weight', 'b4.fromrgb.weight'],
  );
  assert.ok(![...dShapes.keys()].some((n) => n.endsWith('skip.weight')), "'skip' has no residual convolutions");
  // The tiny network's own weights where the layouts share them, small random ones for the rest.
  const fill = (shapes: Map<string, number[]>, from: ImportedNetwork) =>
    new Map(
      [...shapes].map(([name, shape]) => [
        name,
        tf.tensor((from.tensors.get(name)?.data as Float32Array) ?? tf.randomNormal(shape, 0, 0.1, 'float32', 7).dataSync(), shape),
      ]),
    );
  const gTensors = fill(gShapes, tiny.G_ema);
  const dTensors = fill(dShapes, tiny.D!);
  const G: Weights = (name) => gTensors.get(name)!;
  const ws = mapping(G, config, tf.tensor2d(expected.z), null);
  const img = synthesis(G, config, ws, { noise: 'const' });
  assert.deepEqual(img.shape, [4, 32, 32, 3]);
  const withLast = synthesis((n) => (n === 'synthesis.b32.torgb.bias' ? tf.onesLike(gTensors.get(n)!) : gTensors.get(n)!), config, ws, { noise: 'const' });
  // It drew without lower toRGB layers (they have no weights here, and a lookup would fail); the last one's bias set to 1 shifts every pixel by 1 − bias.
  const shift = tf.tensor1d(Array.from(gTensors.get('synthesis.b32.torgb.bias')!.dataSync(), (v) => 1 - v));
  assert.ok(maxAbsError(tf.sub(withLast, img), shift) < 1e-4, "the last toRGB's bias moves every pixel by itself");
  const D: Weights = (name) => dTensors.get(name)!;
  const logits = discriminator(D, config, img, null);
  const without8 = discriminator((n) => (n === 'b8.fromrgb.weight' ? tf.zerosLike(dTensors.get(n)!) : dTensors.get(n)!), config, img, null);
  assert.deepEqual(logits.shape, [4, 1]);
  assert.ok(maxAbsError(logits, without8) > 1e-6, 'the 8 px copy of the image is read');
});

test('a StyleGAN2 checkpoint from before path-length regularisation resumes with a fresh running mean; any other missing weight is refused', async () => {
  await selectBackend('cpu');
  const { buildStyleGan2 } = await import('../../electron/engine/models/stylegan2');
  const { defaultModelConfig } = await import('../../electron/engine/models/registry');
  const { Rng } = await import('../../electron/engine/nn/rng');
  const { restoreCheckpoint } = await import('../../electron/engine/train/checkpoint');
  const { adamPair } = await import('../../electron/engine/train/optimize');
  const spec = defaultModelConfig('stylegan2', 32, 3, { network: styleGan2Config(tiny.G_ema, tiny.D, 'tiny'), batchSize: 4 });
  if (spec.arch !== 'stylegan2') throw new Error('not stylegan2');
  const model = buildStyleGan2(spec.config, new Rng(1));
  const old = (without: string) => ({
    header: { rng: { noise: model.noise.state() } },
    tensors: new Map([...model.params.vars].filter(([n]) => n !== without).map(([n, v]) => [`param:${n}`, v.clone()])),
  });
  await restoreCheckpoint(old('pl/mean') as never, model, adamPair(0.0025, 0, 0.99));
  assert.equal(model.params.get('pl/mean').dataSync()[0], 0);
  await assert.rejects(restoreCheckpoint(old('D/b4.out.bias') as never, model, adamPair(0.0025, 0, 0.99)), /the checkpoint has no D\/b4\.out\.bias/);
});
