// Adaptive discriminator augmentation (Karras et al. 2020, StyleGAN2-ADA) for small collections:
// every image D sees — real or generated — is augmented with probability p per transform, and p
// follows how sure D is of the reals: the mean sign of its real logits is pushed toward a target
// (0.6), p moving by the images seen over `adaKimg` thousand. Because the same augmentations
// apply to both, they do not leak into what G learns.
//
// Implemented here: the pixel blitting group (x-flip, 90° rotations, integer translation with
// reflection) as one gather per image, and the colour group (brightness, contrast, saturation).
// NVIDIA's geometric group (isotropic and anisotropic scaling, arbitrary rotation, fractional
// translation) and its hue rotation and luma flip are not implemented yet.
import * as tf from '../tf';
import type { Rng } from '../nn/rng';

export interface AdaSettings {
  target: number;
  /** Thousands of images over which p may move from 0 to 1. */
  adaKimg: number;
  /** Steps between adjustments of p (NVIDIA: 4). */
  interval: number;
}

export const ADA_DEFAULTS: AdaSettings = { target: 0.6, adaKimg: 500, interval: 4 };

/** One output pixel's source per image: x-flip, rotation by k·90°, translation with mirrored edges. */
function blitIndices(n: number, size: number, p: number, rng: Rng): { indices: Int32Array; changed: boolean } {
  const indices = new Int32Array(n * size * size);
  let changed = false;
  const mirror = (v: number) => {
    const period = 2 * size;
    let m = ((v % period) + period) % period;
    if (m >= size) m = period - 1 - m;
    return m;
  };
  for (let img = 0; img < n; img++) {
    const flip = rng.next() < p ? rng.next() < 0.5 : false;
    const turns = rng.next() < p ? Math.floor(rng.next() * 4) : 0;
    const [tx, ty] = rng.next() < p ? [Math.round((rng.next() * 2 - 1) * 0.125 * size), Math.round((rng.next() * 2 - 1) * 0.125 * size)] : [0, 0];
    if (flip || turns || tx || ty) changed = true;
    for (let y = 0; y < size; y++)
      for (let x = 0; x < size; x++) {
        let sx = mirror(x - tx);
        let sy = mirror(y - ty);
        for (let t = 0; t < turns; t++) [sx, sy] = [sy, size - 1 - sx];
        if (flip) sx = size - 1 - sx;
        indices[(img * size + y) * size + x] = (img * size + sy) * size + sx;
      }
  }
  return { indices, changed };
}

/** Per-image values: `draw()` with probability p, else `neutral`. */
function perImage(n: number, p: number, rng: Rng, neutral: number, draw: () => number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: n }, () => (rng.next() < p ? draw() : neutral)), [n, 1, 1, 1]);
}

/** Augments images NHWC in [-1, 1]; differentiable with respect to them (G learns through it). */
export function augment(x: tf.Tensor4D, p: number, rng: Rng): tf.Tensor4D {
  if (p <= 0) return x;
  return tf.tidy(() => {
    const [n, h, w, c] = x.shape;
    let y = x;
    const { indices, changed } = blitIndices(n, h, p, rng);
    if (changed && h === w) y = tf.gather(y.reshape([n * h * w, c]), tf.tensor1d(indices, 'int32')).reshape([n, h, w, c]) as tf.Tensor4D;
    const normal = () => rng.normal();
    // Brightness: add N(0, 0.2). Contrast: scale around the image mean by lognormal(0, 0.5·ln 2).
    y = tf.add(y, perImage(n, p, rng, 0, () => 0.2 * normal())) as tf.Tensor4D;
    const mean = tf.mean(y, [1, 2, 3], true);
    y = tf.add(mean, tf.mul(tf.sub(y, mean), perImage(n, p, rng, 1, () => 2 ** (0.5 * normal())))) as tf.Tensor4D;
    if (c === 3) {
      // Saturation: scale the distance from the pixel's luma by lognormal(0, ln 2).
      const luma = tf.mean(y, 3, true);
      y = tf.add(luma, tf.mul(tf.sub(y, luma), perImage(n, p, rng, 1, () => 2 ** normal()))) as tf.Tensor4D;
    }
    return y;
  });
}

/** The next p: toward more augmentation when D is too sure of the reals (mean sign above target). */
export function adjustP(p: number, realSignMean: number, imagesSinceLast: number, settings: AdaSettings = ADA_DEFAULTS): number {
  const step = (Math.sign(realSignMean - settings.target) * imagesSinceLast) / (settings.adaKimg * 1000);
  return Math.min(1, Math.max(0, p + step));
}
