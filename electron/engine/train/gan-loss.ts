// The non-saturating GAN loss of Goodfellow et al., as DCGAN trains it, in its two phases:
// D learns to tell real from generated, G learns to make D call its images real.
// softplus(−l) = −log σ(l) and softplus(l) = −log(1 − σ(l)): binary cross-entropy on logits.
import * as tf from '../tf';
import type { GanModel } from '../models/gan-model';

export interface Optimizers {
  g: tf.Optimizer;
  d: tf.Optimizer;
}

/** Adam with the DCGAN seeds' settings: learning rate 2e-4, β1 0.5. */
export function dcganOptimizers(learningRate = 2e-4, beta1 = 0.5): Optimizers {
  return { g: tf.train.adam(learningRate, beta1, 0.999), d: tf.train.adam(learningRate, beta1, 0.999) };
}

/** One discriminator step; returns its loss (a scalar the caller disposes). */
export function discriminatorStep(model: GanModel, opt: Optimizers, real: tf.Tensor4D, z: tf.Tensor2D): tf.Scalar {
  const dVars = model.params.trainable('D/');
  const loss = opt.d.minimize(
    () => {
      const fake = model.generate(z, true);
      const realLogits = model.discriminate(real, true);
      const fakeLogits = model.discriminate(fake, true);
      return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
    },
    true,
    dVars,
  )!;
  model.params.applyQueued();
  return loss;
}

/** One generator step; returns its loss. */
export function generatorStep(model: GanModel, opt: Optimizers, z: tf.Tensor2D): tf.Scalar {
  const gVars = model.params.trainable('G/');
  const loss = opt.g.minimize(() => tf.mean(tf.softplus(tf.neg(model.discriminate(model.generate(z, true), true)))) as tf.Scalar, true, gVars)!;
  model.params.applyQueued();
  return loss;
}
