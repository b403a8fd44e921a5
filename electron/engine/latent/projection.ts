// Projection: the latent whose drawing best reproduces a given aligned portrait, found by
// gradient descent through the generator (Adam on the latent alone, the weights fixed). The loss
// is a pixel term and two perceptual ones: mean squared error; one minus the multi-scale
// structural similarity (SSIM at each scale of an image pyramid, averaged), which compares local
// luminance, contrast and structure as the eye does rather than pixel by pixel; and, when given,
// the squared distance between deep features of the two pictures — face-api's face descriptor
// (face-features.ts), which measures whether they show the same person.
//
// The descent starts from the best of a few drawn latents (and, in W, the average face, where
// NVIDIA's projector starts): the loss surface has local minima, and a start near the face avoids
// the worst of them. Z's average is a point the generator never saw, so it is not a candidate.
import * as tf from '../tf';
import type { FaceFeatures } from './face-features';
import type { LatentGenerator } from './latent-generator';

export interface ProjectionOptions {
  steps: number;
  /** Adam's step size at its peak (ramped up over the first 5 %, eased down over the last quarter). */
  learningRate: number;
  /** Weight of (1 − MS-SSIM) against the pixel MSE. */
  perceptualWeight: number;
  /** Z only: how many drawn latents to start from the best of. */
  starts: number;
  /** Deep features compared by the third term (face descriptors), and its weight; none leaves it out. */
  features?: FaceFeatures | null;
  featureWeight?: number;
  onProgress?: (step: number, total: number, loss: number) => void | Promise<void>;
  /** Asked before every step; true stops the projection where it is. */
  cancelled?: () => boolean;
}

export const DEFAULT_PROJECTION: ProjectionOptions = { steps: 300, learningRate: 0.05, perceptualWeight: 1, starts: 8 };

export interface Projection {
  latent: Float32Array;
  steps: number;
  /** Pixel mean squared error on the [−1, 1] scale, and multi-scale SSIM (1 = identical), of the final drawing. */
  mse: number;
  msssim: number;
  /** Euclidean distance between the face descriptors of the drawing and the portrait (face-api counts under 0.6 as the same person); null without features. */
  featureDistance: number | null;
  /** The loss after each step. */
  losses: number[];
  cancelled: boolean;
}

/** A normalised Gaussian window, as a one-channel filter [k, k, 1, 1]. */
function gaussianWindow(size: number, sigma: number): tf.Tensor4D {
  const g = Array.from({ length: size }, (_, i) => Math.exp(-((i - (size - 1) / 2) ** 2) / (2 * sigma * sigma)));
  const total = g.reduce((a, b) => a + b, 0);
  const k: number[] = [];
  for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) k.push((g[y]! * g[x]!) / (total * total));
  return tf.tensor4d(k, [size, size, 1, 1]);
}

/**
 * Each channel blurred alone: channels folded into the batch and one plain convolution, since
 * tfjs-wasm has no gradient for depthwise convolutions.
 */
function blurChannels(x: tf.Tensor4D, window: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const planes = tf.reshape(tf.transpose(x, [0, 3, 1, 2]), [n * c, h, w, 1]) as tf.Tensor4D;
  const blurred = tf.conv2d(planes, window, 1, 'valid');
  const [, bh, bw] = blurred.shape;
  return tf.transpose(tf.reshape(blurred, [n, c, bh, bw]), [0, 2, 3, 1]) as tf.Tensor4D;
}

/** SSIM (Wang et al. 2004) of images in [0, 1], averaged over pixels: one number per image pair. */
function ssim(a: tf.Tensor4D, b: tf.Tensor4D, window: tf.Tensor4D): tf.Tensor1D {
  const blur = (x: tf.Tensor4D) => blurChannels(x, window);
  const [c1, c2] = [0.01 ** 2, 0.03 ** 2];
  const ma = blur(a);
  const mb = blur(b);
  const va = tf.sub(blur(tf.mul(a, a)), tf.mul(ma, ma));
  const vb = tf.sub(blur(tf.mul(b, b)), tf.mul(mb, mb));
  const cov = tf.sub(blur(tf.mul(a, b)), tf.mul(ma, mb));
  const num = tf.mul(tf.add(tf.mul(2, tf.mul(ma, mb)), c1), tf.add(tf.mul(2, cov), c2));
  const den = tf.mul(tf.add(tf.add(tf.mul(ma, ma), tf.mul(mb, mb)), c1), tf.add(tf.add(va, vb), c2));
  return tf.mean(tf.div(num, den), [1, 2, 3]) as tf.Tensor1D;
}

/** SSIM at each scale of a pyramid (halving while the side stays at least 16 px, three scales at most), averaged. */
export function multiScaleSsim(a: tf.Tensor4D, b: tf.Tensor4D): tf.Tensor1D {
  return tf.tidy(() => {
    const window = gaussianWindow(7, 1.5);
    const scores: tf.Tensor1D[] = [];
    let [x, y] = [a, b];
    for (let scale = 0; scale < 3; scale++) {
      scores.push(ssim(x, y, window));
      if (x.shape[1] / 2 < 16) break;
      x = tf.avgPool(x, 2, 2, 'valid');
      y = tf.avgPool(y, 2, 2, 'valid');
    }
    return tf.mean(tf.stack(scores), 0) as tf.Tensor1D;
  });
}

interface Target {
  image: tf.Tensor4D;
  /** Its features [1, F], when the feature term is on. */
  features: tf.Tensor2D | null;
}

/** MSE, (1 − MS-SSIM) and the squared feature distance of drawings against the target, each [N]. */
function lossTerms(
  drawn: tf.Tensor4D,
  target: Target,
  features: FaceFeatures | null | undefined,
): { mse: tf.Tensor1D; dissimilarity: tf.Tensor1D; feature: tf.Tensor1D } {
  const n = drawn.shape[0];
  const image = n === 1 ? target.image : (tf.tile(target.image, [n, 1, 1, 1]) as tf.Tensor4D);
  const mse = tf.mean(tf.squaredDifference(drawn, image), [1, 2, 3]) as tf.Tensor1D;
  const toUnit = (x: tf.Tensor4D) => tf.div(tf.add(x, 1), 2) as tf.Tensor4D;
  // Both clipped to the range a picture can hold; the generator's raw output may overshoot it.
  const clipped = tf.clipByValue(drawn, -1, 1) as tf.Tensor4D;
  const dissimilarity = tf.sub(1, multiScaleSsim(toUnit(clipped), toUnit(tf.clipByValue(image, -1, 1)))) as tf.Tensor1D;
  const feature =
    features && target.features ? (tf.sum(tf.squaredDifference(features(clipped), target.features), 1) as tf.Tensor1D) : (tf.zeros([n]) as tf.Tensor1D);
  return { mse, dissimilarity, feature };
}

function weighted(terms: ReturnType<typeof lossTerms>, options: ProjectionOptions): tf.Tensor1D {
  return tf.add(tf.add(terms.mse, tf.mul(options.perceptualWeight, terms.dissimilarity)), tf.mul(options.featureWeight ?? 1, terms.feature)) as tf.Tensor1D;
}

function learningRateAt(step: number, steps: number, peak: number): number {
  const t = step / steps;
  const rampDown = Math.min(1, (1 - t) / 0.25);
  const rampUp = Math.min(1, t / 0.05);
  return peak * rampUp * (0.5 - 0.5 * Math.cos(Math.PI * rampDown)) + 1e-4;
}

async function startingLatent(generator: LatentGenerator, target: Target, options: ProjectionOptions): Promise<Float32Array> {
  const drawn = await generator.fromSeeds(Array.from({ length: options.starts }, (_, i) => 1_000_003 + i));
  const candidates = generator.space === 'w' ? [await generator.average(), ...drawn] : drawn;
  const losses = tf.tidy(() => {
    const drawn = generator.draw(tf.tensor2d(candidates.map((c) => Array.from(c))));
    return weighted(lossTerms(drawn, target, options.features), options);
  });
  const values = await losses.data();
  losses.dispose();
  return candidates[values.indexOf(Math.min(...values))]!;
}

/** Projects one image (NHWC [1, r, r, c] in [−1, 1], the generator's own size) into the generator's latent space. */
export async function project(generator: LatentGenerator, target: tf.Tensor4D, options: ProjectionOptions = DEFAULT_PROJECTION): Promise<Projection> {
  const [, h, w, c] = target.shape;
  if (h !== generator.resolution || w !== generator.resolution || c !== generator.channels) {
    throw new Error(`the portrait is ${w}×${h}×${c}; this generator draws ${generator.resolution}×${generator.resolution}×${generator.channels}`);
  }
  const goal: Target = { image: target, features: options.features ? tf.tidy(() => options.features!(tf.clipByValue(target, -1, 1) as tf.Tensor4D)) : null };
  const latent = tf.variable(tf.tensor2d([Array.from(await startingLatent(generator, goal, options))]), true, `projection-${Date.now()}`);
  const optimizer = tf.train.adam(options.learningRate, 0.9, 0.999, 1e-8);
  const losses: number[] = [];
  let cancelled = false;
  try {
    for (let step = 0; step < options.steps; step++) {
      if (options.cancelled?.()) {
        cancelled = true;
        break;
      }
      // tfjs's Adam reads its step size at every update; the schedule sets it.
      (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt(step, options.steps, options.learningRate);
      const loss = optimizer.minimize(
        () => tf.sum(weighted(lossTerms(generator.draw(latent as tf.Tensor2D), goal, options.features), options)) as tf.Scalar,
        true,
        [latent],
      )!;
      losses.push((await loss.data())[0]!);
      loss.dispose();
      await options.onProgress?.(step + 1, options.steps, losses.at(-1)!);
    }
    const final = tf.tidy(() => {
      const { mse, dissimilarity, feature } = lossTerms(generator.draw(latent as tf.Tensor2D), goal, options.features);
      return tf.concat([mse, dissimilarity, feature]);
    });
    const [mse, dissimilarity, feature] = await final.data();
    final.dispose();
    return {
      latent: Float32Array.from(await latent.data()),
      steps: losses.length,
      mse: mse!,
      msssim: 1 - dissimilarity!,
      featureDistance: goal.features ? Math.sqrt(feature!) : null,
      losses,
      cancelled,
    };
  } finally {
    goal.features?.dispose();
    latent.dispose();
    optimizer.dispose();
  }
}
