// The same tiny convolutional model trained on `cpu` and on `webgpu` — Dawn on SwiftShader, the
// software Vulkan driver that Debian's chromium package ships — must give the same losses.
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import sharp from 'sharp';
import { selectBackend } from '../../electron/engine/backends';
import { smallPortraits } from '../helpers';

const SWIFTSHADER = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** Real portraits at 8×8, scaled to [-1, 1]. */
async function portraits8(count: number): Promise<Float32Array> {
  const files = readdirSync(smallPortraits).sort().slice(0, count);
  const out = new Float32Array(count * 8 * 8 * 3);
  for (const [i, f] of files.entries()) {
    const px = await sharp(join(smallPortraits, f)).resize(8, 8, { fit: 'cover' }).toColourspace('srgb').raw().toBuffer();
    for (let j = 0; j < px.length; j++) out[i * 192 + j] = px[j]! / 127.5 - 1;
  }
  return out;
}

/** Encoder-decoder: conv (stride 2) → leaky ReLU → transposed conv (stride 2) → tanh; Adam on MSE. */
async function trainTiny(data: Float32Array, steps: number): Promise<number[]> {
  const x = tf.tensor4d(data, [data.length / 192, 8, 8, 3]);
  const down = tf.variable(tf.randomNormal([3, 3, 3, 8], 0, 0.3, 'float32', 11));
  const up = tf.variable(tf.randomNormal([4, 4, 3, 8], 0, 0.3, 'float32', 12));
  const optimizer = tf.train.adam(0.02, 0.5);
  const losses: number[] = [];
  for (let s = 0; s < steps; s++) {
    const cost = optimizer.minimize(
      () => {
        const h = tf.leakyRelu(tf.conv2d(x, down as tf.Tensor4D, 2, 'same'), 0.2);
        const y = tf.tanh(tf.conv2dTranspose(h, up as tf.Tensor4D, [x.shape[0], 8, 8, 3], 2, 'same'));
        return tf.losses.meanSquaredError(x, y) as tf.Scalar;
      },
      true,
      [down, up],
    )!;
    // Read back asynchronously: webgpu's synchronous read needs a browser's OffscreenCanvas.
    losses.push((await cost.data())[0]!);
    cost.dispose();
  }
  tf.dispose([x, down, up]);
  optimizer.dispose();
  return losses;
}

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
});
