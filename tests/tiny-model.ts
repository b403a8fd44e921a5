// A tiny convolutional model trained on real portraits, to check that backends agree.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '../electron/engine/tf';
import { smallPortraits } from './helpers';

/** Real portraits at 8×8, scaled to [-1, 1]. */
export async function portraits8(count: number): Promise<Float32Array> {
  const files = readdirSync(smallPortraits).sort().slice(0, count);
  const out = new Float32Array(count * 8 * 8 * 3);
  for (const [i, f] of files.entries()) {
    const px = await sharp(join(smallPortraits, f)).resize(8, 8, { fit: 'cover' }).toColourspace('srgb').raw().toBuffer();
    for (let j = 0; j < px.length; j++) out[i * 192 + j] = px[j]! / 127.5 - 1;
  }
  return out;
}

/** Encoder-decoder: conv (stride 2) → leaky ReLU → transposed conv (stride 2) → tanh; Adam on MSE. */
export async function trainTiny(data: Float32Array, steps: number): Promise<number[]> {
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

