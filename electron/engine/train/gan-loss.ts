// The non-saturating GAN loss of Goodfellow et al., as DCGAN trains it, in its two phases:
// D learns to tell real from generated, G learns to make D call its images real.
// softplus(−l) = −log σ(l) and softplus(l) = −log(1 − σ(l)): binary cross-entropy on logits.
import * as tf from '../tf';
import type { GanModel } from '../models/gan-model';
import { minimizeOver, type Optimizers } from './optimize';

/** One discriminator step; returns its loss (a scalar the caller disposes). */
export function discriminatorStep(model: GanModel, opt: Optimizers, real: tf.Tensor4D, z: tf.Tensor2D): tf.Scalar {
  // G's forward pass is outside the gradient: this step changes D only.
  const fake = tf.tidy(() => model.generate(z, true));
  const loss = minimizeOver(opt.d, model.params.trainable('D/'), () => {
    const realLogits = model.discriminate(real, true);
    const fakeLogits = model.discriminate(fake, true);
    return tf.add(tf.mean(tf.softplus(tf.neg(realLogits))), tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
  });
  fake.dispose();
  model.params.applyQueued();
  return loss;
}

/**
 * One generator step on the latents of the discriminator step before it (objectives.ts): G draws
 * the same fake again, with the same batch statistics, which that step already moved G's running
 * statistics towards, so they move once per step (PyTorch's momentum 0.1), not twice. Returns its loss.
 */
export function generatorStep(model: GanModel, opt: Optimizers, z: tf.Tensor2D): tf.Scalar {
  const loss = minimizeOver(
    opt.g,
    model.params.trainable('G/'),
    () => tf.mean(tf.softplus(tf.neg(model.discriminate(model.generate(z, true), true)))) as tf.Scalar,
  );
  model.params.discardQueued('G/');
  model.params.applyQueued();
  return loss;
}
