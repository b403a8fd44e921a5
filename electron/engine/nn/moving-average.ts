// The moving average of G's weights that draws the samples (progressive GAN, StyleGAN2): its
// half-life ramps up with training — at most 5 % of the images seen, as StyleGAN2-ADA's
// ema_rampup — so early witnesses show what G has learnt rather than its random start.
import * as tf from '../tf';
import type { Params } from './params';

const EMA_RAMPUP = 0.05;

/** Where each generator weight's average lives: "G/…" → "Gs/…". */
export const emaName = (name: string) => name.replace(/^G\//, 'Gs/');

/**
 * One update after a generator step of `imagesPerStep` images. Weights named by `copied` (buffers
 * such as StyleGAN2's w_avg) are copied rather than averaged.
 */
export function updateMovingAverage(
  p: Params,
  halfLifeKimg: number,
  imagesPerStep: number,
  imagesSeen: number,
  copied: (name: string) => boolean = () => false,
): void {
  const halfLife = Math.min(halfLifeKimg * 1000, Math.max(imagesPerStep, imagesSeen * EMA_RAMPUP));
  const beta = 0.5 ** (imagesPerStep / halfLife);
  tf.tidy(() => {
    for (const [name, v] of p.vars) {
      if (!name.startsWith('G/')) continue;
      const avg = p.get(emaName(name));
      avg.assign(copied(name) ? v : tf.add(v, tf.mul(tf.sub(avg, v), beta)));
    }
  });
}
