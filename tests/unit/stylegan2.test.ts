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
import { sharedData } from '../helpers';

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

for (const backend of ['cpu', 'wasm'] as const) {
  test(`sg2-tiny-32 on ${backend}: W, images at ψ 1 and 0.7, and D's logits match NVIDIA's`, async () => {
    await selectBackend(backend);
    const config = styleGan2Config(tiny.G_ema, tiny.D, 'sg2-tiny-32.pkl');
    assert.equal(numWs(config), 8);
    const G = weightsOf(tiny.G_ema);
    const D = weightsOf(tiny.D!);
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
  const a = synthesis(G, config, mapping(G, config, z, tf.tensor2d([[1, 0, 0], [1, 0, 0]])));
  const b = synthesis(G, config, mapping(G, config, z, tf.tensor2d([[0, 0, 1], [0, 0, 1]])));
  assert.deepEqual(a.shape, [2, 64, 64, 3]);
  assert.ok(maxAbsError(a, b) > 0.01, 'the label matters');
  const logits = discriminator(weightsOf(cond.D!), config, a, tf.tensor2d([[1, 0, 0], [0, 1, 0]]));
  assert.deepEqual(logits.shape, [2, 1]);
  assert.ok(logits.dataSync().every(Number.isFinite));
});
