// StyleGAN2-ADA's training steps: the non-saturating logistic loss on augmented images, and every
// r1Interval steps a separate update with the R1 penalty — γ/2 · ‖∇D(real)‖², scaled by the
// interval (lazy regularisation). D's real logits feed ADA's estimate of overfitting.
// When its weight is set, G takes the path-length penalty every plInterval steps, on half the
// batch (NVIDIA's pl_batch_shrink), as a separate update scaled by the interval.
import * as tf from '../tf';
import type { GanModel } from '../models/gan-model';
import type { StyleModel } from '../models/style-model';
import { minimizeOver, type Optimizers } from './optimize';
import { reportStat } from './train-stats';

function r1Penalty(model: StyleModel, real: tf.Tensor4D, c: tf.Tensor2D | null): tf.Scalar {
  const grad = tf.grad((x: tf.Tensor) => tf.sum(model.discriminate(x as tf.Tensor4D, true, c)))(real);
  return tf.mean(tf.sum(tf.square(grad), [1, 2, 3])) as tf.Scalar;
}

/** `realLabels`: a conditional network's classes of the real images (one-hot rows); the fakes' travel in z. */
export function discriminatorStep(base: GanModel, opt: Optimizers, real: tf.Tensor4D, z: tf.Tensor2D, realLabels: tf.Tensor2D | null = null): tf.Scalar {
  const model = base as StyleModel;
  const n = real.shape[0];
  const fake = tf.tidy(() => model.augmentReal(model.generate(z, true)));
  const fakeLabels = model.conditionOf(z);
  const realAug = tf.tidy(() => model.augmentReal(real));
  let signMean: tf.Scalar | null = null;
  const loss = minimizeOver(opt.d, model.params.trainable('D/'), () => {
    const realLogits = model.discriminate(realAug, true, realLabels);
    const fakeLogits = model.discriminate(fake, true, fakeLabels);
    signMean = tf.keep(tf.mean(tf.sign(realLogits)) as tf.Scalar);
    return tf.add(tf.mean(tf.softplus(fakeLogits)), tf.mean(tf.softplus(tf.neg(realLogits)))) as tf.Scalar;
  });
  // A clone: ADA's estimate keeps (and later releases) the original.
  reportStat('D/signs', tf.clone(signMean!));
  model.observeRealSigns(signMean!, n);
  if (model.r1Due(n)) {
    const gamma = model.config.r1Gamma;
    const interval = model.config.r1Interval;
    tf.dispose(
      minimizeOver(opt.d, model.params.trainable('D/'), () => {
        const penalty = r1Penalty(model, realAug, realLabels);
        reportStat('Loss/r1', penalty);
        return tf.mul(penalty, (gamma / 2) * interval) as tf.Scalar;
      }),
    );
  }
  // Without augmentation realAug is the caller's own tensor: theirs to dispose.
  tf.dispose([...(realAug === real ? [fake] : [fake, realAug]), ...(fakeLabels ? [fakeLabels] : [])]);
  model.params.applyQueued();
  return loss;
}

export function generatorStep(base: GanModel, opt: Optimizers, z: tf.Tensor2D): tf.Scalar {
  const model = base as StyleModel;
  const labels = model.conditionOf(z);
  const loss = minimizeOver(
    opt.g,
    model.params.trainable('G/'),
    () => tf.mean(tf.softplus(tf.neg(model.discriminate(model.augmentReal(model.generate(z, true)), true, labels)))) as tf.Scalar,
  );
  labels?.dispose();
  const n = z.shape[0];
  if (model.plDue(n)) {
    const half = tf.slice(z, [0, 0], [Math.max(1, Math.floor(n / 2)), -1]);
    tf.dispose([
      minimizeOver(opt.g, model.params.trainable('G/'), () => {
        const penalty = model.pathLengthPenalty(half);
        reportStat('Loss/pl', penalty);
        return penalty;
      }),
      half,
    ]);
  }
  model.params.applyQueued();
  return loss;
}
