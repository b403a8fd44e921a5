// What every model family offers the training loop, the sampler and the health metrics.
import type * as tf from '../tf';
import type { Params } from '../nn/params';
import type { Rng } from '../nn/rng';

export interface GanModel {
  readonly arch: string;
  readonly resolution: number;
  readonly channels: 1 | 3;
  readonly zDim: number;
  readonly params: Params;
  /** Randomness inside the networks (dropout masks), kept so a checkpoint can store its state. */
  readonly noise: Rng;
  /** Images in [-1, 1], NHWC. `training` selects batch statistics and dropout. */
  generate(z: tf.Tensor2D, training: boolean): tf.Tensor4D;
  /** One logit per image. */
  discriminate(x: tf.Tensor4D, training: boolean): tf.Tensor2D;
  /** Latents as the family draws them (Gaussian, or on the unit hypersphere). */
  sampleLatents(count: number, rng: Rng): tf.Tensor2D;
}

export function log2Exact(resolution: number): number {
  const l = Math.log2(resolution);
  if (!Number.isInteger(l) || resolution < 8) throw new Error(`resolution ${resolution} is not a power of two of at least 8`);
  return l;
}
