// The progressive GAN of Karras, Aila, Laine & Lehtinen (2017). Both networks are built for the
// final resolution but train from 4×4 upwards: each new resolution's block is faded in (its
// output blended with the upsampled output of the level below, α rising from 0 to 1) and then
// trained on its own, for `phaseKimg` thousand images each.
// G: z → pixel norm → dense to 4×4 → conv 3 → per level [upsample ×2, conv 3, conv 3] → 1×1 toRGB,
//    LeakyReLU 0.2 and pixel norm after every layer but toRGB; linear output.
// D: 1×1 fromRGB → per level [conv 3, conv 3, 2×2 average] → minibatch stddev → conv 3 → dense → 1.
// Equalized learning rate everywhere; the images to sample come from an exponential moving
// average of G's weights. It trains with WGAN-GP and the drift term (train/wgan-gp.ts).
import * as tf from '../tf';
import { downsample, EqConv, EqDense, leaky, minibatchStddev, pixelNorm, upsample, type WeightSet } from '../nn/equalized';
import { updateMovingAverage } from '../nn/moving-average';
import { Params } from '../nn/params';
import { Rng } from '../nn/rng';
import { log2Exact, type GanModel, type TrainingStage } from './gan-model';
import { FAMILY_MODEL, FAMILY_OPTIMIZER } from '../../../shared/run-presets';

export interface ProganConfig {
  resolution: number;
  channels: 1 | 3;
  zDim: number;
  /** Channels at the final resolution; doubled per level down, up to maxChannels. */
  width: number;
  maxChannels: number;
  /** Thousands of images in each fade-in and in each stable phase. */
  phaseKimg: number;
  /** Half-life of G's moving average, in thousands of images. */
  emaHalfLifeKimg: number;
}

export const PROGAN_DEFAULTS: Omit<ProganConfig, 'resolution' | 'channels'> = { ...FAMILY_MODEL.progan, maxChannels: 256 };

/**
 * Where training stands after `imagesSeen` images: 4×4 trains alone for one phase, then every
 * higher level fades in for a phase and trains stable for a phase; the last level never ends.
 */
export function progressiveStage(imagesSeen: number, phaseKimg: number, finalLevel: number): TrainingStage {
  const phases = imagesSeen / (phaseKimg * 1000);
  const phase = Math.floor(phases);
  const level = 2 + Math.ceil(phase / 2);
  if (level > finalLevel) return { resolution: 2 ** finalLevel, alpha: 1 };
  const fading = phase % 2 === 1;
  return { resolution: 2 ** level, alpha: fading ? phases - phase : 1 };
}

function lerp(a: tf.Tensor4D, b: tf.Tensor4D, t: number): tf.Tensor4D {
  return t >= 1 ? b : (tf.add(a, tf.mul(tf.sub(b, a), t)) as tf.Tensor4D);
}

export function buildProgan(config: ProganConfig, rng: Rng): GanModel {
  const p = new Params();
  const final = log2Exact(config.resolution);
  const ch = (level: number) => Math.min(config.maxChannels, config.width * 2 ** (final - level)); // level = log2 of a resolution

  // Generator, with its moving average.
  const ema = { ema: true };
  const gDense = new EqDense(p, 'G/4/dense', config.zDim, 16 * ch(2), rng, { gain: Math.SQRT2 / 4, ema: true });
  const gConv4 = new EqConv(p, 'G/4/conv', 3, ch(2), ch(2), rng, ema);
  const gBlocks = new Map<number, [EqConv, EqConv]>();
  const toRgb = new Map<number, EqConv>();
  for (let l = 2; l <= final; l++) {
    if (l > 2)
      gBlocks.set(l, [new EqConv(p, `G/${2 ** l}/conv0`, 3, ch(l - 1), ch(l), rng, ema), new EqConv(p, `G/${2 ** l}/conv1`, 3, ch(l), ch(l), rng, ema)]);
    toRgb.set(l, new EqConv(p, `G/${2 ** l}/torgb`, 1, ch(l), config.channels, rng, { gain: 1, ema: true }));
  }

  // Discriminator.
  const fromRgb = new Map<number, EqConv>();
  const dBlocks = new Map<number, [EqConv, EqConv]>();
  for (let l = 2; l <= final; l++) {
    fromRgb.set(l, new EqConv(p, `D/${2 ** l}/fromrgb`, 1, config.channels, ch(l), rng));
    if (l > 2) dBlocks.set(l, [new EqConv(p, `D/${2 ** l}/conv0`, 3, ch(l), ch(l), rng), new EqConv(p, `D/${2 ** l}/conv1`, 3, ch(l), ch(l - 1), rng)]);
  }
  const dConv4 = new EqConv(p, 'D/4/conv', 3, ch(2) + 1, ch(2), rng);
  const dDense = new EqDense(p, 'D/4/dense', 16 * ch(2), ch(2), rng);
  const dOut = new EqDense(p, 'D/4/out', ch(2), 1, rng, { gain: 1 });

  let stage: TrainingStage = progressiveStage(0, config.phaseKimg, final);
  const levelOf = (resolution: number) => Math.log2(resolution);

  const generateAt = (z: tf.Tensor2D, set: WeightSet): tf.Tensor4D => {
    const top = levelOf(stage.resolution);
    let h = tf.reshape(gDense.apply(pixelNorm(z), set), [z.shape[0], 4, 4, ch(2)]) as tf.Tensor4D;
    h = pixelNorm(leaky(h));
    h = pixelNorm(leaky(gConv4.apply(h, set)));
    let previous: tf.Tensor4D | null = null;
    for (let l = 3; l <= top; l++) {
      if (l === top && stage.alpha < 1) previous = h;
      const [c0, c1] = gBlocks.get(l)!;
      h = upsample(h);
      h = pixelNorm(leaky(c0.apply(h, set)));
      h = pixelNorm(leaky(c1.apply(h, set)));
    }
    const image = toRgb.get(top)!.apply(h, set);
    return previous ? lerp(upsample(toRgb.get(top - 1)!.apply(previous, set)), image, stage.alpha) : image;
  };

  return {
    arch: 'progan',
    resolution: config.resolution,
    channels: config.channels,
    zDim: config.zDim,
    params: p,
    noise: new Rng(rng.seed()),
    objective: 'wgan-gp',
    optimizer: FAMILY_OPTIMIZER.progan,
    get stage() {
      return stage;
    },
    setProgress(imagesSeen) {
      stage = progressiveStage(imagesSeen, config.phaseKimg, final);
    },
    generate(z, training) {
      return tf.tidy(() => {
        if (training) return generateAt(z, 'train');
        // Samples come from the moving average, at the final size whatever the stage.
        const image = generateAt(z, 'ema');
        return tf.clipByValue(upsample(image, config.resolution / stage.resolution), -1, 1);
      });
    },
    discriminate(x) {
      return tf.tidy(() => {
        const top = levelOf(x.shape[1]);
        let h = leaky(fromRgb.get(top)!.apply(x));
        for (let l = top; l > 2; l--) {
          const [c0, c1] = dBlocks.get(l)!;
          h = downsample(leaky(c1.apply(leaky(c0.apply(h)))));
          if (l === top && stage.alpha < 1 && top === levelOf(stage.resolution)) {
            h = lerp(leaky(fromRgb.get(top - 1)!.apply(downsample(x))), h, stage.alpha);
          }
        }
        h = leaky(dConv4.apply(minibatchStddev(h)));
        return dOut.apply(leaky(dDense.apply(tf.reshape(h, [x.shape[0], -1]) as tf.Tensor2D)));
      });
    },
    prepareReals(x) {
      return tf.tidy(() => {
        // Reals at the stage's size; while a level fades in, they fade from its blurrier version too.
        let r = x;
        while (r.shape[1] > stage.resolution) r = downsample(r);
        return stage.alpha < 1 ? lerp(upsample(downsample(r)), r, stage.alpha) : r;
      });
    },
    afterGeneratorStep(imagesPerStep, imagesSeen) {
      updateMovingAverage(p, config.emaHalfLifeKimg, imagesPerStep, imagesSeen);
    },
    sampleLatents(count, r) {
      return tf.tensor2d(r.normals(count * config.zDim), [count, config.zDim]);
    },
  };
}
