// A tiny convolutional model trained on real portraits, to check that backends agree.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import * as tf from '../electron/engine/tf';
import { buildProgan } from '../electron/engine/models/progan';
import { Rng } from '../electron/engine/nn/rng';
import { adamPair } from '../electron/engine/train/optimize';
import { discriminatorStep, generatorStep } from '../electron/engine/train/wgan-gp';
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

/**
 * A tiny progressive GAN at 8×8 (stage 8×8, stable) trained with WGAN-GP for `steps` D and G
 * steps: the second-order gradient of the penalty runs on the backend under test.
 */
export async function trainTinyProgan(data: Float32Array, steps: number): Promise<{ d: number[]; g: number[] }> {
  const model = buildProgan({ resolution: 8, channels: 3, zDim: 8, width: 4, maxChannels: 8, phaseKimg: 1, emaHalfLifeKimg: 1 }, new Rng(21));
  model.setProgress!(2500);
  const opt = adamPair(1e-3, 0, 0.99);
  const rng = new Rng(22);
  const real = tf.tensor4d(data, [data.length / 192, 8, 8, 3]);
  const losses = { d: [] as number[], g: [] as number[] };
  for (let s = 0; s < steps; s++) {
    const z = model.sampleLatents(real.shape[0], rng);
    const d = discriminatorStep(model, opt, real, z, rng);
    const g = generatorStep(model, opt, z);
    losses.d.push((await d.data())[0]!);
    losses.g.push((await g.data())[0]!);
    tf.dispose([z, d, g]);
  }
  tf.dispose(real);
  opt.g.dispose();
  opt.d.dispose();
  model.params.dispose();
  return losses;
}

/** Loss curves agree where each step differs by less than `tolerance` of the larger of 1 and the loss. */
export function curvesAgree(a: number[], b: number[], tolerance: number): string | null {
  for (let s = 0; s < a.length; s++) {
    if (Math.abs(a[s]! - b[s]!) > tolerance * Math.max(1, Math.abs(a[s]!))) return `step ${s}: ${a[s]} vs ${b[s]}`;
  }
  return null;
}
