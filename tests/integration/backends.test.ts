import assert from 'node:assert/strict';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { probeBackends, selectBackend } from '../../electron/engine/backends';

// This file runs without a GPU and without a software Vulkan driver: what a studio machine with
// no GPU sees. (tests/integration/backends-webgpu.test.ts gives Dawn SwiftShader.)
delete process.env.VK_ICD_FILENAMES;

test('auto picks the best backend that can train here and says why the better ones could not', async () => {
  const choice = await selectBackend('auto', 'train');
  assert.equal(choice.name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  const why = Object.fromEntries(choice.attempts.map((a) => [a.name, a.detail]));
  assert.match(why.tensorflow!, /@tensorflow\/tfjs-node-gpu is not installed/);
  assert.match(why.webgpu!, /Dawn found no GPU adapter/);
  assert.match(why.wasm!, /no Conv2DBackpropFilter kernel, which training convolutional networks needs/);
  assert.match(choice.summary, /^computing on cpu \(plain JavaScript\); tensorflow unavailable: .*; webgpu unavailable: .*; wasm unavailable: /);
});

test('sampling needs no filter gradient, so wasm serves it', async () => {
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
  const all = await probeBackends('sample');
  assert.deepEqual(all.map((a) => [a.name, a.ok]), [['tensorflow', false], ['webgpu', false], ['wasm', true], ['cpu', true]]);
});
