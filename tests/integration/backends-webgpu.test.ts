// The same tiny convolutional model trained on `cpu` and on `webgpu` — Dawn on SwiftShader, the
// software Vulkan driver that Debian's chromium package ships — must give the same losses; and
// StyleGAN2 must draw NVIDIA's images there and train as on cpu.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { defaultModelConfig } from '../../electron/engine/models/registry';
import { buildStyleGan2 } from '../../electron/engine/models/stylegan2';
import { discriminator, mapping, synthesis } from '../../electron/engine/models/stylegan2-networks';
import { Rng } from '../../electron/engine/nn/rng';
import { adamPair } from '../../electron/engine/train/optimize';
import { discriminatorStep, generatorStep } from '../../electron/engine/train/stylegan2-loss';
import { styleGan2Config } from '../../electron/services/exchange/pickle/stylegan2-config';
import { readNetworkPickle, type ImportedNetwork } from '../../electron/services/exchange/pickle/stylegan2-pickle';
import { sharedData } from '../helpers';
import { curvesAgree, portraits8, trainTiny, trainTinyProgan } from '../tiny-model';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

test('the same tiny model trains to the same losses on cpu and on webgpu (SwiftShader)', async () => {
  assert.ok(existsSync(SWIFTSHADER), `${SWIFTSHADER} is missing: install Debian's chromium package, which ships SwiftShader's Vulkan driver`);
  process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const data = await portraits8(6);

  await selectBackend('cpu');
  const onCpu = await trainTiny(data, 12);
  const gpu = await selectBackend('webgpu');
  assert.match(gpu.detail, /swiftshader/i);
  const onGpu = await trainTiny(data, 12);

  assert.ok(onCpu[11]! < onCpu[0]! * 0.8, `the loss falls: ${onCpu[0]} → ${onCpu[11]}`);
  for (let s = 0; s < onCpu.length; s++) {
    const rel = Math.abs(onCpu[s]! - onGpu[s]!) / onCpu[s]!;
    assert.ok(rel < 1e-3, `step ${s}: cpu ${onCpu[s]} vs webgpu ${onGpu[s]}`);
  }

  // The progressive GAN, whose gradient penalty differentiates a gradient, on both.
  const portraits = await portraits8(4);
  await selectBackend('cpu');
  const proganCpu = await trainTinyProgan(portraits, 3);
  await selectBackend('webgpu');
  const proganGpu = await trainTinyProgan(portraits, 3);
  assert.equal(curvesAgree(proganCpu.d, proganGpu.d, 1e-3), null, 'progressive GAN D losses agree');
  assert.equal(curvesAgree(proganCpu.g, proganGpu.g, 1e-3), null, 'progressive GAN G losses agree');
});

test("StyleGAN2 on webgpu (SwiftShader): NVIDIA's images and logits, and a training step (R1, path length, ADA) as on cpu", async () => {
  process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  const fixtures = join(sharedData, '..', 'fixtures', 'stylegan2');
  const tiny = readNetworkPickle(readFileSync(join(fixtures, 'sg2-tiny-32.pkl')), 'sg2-tiny-32.pkl');
  const expected = JSON.parse(readFileSync(join(fixtures, 'sg2-tiny-32.expected.json'), 'utf8'));
  const config = styleGan2Config(tiny.G_ema, tiny.D, 'sg2-tiny-32.pkl');
  await selectBackend('webgpu');
  const weights = (net: ImportedNetwork) => {
    const m = new Map([...net.tensors].map(([n, t]) => [n, tf.tensor(t.data as Float32Array, t.shape)]));
    return (n: string) => m.get(n)!;
  };
  const img = synthesis(weights(tiny.G_ema), config, mapping(weights(tiny.G_ema), config, tf.tensor2d(expected.z), null, { psi: 0.7 }), { noise: 'const' });
  const err = async (a: tf.Tensor, b: tf.Tensor) => (await tf.max(tf.abs(tf.sub(a, b))).data())[0]!;
  assert.ok((await err(img, tf.tensor(expected.outputs['psi0.7'].img).transpose([0, 2, 3, 1]))) <= 1e-3, 'images');
  const logits = discriminator(weights(tiny.D!), config, tf.tensor(expected.outputs['psi1.0'].img).transpose([0, 2, 3, 1]) as tf.Tensor4D, null);
  assert.ok((await err(logits, tf.tensor(expected.d_logits))) <= 1e-3, 'logits');

  // One D step with R1 and one G step with the path-length penalty, ADA at p = 0.5, from the network's weights.
  const steps = async () => {
    const spec = defaultModelConfig('stylegan2', 32, 3, { network: config, batchSize: 2, plWeight: 2 });
    if (spec.arch !== 'stylegan2') throw new Error('not stylegan2');
    const model = buildStyleGan2(spec.config, new Rng(1));
    model.loadPretrained({ G: tiny.G.tensors, G_ema: tiny.G_ema.tensors, D: tiny.D!.tensors } as never);
    model.params.get('ada/p').assign(tf.scalar(0.5));
    await model.setProgress!(0);
    const opt = adamPair(0.0025, 0, 0.99, 16, 4);
    // Two images: SwiftShader computes every shader on the CPU, and R1 and the path length differentiate twice.
    const real = tf.tensor(expected.outputs['psi1.0'].img).transpose([0, 2, 3, 1]).slice([0, 0, 0, 0], [2, -1, -1, -1]) as tf.Tensor4D;
    const rng = new Rng(2);
    const d = await discriminatorStep(model, opt, real, model.sampleLatents(2, rng)).data();
    const g = await generatorStep(model, opt, model.sampleLatents(2, rng)).data();
    const after = await model.params.get('G/synthesis.b32.conv1.weight').data();
    return { d: d[0]!, g: g[0]!, after };
  };
  const onGpu = await steps();
  await selectBackend('cpu');
  const onCpu = await steps();
  assert.ok(
    Math.abs(onGpu.d - onCpu.d) / Math.abs(onCpu.d) < 1e-3 && Math.abs(onGpu.g - onCpu.g) / Math.abs(onCpu.g) < 1e-3,
    `losses: cpu ${onCpu.d}, ${onCpu.g}; webgpu ${onGpu.d}, ${onGpu.g}`,
  );
  const moved = Array.from(onCpu.after).reduce((m, v, i) => Math.max(m, Math.abs(v - onGpu.after[i]!)), 0);
  assert.ok(moved < 1e-4, `G's weights after the steps differ by ${moved}`);
});
