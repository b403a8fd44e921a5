// What every model family offers the training loop, the sampler and the health metrics.
import type * as tf from '../tf';
import type { Params } from '../nn/params';
import type { Rng } from '../nn/rng';

/** How far a growing network has come: the size it trains at, and how far its newest block has faded in. */
export interface TrainingStage {
  resolution: number;
  alpha: number;
}

/** The loss a family trains with: see train/gan-loss.ts and train/wgan-gp.ts. */
export type Objective = 'nonsaturating' | 'wgan-gp' | 'stylegan2';

export interface OptimizerSettings {
  learningRate: number;
  beta1: number;
  beta2: number;
  /** Lazy regularisation every this many D steps: D's rate and betas are scaled as NVIDIA does (mb_ratio). */
  dRegInterval?: number;
  /** The same for G's lazy regulariser (StyleGAN2's path length). */
  gRegInterval?: number;
}

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
  /** One logit per image; a conditional family's judges each image with its class (one-hot rows). */
  discriminate(x: tf.Tensor4D, training: boolean, c?: tf.Tensor2D | null): tf.Tensor2D;
  /**
   * Latents as the family draws them (Gaussian, or on the unit hypersphere). A conditional family's
   * carry a one-hot class after z: the given `classes`, or every class in turn.
   */
  sampleLatents(count: number, rng: Rng, classes?: number[]): tf.Tensor2D;
  readonly objective: Objective;
  /** Adam's settings where the run gives none. */
  readonly optimizer: OptimizerSettings;

  // Growing families only (progressive GAN). The stage follows from the images seen alone, so a
  // resumed run is at the same stage as the run it continues.
  readonly stage?: TrainingStage;
  setProgress?(imagesSeen: number): void | Promise<void>;
  /** Real images as D sees them at the current stage. */
  prepareReals?(x: tf.Tensor4D): tf.Tensor4D;
  /** After every generator step (`imagesSeen` counts it): moving averages of the weights. */
  afterGeneratorStep?(imagesPerStep: number, imagesSeen: number): void;
}

export function log2Exact(resolution: number): number {
  const l = Math.log2(resolution);
  if (!Number.isInteger(l) || resolution < 8) throw new Error(`resolution ${resolution} is not a power of two of at least 8`);
  return l;
}
