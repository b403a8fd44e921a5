// The Wasserstein loss with gradient penalty (Gulrajani et al. 2017) as the progressive GAN
// trains with it: D scores real images high and generated ones low; the penalty holds D's
// input gradient near unit norm on random blends of real and generated images (λ = 10); the
// drift term (ε = 0.001) keeps the real scores from wandering away from zero.
import * as tf from '../tf';
import type { GanModel } from '../models/gan-model';
import type { Rng } from '../nn/rng';
import { minimizeOver, type Optimizers } from './optimize';
import { reportStat } from './train-stats';

export const GP_WEIGHT = 10;
export const DRIFT_WEIGHT = 1e-3;

/** The gradient penalty of D at `blend`: mean over images of (‖∇D‖ − 1)². */
export function gradientPenalty(model: GanModel, blend: tf.Tensor4D): tf.Scalar {
  const grad = tf.grad((x: tf.Tensor) => tf.sum(model.discriminate(x as tf.Tensor4D, true)))(blend);
  const norm = tf.sqrt(tf.add(tf.sum(tf.square(grad), [1, 2, 3]), 1e-8));
  return tf.mean(tf.square(tf.sub(norm, 1))) as tf.Scalar;
}

export function discriminatorStep(model: GanModel, opt: Optimizers, real: tf.Tensor4D, z: tf.Tensor2D, rng: Rng): tf.Scalar {
  const n = real.shape[0];
  const fake = tf.tidy(() => model.generate(z, true));
  const mix = tf.tensor4d(
    Float32Array.from({ length: n }, () => rng.next()),
    [n, 1, 1, 1],
  );
  const loss = minimizeOver(opt.d, model.params.trainable('D/'), () => {
    const realScores = model.discriminate(real, true);
    const fakeScores = model.discriminate(fake, true);
    const blend = tf.add(real, tf.mul(tf.sub(fake, real), mix)) as tf.Tensor4D;
    const wasserstein = tf.sub(tf.mean(fakeScores), tf.mean(realScores));
    const drift = tf.mul(tf.mean(tf.square(realScores)), DRIFT_WEIGHT);
    const penalty = gradientPenalty(model, blend);
    reportStat('Loss/gp', penalty);
    reportStat('Loss/wasserstein', wasserstein as tf.Scalar);
    return tf.addN([wasserstein, tf.mul(penalty, GP_WEIGHT), drift]) as tf.Scalar;
  });
  tf.dispose([fake, mix]);
  return loss;
}

export function generatorStep(model: GanModel, opt: Optimizers, z: tf.Tensor2D): tf.Scalar {
  return minimizeOver(opt.g, model.params.trainable('G/'), () => tf.neg(tf.mean(model.discriminate(model.generate(z, true), true))) as tf.Scalar);
}
