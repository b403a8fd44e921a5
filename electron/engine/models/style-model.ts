// The style-based families (StyleGAN2, StyleGAN v1) as models the studio trains: from scratch, or
// — as the source projects did — fine-tuned from a pretrained network imported from NVIDIA's
// pickle. A family gives its networks (StyleNets); here are their weights (G, D, and G's moving
// average "Gs/", which draws the witnesses), the moving average of W, and ADA's augmentation
// probability, kept as a weight so a checkpoint carries it. Both train with the non-saturating
// loss, lazy R1 and ADA (train/stylegan2-loss.ts); StyleGAN2 also with path-length regularisation.
import * as tf from '../tf';
import { updateMovingAverage } from '../nn/moving-average';
import { Params } from '../nn/params';
import { Rng } from '../nn/rng';
import { adjustP, augment } from '../train/ada';
import { stopGradient } from '../nn/stop-gradient';
import type { GanModel, OptimizerSettings } from './gan-model';
import type { NoiseMode, Weights } from './stylegan2-networks';

/** What training needs of a family's settings (both families' configurations have these). */
export interface StyleTrainConfig {
  resolution: number;
  channels: 1 | 3;
  zDim: number;
  cDim: number;
  mappingLrMultiplier: number;
  wAvgBeta: number;
  /** R1 weight γ; NVIDIA's 'auto' is 0.0002 · resolution² / batch. */
  r1Gamma: number;
  /** Steps between R1 penalties (lazy regularisation). */
  r1Interval: number;
  /** Path-length regularisation of G: its weight (0 = off), taken every plInterval steps on half the batch. */
  plWeight: number;
  plInterval: number;
  /** G's moving average: half-life in kimg, ramped up to 5 % of the images seen. */
  emaKimg: number;
  augment: 'ada' | 'none';
  adaTarget: number;
  adaKimg: number;
  /** FreezeD: the first this many D layers keep their weights. */
  freezeD: number;
  /** The network it was fine-tuned from, for the record. */
  initNetwork: string | null;
}

/** A family's networks, as the model trains them. */
export interface StyleNets {
  readonly arch: 'stylegan2' | 'stylegan';
  shapes(network: 'G' | 'D'): Map<string, number[]>;
  /** D's layers in NVIDIA's order (FreezeD counts them), and the layer a D weight belongs to. */
  readonly dLayers: string[];
  layerOf(name: string): string;
  /** G's weights that are copied, not trained or averaged: the moving average of W, constant noise. */
  isBuffer(name: string): boolean;
  readonly wAverage: string;
  initialValue(name: string, shape: number[], rng: Rng): tf.Tensor;
  mapping(w: Weights, z: tf.Tensor2D, c: tf.Tensor2D | null): tf.Tensor3D;
  synthesis(
    w: Weights,
    ws: tf.Tensor3D,
    options: { noise: NoiseMode; randomNormal?: (shape: number[]) => tf.Tensor; upsampling?: 'transposed' | 'zero-insertion' },
  ): tf.Tensor4D;
  discriminator(w: Weights, x: tf.Tensor4D, c: tf.Tensor2D | null): tf.Tensor2D;
  /** Whether G can be differentiated twice (path-length regularisation). */
  readonly pathLengthReady: boolean;
  readonly optimizer: OptimizerSettings;
}

export interface StyleModel extends GanModel {
  readonly config: StyleTrainConfig;
  /** The current augmentation probability. */
  readonly augmentP: number;
  /** Imported weights: G and D train from them, Gs starts as the network's own moving average. */
  loadPretrained(weights: Record<'G' | 'D' | 'G_ema', Map<string, { shape: number[]; data: Float32Array }>>): void;
  /** The one-hot classes a conditional network's latents carry (null when it has none). */
  conditionOf(z: tf.Tensor2D): tf.Tensor2D | null;
  augmentReal(x: tf.Tensor4D): tf.Tensor4D;
  /**
   * After a D step: the mean sign of D's real logits, for ADA. Read when the next step begins
   * (setProgress), never synchronously: the webgpu backend cannot read a tensor back at once.
   */
  observeRealSigns(signMean: tf.Scalar, images: number): void;
  /** Whether this step (by images seen) takes the R1 penalty. */
  r1Due(batchSize: number): boolean;
  /** Whether this step takes the path-length penalty (never when its weight is 0). */
  plDue(batchSize: number): boolean;
  /**
   * Path-length penalty on these latents: how far ‖Jᵀy‖ (the change of the image along random
   * directions y, per unit of W) strays from its running mean, whose update is queued.
   */
  pathLengthPenalty(z: tf.Tensor2D): tf.Scalar;
}

export function buildStyleModel(config: StyleTrainConfig, nets: StyleNets, rng: Rng): StyleModel {
  const p = new Params();
  const frozen = new Set(nets.dLayers.slice(0, config.freezeD));
  for (const [name, shape] of nets.shapes('G')) {
    const value = nets.initialValue(name, shape, rng);
    p.add(`Gs/${name}`, value.clone(), false);
    p.add(`G/${name}`, value, !nets.isBuffer(name));
  }
  for (const [name, shape] of nets.shapes('D')) p.add(`D/${name}`, nets.initialValue(name, shape, rng), !frozen.has(nets.layerOf(name)));
  const adaP = p.add('ada/p', tf.scalar(0), false);
  // Checkpoints written before path-length regularisation existed resume with a fresh running mean.
  const plMean = p.add('pl/mean', tf.scalar(0), false, { addedLater: true });
  const weightsOf =
    (prefix: string): Weights =>
    (name) =>
      p.current(p.get(`${prefix}${name}`));
  // A conditional network's latents carry their class: [z | one-hot c], split where they are used.
  const zOf = (z: tf.Tensor2D): tf.Tensor2D => (config.cDim > 0 ? tf.slice(z, [0, 0], [-1, config.zDim]) : z);
  const cOf = (z: tf.Tensor2D): tf.Tensor2D | null => (config.cDim > 0 ? tf.slice(z, [0, config.zDim], [-1, config.cDim]) : null);
  const noiseRng = new Rng(rng.seed());
  let imagesSeen = 0;
  let signSum = 0;
  let signImages = 0;
  let signSteps = 0;
  let pValue = 0;
  const pendingSigns: { sign: tf.Scalar; images: number }[] = [];
  const augmentRng = new Rng(rng.seed());

  const model: StyleModel = {
    arch: nets.arch,
    config,
    resolution: config.resolution,
    channels: config.channels,
    zDim: config.zDim,
    params: p,
    noise: noiseRng,
    objective: 'stylegan2',
    // NVIDIA's (shared/run-presets.ts); D's adjusted for lazy R1 in the loop (optimize.ts).
    optimizer: { ...nets.optimizer, dRegInterval: config.r1Interval, ...(config.plWeight > 0 ? { gRegInterval: config.plInterval } : {}) },
    get augmentP() {
      return pValue;
    },
    async setProgress(seen) {
      imagesSeen = seen;
      for (const { sign, images } of pendingSigns.splice(0)) {
        const signMean = (await sign.data())[0]!;
        sign.dispose();
        signSum += signMean * images;
        signImages += images;
        if (++signSteps % 4 !== 0) continue;
        adaP.assign(
          tf.scalar(adjustP((await adaP.data())[0]!, signSum / signImages, signImages, { target: config.adaTarget, adaKimg: config.adaKimg, interval: 4 })),
        );
        signSum = 0;
        signImages = 0;
      }
      pValue = (await adaP.data())[0]!;
    },
    generate(z, training) {
      return tf.tidy(() => {
        if (!training) {
          const img = nets.synthesis(weightsOf('Gs/'), nets.mapping(weightsOf('Gs/'), zOf(z), cOf(z)), { noise: 'const' });
          return tf.clipByValue(img, -1, 1) as tf.Tensor4D;
        }
        const G = weightsOf('G/');
        const ws = nets.mapping(G, zOf(z), cOf(z));
        // The moving average of W (for truncation), queued until the step ends.
        const avg = p.get(`G/${nets.wAverage}`);
        const batchMean = tf.mean(ws.slice([0, 0, 0], [-1, 1, -1]).reshape([z.shape[0], -1]), 0);
        p.queue(avg, tf.add(batchMean, tf.mul(tf.sub(p.current(avg), batchMean), config.wAvgBeta)));
        return nets.synthesis(G, ws, { noise: 'random', randomNormal: (shape) => tf.tensor(noiseRng.normals(shape.reduce((a, b) => a * b, 1)), shape) });
      });
    },
    discriminate(x, _training, c) {
      if (config.cDim > 0 && !c) throw new Error('a conditional discriminator judges an image with its class');
      return nets.discriminator(weightsOf('D/'), x, c ?? null);
    },
    conditionOf(z) {
      return cOf(z);
    },
    augmentReal(x) {
      return config.augment === 'ada' ? augment(x, pValue, augmentRng) : x;
    },
    observeRealSigns(sign, images) {
      if (config.augment !== 'ada') return void sign.dispose();
      pendingSigns.push({ sign, images });
    },
    r1Due(batchSize) {
      return Math.round(imagesSeen / batchSize) % config.r1Interval === 0;
    },
    plDue(batchSize) {
      return config.plWeight > 0 && Math.round(imagesSeen / batchSize) % config.plInterval === 0;
    },
    pathLengthPenalty(z) {
      if (!nets.pathLengthReady) throw new Error(`${nets.arch} is not trained with path-length regularisation`);
      const G = weightsOf('G/');
      const n = z.shape[0];
      const ws = nets.mapping(G, zOf(z), cOf(z));
      const size = config.resolution;
      // Unit-variance directions over the image, scaled so the length does not grow with the resolution.
      const directions = tf.tensor4d(noiseRng.normals(n * size * size * config.channels, 1 / size), [n, size, size, config.channels]);
      const layerNoise = (shape: number[]) => tf.tensor(noiseRng.normals(shape.reduce((a, b) => a * b, 1)), shape);
      const grads = tf.grad((w: tf.Tensor) =>
        tf.sum(tf.mul(nets.synthesis(G, w as tf.Tensor3D, { noise: 'random', randomNormal: layerNoise, upsampling: 'zero-insertion' }), directions)),
      )(ws);
      const lengths = tf.sqrt(tf.mean(tf.sum(tf.square(grads), 2), 1));
      // The running mean moves 1 % toward this batch, and is not differentiated through.
      const old = p.current(plMean);
      const updated = stopGradient(tf.add(old, tf.mul(tf.sub(tf.mean(lengths), old), 0.01)));
      p.queue(plMean, tf.keep(updated.clone()));
      return tf.mul(tf.mean(tf.square(tf.sub(lengths, updated))), config.plWeight * config.plInterval) as tf.Scalar;
    },
    afterGeneratorStep(imagesPerStep, seen) {
      // Buffers (w_avg, constant noise) are copied; weights are averaged.
      updateMovingAverage(p, config.emaKimg, imagesPerStep, seen, (name) => nets.isBuffer(name.slice(name.indexOf('/') + 1)));
    },
    loadPretrained(weights) {
      for (const [prefix, role] of [
        ['G/', 'G'],
        ['Gs/', 'G_ema'],
        ['D/', 'D'],
      ] as const) {
        for (const [name, t] of weights[role]) {
          const target = p.vars.get(`${prefix}${name}`);
          if (!target) continue;
          if (target.shape.join('x') !== t.shape.join('x')) throw new Error(`${name}: the network has [${t.shape}] where this model has [${target.shape}]`);
          target.assign(tf.tensor(t.data, t.shape));
        }
      }
    },
    sampleLatents(count, r, classes) {
      const z = r.normals(count * config.zDim);
      if (config.cDim === 0) return tf.tensor2d(z, [count, config.zDim]);
      // Each latent's class: the ones asked for, or every class in turn (witnesses cover them all).
      const width = config.zDim + config.cDim;
      const out = new Float32Array(count * width);
      for (let i = 0; i < count; i++) {
        out.set(z.subarray(i * config.zDim, (i + 1) * config.zDim), i * width);
        out[i * width + config.zDim + (classes?.[i] ?? i % config.cDim)] = 1;
      }
      return tf.tensor2d(out, [count, width]);
    },
  };
  return model;
}
