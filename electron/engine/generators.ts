// The generator an engine process has loaded, kept between its jobs: the Styles view's truncation
// slider, a series of latents or a projection after a render all draw with the network already in
// memory. One at a time; another generator replaces it.
import type { ModelConfig } from './models/registry';
import type { StyleNetworkConfig } from '../formats/stylegan-layout';
import { readNetworkFiles } from '../formats/network-file';
import { checkpointLatentGenerator, styleLatentGenerator, type LatentGenerator } from './latent/latent-generator';
import { specKey, type GeneratorSpec } from './jobs/generator-spec';
import { StyleSampler } from './style-sampler';
import { readCheckpoint } from './train/checkpoint';
import * as tf from './tf';

interface Loaded {
  key: string;
  /** A StyleGAN2 network's sampler, or a DCGAN or progressive GAN's generator in Z. */
  generator: { sampler: StyleSampler } | { latent: LatentGenerator };
}

function dispose(loaded: Loaded): void {
  if ('sampler' in loaded.generator) loaded.generator.sampler.dispose();
  else loaded.generator.latent.dispose();
}

let current: Loaded | null = null;

/** The settings and moving-average weights of a style-based network folder or fine-tuned run's checkpoint. */
async function styleWeights(
  spec: GeneratorSpec,
): Promise<{ config: StyleNetworkConfig; weights: Map<string, { shape: number[]; data: Float32Array }> } | null> {
  if (spec.kind === 'network') {
    const { manifest, weights } = await readNetworkFiles(spec.dir);
    return { config: manifest.config, weights: weights.G_ema };
  }
  const content = await readCheckpoint(spec.file, spec.sha256);
  try {
    if (content.header.arch !== 'stylegan2' && content.header.arch !== 'stylegan') return null;
    const weights = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, t] of content.tensors) {
      if (name.startsWith('param:Gs/')) weights.set(name.slice('param:Gs/'.length), { shape: t.shape, data: (await t.data()) as Float32Array });
    }
    return { config: (content.header.modelConfig as ModelConfig & { arch: 'stylegan2' | 'stylegan' }).config, weights };
  } finally {
    tf.dispose([...content.tensors.values()]);
  }
}

async function load(spec: GeneratorSpec): Promise<Loaded> {
  const key = specKey(spec);
  if (current?.key === key) return current;
  if (current) dispose(current);
  current = null;
  const style = await styleWeights(spec);
  if (style) current = { key, generator: { sampler: new StyleSampler(style.config, style.weights) } };
  else {
    // A DCGAN or progressive-GAN checkpoint (only checkpoints reach here: networks are style-based).
    const s = spec as Extract<GeneratorSpec, { kind: 'checkpoint' }>;
    current = { key, generator: { latent: await checkpointLatentGenerator(s.file, s.sha256) } };
  }
  return current;
}

/** The StyleGAN2 sampler of a network or fine-tuned run; other families are refused by name. */
export async function styleSampler(spec: GeneratorSpec): Promise<StyleSampler> {
  const { generator } = await load(spec);
  if (!('sampler' in generator))
    throw new Error(
      `${spec.kind === 'checkpoint' ? spec.file : spec.dir} is not a style-based generator; the style tools draw from StyleGAN2 and StyleGAN (v1) networks and runs`,
    );
  return generator.sampler;
}

/**
 * Any family's generator, as the latent tools see it (W for StyleGAN2, Z for the others). It
 * belongs to this cache: a job draws with it and never disposes it.
 */
export async function latentGenerator(spec: GeneratorSpec): Promise<LatentGenerator> {
  const { generator } = await load(spec);
  if ('latent' in generator) return { ...generator.latent, dispose: () => undefined };
  return { ...styleLatentGenerator(generator.sampler), dispose: () => undefined };
}
