// The training steps of each objective, behind one shape so the loop does not care which.
import type * as tf from '../tf';
import type { GanModel, Objective } from '../models/gan-model';
import type { Rng } from '../nn/rng';
import * as nonsaturating from './gan-loss';
import type { Optimizers } from './optimize';
import * as wganGp from './wgan-gp';
import * as stylegan2 from './stylegan2-loss';

export interface TrainingSteps {
  /** `realLabels`: the real images' classes (one-hot rows), for a conditional network. */
  discriminator(model: GanModel, opt: Optimizers, real: tf.Tensor4D, z: tf.Tensor2D, rng: Rng, realLabels?: tf.Tensor2D | null): tf.Scalar;
  generator(model: GanModel, opt: Optimizers, z: tf.Tensor2D): tf.Scalar;
  /**
   * G's step takes the latents of the D step just before it, so that G learns from the very fake
   * D judged (the DCGAN example's procedure); otherwise it draws its own.
   */
  generatorReusesLatents: boolean;
}

export const trainingSteps: Record<Objective, TrainingSteps> = {
  nonsaturating: {
    discriminator: (m, o, r, z) => nonsaturating.discriminatorStep(m, o, r, z),
    generator: nonsaturating.generatorStep,
    generatorReusesLatents: true,
  },
  'wgan-gp': { discriminator: wganGp.discriminatorStep, generator: wganGp.generatorStep, generatorReusesLatents: false },
  stylegan2: {
    discriminator: (m, o, r, z, _rng, labels) => stylegan2.discriminatorStep(m, o, r, z, labels ?? null),
    generator: stylegan2.generatorStep,
    generatorReusesLatents: false,
  },
};
