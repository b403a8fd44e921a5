// Leporello's webgpu filter gradient (im2col, then a product cut into row slices) against the cpu
// backend's, on Dawn over SwiftShader: strides, paddings, odd sizes, and batches cut into image ranges.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { filterGradientLimits, imageRanges, sliceCount } from '../../electron/engine/kernels/webgpu-conv-filter-grad';
import { Rng } from '../../electron/engine/nn/rng';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

interface Case {
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number;
  pad: 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
}

const cases: Case[] = [
  { x: [4, 16, 16, 3], filter: [4, 4, 3, 8], strides: 2, pad: 'same' },
  // 4096 rows, one 32×32 tile of output: cut into 16 slices.
  { x: [4, 32, 32, 3], filter: [3, 3, 3, 8], strides: 1, pad: 'same' },
  { x: [2, 9, 7, 5], filter: [3, 3, 5, 6], strides: 1, pad: 'valid' },
  {
    x: [3, 8, 8, 4],
    filter: [3, 3, 4, 40],
    strides: 1,
    pad: [
      [0, 0],
      [1, 1],
      [1, 1],
      [0, 0],
    ],
  },
  { x: [5, 12, 12, 2], filter: [1, 1, 2, 3], strides: 1, pad: 'valid' },
  {
    x: [2, 10, 10, 16],
    filter: [4, 4, 16, 4],
    strides: 2,
    pad: [
      [0, 0],
      [1, 2],
      [2, 1],
      [0, 0],
    ],
  },
];

/** dL/dW for L = Σ conv2d(x, W) ⊙ r, on the active backend. */
async function filterGradient(c: Case, seed: number): Promise<Float32Array> {
  const rng = new Rng(seed);
  const values = (shape: number[]) => Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.normal());
  const x = tf.tensor4d(values(c.x), c.x);
  const w = tf.tensor4d(values(c.filter), c.filter);
  const y = tf.conv2d(x, w, c.strides, c.pad);
  const r = tf.tensor(values(y.shape), y.shape);
  const dW = tf.grad((filter: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(x, filter as tf.Tensor4D, c.strides, c.pad), r)))(w);
  const out = (await dW.data()) as Float32Array;
  tf.dispose([x, w, y, r, dW]);
  return out;
}

test('the webgpu filter gradient is a sliced matrix product that matches cpu (SwiftShader)', async () => {
  assert.ok(existsSync(SWIFTSHADER), `${SWIFTSHADER} is missing: install Debian's chromium package, which ships SwiftShader's Vulkan driver`);
  process.env.VK_ICD_FILENAMES = SWIFTSHADER;
  await selectBackend('webgpu');
  assert.equal(tf.getKernel('Conv2DBackpropFilter', 'webgpu')?.kernelFunc.name, 'filterGradient', "Leporello's kernel replaces tfjs-webgpu's");

  // Whole batches at once, then one image at a time (a budget smaller than one image's im2col).
  for (const budget of [filterGradientLimits.colFloats, 1]) {
    filterGradientLimits.colFloats = budget;
    for (const [i, c] of cases.entries()) {
      await selectBackend('cpu');
      const expected = await filterGradient(c, 10 + i);
      await selectBackend('webgpu');
      const actual = await filterGradient(c, 10 + i);
      assert.equal(actual.length, expected.length);
      const scale = Math.max(...expected.map(Math.abs));
      const worst = Math.max(...actual.map((v, k) => Math.abs(v - expected[k]!)));
      assert.ok(worst <= 1e-4 * scale, `case ${i} (budget ${budget}): largest difference ${worst} against values up to ${scale}`);
    }
  }
  filterGradientLimits.colFloats = 64 * 1024 * 1024;
});

test('row slices divide the rows and fill the GPU; image ranges cover the batch', () => {
  // A small filter gradient (one 32×32 tile) over many rows is cut into many slices, each whole.
  const s = sliceCount(8 * 32 * 32, 27, 16);
  assert.ok(s > 1 && (8 * 32 * 32) % s === 0, `slices: ${s}`);
  assert.ok((8 * 32 * 32) / s >= 256, 'no slice shorter than 256 rows');
  // Few rows: one slice. A prime number of rows: one slice (no equal cut exists).
  assert.equal(sliceCount(300, 27, 16), 1);
  assert.equal(sliceCount(7919, 27, 16), 1);
  assert.deepEqual(imageRanges(5, 10, 25), [
    [0, 2],
    [2, 4],
    [4, 5],
  ]);
  assert.deepEqual(imageRanges(3, 100, 25), [
    [0, 1],
    [1, 2],
    [2, 3],
  ]);
});
