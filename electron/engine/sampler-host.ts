// An engine process kept open for one StyleGAN2 generator while the curator explores it: the
// network is loaded once, then each request (a page of seeds at a truncation, a style-mixing
// figure) is drawn and written as PNGs. The generator is an imported network's moving average,
// or a fine-tuned run's (Gs/) at one of its checkpoints.
import { join } from 'node:path';
import type { ModelConfig } from './models/registry';
import type { NoiseMode, StyleGan2Config } from './models/stylegan2-networks';
import { readCheckpoint } from './train/checkpoint';
import { readNetworkFiles } from '../formats/network-file';
import { gridFigure, styleMixFigure, writePng } from './sample-images';
import { pathPositions, type Easing } from './latent/interpolate';
import { atomicWrite } from '../formats/atomic-write';
import { seedLatents, StyleGan2Sampler } from './stylegan2-sampler';
import * as tf from './tf';

export type SamplerSource = { kind: 'network'; dir: string } | { kind: 'checkpoint'; file: string; sha256: string };

export type SampleJob =
  | { kind: 'seeds'; seeds: number[]; psi: number; cutoff: number | null; noise: NoiseMode; label: number[] | null; outDir: string; prefix: string }
  | { kind: 'style-mix'; rowSeeds: number[]; colSeeds: number[]; styles: number[]; psi: number; label: number[] | null; outFile: string }
  | { kind: 'interpolate'; fromSeed: number; toSeed: number; steps: number; space: 'w' | 'z'; easing: Easing; psi: number; label: number[] | null; outFile: string };

export interface SampleResult {
  files: string[];
  seconds: number;
}

/** The generator's settings and moving-average weights, from a network folder or a run's checkpoint. */
export async function loadGenerator(source: SamplerSource): Promise<{ config: StyleGan2Config; weights: Map<string, { shape: number[]; data: Float32Array }> }> {
  if (source.kind === 'network') {
    const { manifest, weights } = await readNetworkFiles(source.dir);
    return { config: manifest.config, weights: weights.G_ema };
  }
  const content = await readCheckpoint(source.file, source.sha256);
  try {
    if (content.header.arch !== 'stylegan2') throw new Error(`${source.file} is a ${content.header.arch} checkpoint; style tools need a StyleGAN2 run`);
    const weights = new Map<string, { shape: number[]; data: Float32Array }>();
    for (const [name, t] of content.tensors) {
      if (name.startsWith('param:Gs/')) weights.set(name.slice('param:Gs/'.length), { shape: t.shape, data: (await t.data()) as Float32Array });
    }
    return { config: (content.header.modelConfig as ModelConfig & { arch: 'stylegan2' }).config, weights };
  } finally {
    tf.dispose([...content.tensors.values()]);
  }
}

export class SamplerHost {
  private constructor(private readonly sampler: StyleGan2Sampler) {}

  get config(): StyleGan2Config {
    return this.sampler.config;
  }

  static async open(source: SamplerSource): Promise<SamplerHost> {
    const { config, weights } = await loadGenerator(source);
    return new SamplerHost(new StyleGan2Sampler(config, weights));
  }

  async run(job: SampleJob): Promise<SampleResult> {
    const started = performance.now();
    const { config } = this.sampler;
    const label = job.label ?? undefined;
    const files: string[] = [];
    if (job.kind === 'seeds') {
      const generated = await this.sampler.generate(seedLatents(job.seeds, config.zDim), { psi: job.psi, cutoff: job.cutoff, noise: job.noise, ...(label ? { label } : {}) });
      for (const [i, img] of generated.images.entries()) {
        const file = join(job.outDir, `${job.prefix}seed${String(job.seeds[i]).padStart(4, '0')}.png`);
        await writePng(file, img, config.resolution, config.channels);
        files.push(file);
      }
    } else if (job.kind === 'interpolate') {
      const [a, b] = seedLatents([job.fromSeed, job.toSeed], config.zDim);
      const path = await this.sampler.interpolate(a!, b!, pathPositions(job.steps, job.easing), job.space, { psi: job.psi, ...(label ? { label } : {}) });
      await atomicWrite(job.outFile, (await gridFigure([path.images], config.resolution, config.channels)).png);
      files.push(job.outFile);
    } else {
      const figure = await styleMixFigure(this.sampler, seedLatents(job.rowSeeds, config.zDim), seedLatents(job.colSeeds, config.zDim), job.styles, { psi: job.psi, ...(label ? { label } : {}) });
      await atomicWrite(job.outFile, figure.png);
      files.push(job.outFile);
    }
    return { files, seconds: (performance.now() - started) / 1000 };
  }

  dispose(): void {
    this.sampler.dispose();
  }
}
