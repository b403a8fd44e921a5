import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { probeBackends, selectBackend } from '../../electron/engine/backends';
import { curvesAgree, portraits8, trainTiny, trainTinyProgan } from '../tiny-model';

// This file runs without a GPU and without a software Vulkan driver: what a studio machine with
// no GPU sees. (tests/integration/backends-webgpu.test.ts gives Dawn SwiftShader.)
delete process.env.VK_ICD_FILENAMES;

test('auto picks the best backend that can train here and says why the better ones could not', async () => {
  const choice = await selectBackend('auto', 'train');
  assert.equal(choice.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
  const why = Object.fromEntries(choice.attempts.map((a) => [a.name, a.detail]));
  assert.match(why.tensorflow!, /@tensorflow\/tfjs-node-gpu is not installed/);
  assert.match(why.webgpu!, /Dawn found no GPU adapter/);
  assert.match(choice.summary, /^computing on wasm \(WebAssembly .*\); tensorflow unavailable: .*; webgpu unavailable: /);
});

test("the same tiny model trains to the same losses on cpu and on wasm (with Leporello's convolution gradients)", async () => {
  const data = await portraits8(6);
  await selectBackend('cpu');
  const onCpu = await trainTiny(data, 12);
  await selectBackend('wasm');
  const onWasm = await trainTiny(data, 12);
  assert.ok(onCpu[11]! < onCpu[0]! * 0.8, `the loss falls: ${onCpu[0]} → ${onCpu[11]}`);
  for (let s = 0; s < onCpu.length; s++) assert.ok(Math.abs(onCpu[s]! - onWasm[s]!) / onCpu[s]! < 1e-3, `step ${s}: cpu ${onCpu[s]} vs wasm ${onWasm[s]}`);
});

test('the progressive GAN trains with its gradient penalty (a second-order gradient) to the same losses on cpu and on wasm', async () => {
  const data = await portraits8(4);
  await selectBackend('cpu');
  const onCpu = await trainTinyProgan(data, 4);
  await selectBackend('wasm');
  const onWasm = await trainTinyProgan(data, 4);
  assert.equal(new Set(onCpu.d.map((v) => v.toFixed(3))).size, 4, `the D loss moves: ${onCpu.d}`);
  assert.equal(curvesAgree(onCpu.d, onWasm.d, 1e-3), null, 'D losses agree');
  assert.equal(curvesAgree(onCpu.g, onWasm.g, 1e-3), null, 'G losses agree');
});

test('wasm samples too', async () => {
  const choice = await selectBackend('auto', 'sample');
  assert.equal(choice.name, 'wasm');
  const y = tf.tidy(() => tf.conv2dTranspose(tf.ones<tf.Rank.R4>([1, 4, 4, 2]), tf.ones<tf.Rank.R4>([4, 4, 3, 2]), [1, 8, 8, 3], 2, 'same'));
  assert.deepEqual(y.shape, [1, 8, 8, 3]);
  y.dispose();
});

test('a backend asked for by name is that one or a clear error, never a silent fallback', async () => {
  await assert.rejects(selectBackend('webgpu'), /the webgpu backend cannot run here: Dawn found no GPU adapter.*Choose "auto"/);
  await assert.rejects(selectBackend('tensorflow'), /tfjs-node-gpu is not installed/);
  assert.equal((await selectBackend('cpu')).name, 'cpu');
  for (const purpose of ['sample', 'train'] as const) {
    const all = await probeBackends(purpose);
    assert.deepEqual(
      all.map((a) => [a.name, a.ok]),
      [
        ['tensorflow', false],
        ['webgpu', false],
        ['wasm', true],
        ['cpu', true],
      ],
    );
  }
});
