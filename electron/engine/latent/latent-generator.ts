// One face of every generator for the latent tools: the space its latents live in (W for
// StyleGAN2, where arithmetic and straight paths behave; Z for DCGAN and the progressive GAN,
// which have no other), the latent a seed gives, the average face, and a differentiable drawing
// of latents — which projection needs to optimise a latent through the generator.
import * as tf from '../tf';
import { buildModel, type ModelConfig } from '../models/registry';
import type { GanModel } from '../models/gan-model';
import { Rng } from '../nn/rng';
import { readCheckpoint } from '../train/checkpoint';
import type { StyleSampler } from '../style-sampler';
import { seedLatents } from '../style-sampler';

export interface LatentGenerator {
  readonly space: 'z' | 'w';
  readonly dim: number;
  readonly resolution: number;
  readonly channels: 1 | 3;
  /** The latent of the average face: W's tracked mean, or Z's origin. */
  average(): Promise<Float32Array>;
  /**
   * The latent each seed gives (in W: the seed's z through the mapping network, untruncated). A
   * conditional network maps it with a class: `classIndex`, or seed N's own, N mod the classes —
   * so a seed is always the same face, and a run of seeds covers every class.
   */
  fromSeeds(seeds: number[], classIndex?: number): Promise<Float32Array[]>;
  /** Images NHWC in [−1, 1] for latents [N, dim]; differentiable with respect to them. */
  draw(latents: tf.Tensor2D): tf.Tensor4D;
  dispose(): void;
}

/** A style-based generator (StyleGAN2 or v1), in W: each latent is one w, given to every synthesis layer. */
export function styleLatentGenerator(sampler: StyleSampler): LatentGenerator {
  const { config } = sampler;
  const classOf = (seed: number, classIndex?: number) => {
    if (classIndex !== undefined && (classIndex < 0 || classIndex >= config.cDim)) throw new Error(`this network has classes 0–${config.cDim - 1}`);
    const k = classIndex ?? seed % config.cDim;
    return Array.from({ length: config.cDim }, (_, i) => (i === k ? 1 : 0));
  };
  const { family } = sampler;
  return {
    space: 'w',
    dim: config.wDim,
    resolution: config.resolution,
    channels: config.channels as 1 | 3,
    // Reads are asynchronous: webgpu under Node cannot read a tensor back at once.
    average: async () => Float32Array.from(await sampler.weights(family.wAverage).data()),
    async fromSeeds(seeds, classIndex) {
      const ws = sampler.ws(seedLatents(seeds, config.zDim), config.cDim ? { labels: seeds.map((s) => classOf(s, classIndex)) } : {});
      const first = tf.tidy(() => ws.slice([0, 0, 0], [-1, 1, -1]).reshape([seeds.length, config.wDim]));
      const data = (await first.data()) as Float32Array;
      tf.dispose([ws, first]);
      return seeds.map((_, i) => data.slice(i * config.wDim, (i + 1) * config.wDim));
    },
    draw: (w) =>
      family.synthesis(sampler.weights, tf.tile(tf.expandDims(w, 1), [1, family.numWs, 1]) as tf.Tensor3D, {
        noise: 'const',
        randomNormal: (shape) => tf.randomNormal(shape),
      }),
    dispose: () => sampler.dispose(),
  };
}

/** A DCGAN or progressive GAN at a checkpoint, in Z (drawn as the family draws its latents). */
export async function checkpointLatentGenerator(file: string, sha256: string): Promise<LatentGenerator> {
  const content = await readCheckpoint(file, sha256);
  const spec = content.header.modelConfig as ModelConfig;
  let model: GanModel;
  try {
    model = buildModel(spec, new Rng(0));
    for (const [name, v] of model.params.vars) {
      const t = content.tensors.get(`param:${name}`);
      if (!t) throw new Error(`${file} has no ${name}: it is not a ${spec.arch} checkpoint of this shape`);
      v.assign(t);
    }
    await model.setProgress?.(content.header.counters.imagesSeen);
  } finally {
    for (const t of content.tensors.values()) t.dispose();
  }
  return modelLatentGenerator(model);
}

/** A DCGAN or progressive GAN model in memory, in Z; disposing it disposes the model's weights. */
export function modelLatentGenerator(model: GanModel): LatentGenerator {
  return {
    space: 'z',
    dim: model.zDim,
    resolution: model.resolution,
    channels: model.channels,
    average: async () => new Float32Array(model.zDim),
    async fromSeeds(seeds) {
      const out: Float32Array[] = [];
      for (const seed of seeds) {
        const z = model.sampleLatents(1, new Rng(seed));
        out.push(Float32Array.from(await z.data()));
        z.dispose();
      }
      return out;
    },
    draw: (z) => model.generate(z, false),
    dispose: () => model.params.dispose(),
  };
}
