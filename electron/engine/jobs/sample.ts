// Pictures from a StyleGAN2 generator, written as files: faces by seed (or from given latents, as
// PNGs or the raw float output in one .npy), NVIDIA's style-mixing figure, and the faces along a
// path between two seeds. The generator stays loaded for the next job (generators.ts).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { atomicWrite } from '../../formats/atomic-write';
import { encodeNpy } from '../../formats/npy';
import { selectBackend } from '../backends';
import { styleSampler } from '../generators';
import { pathPositions, type Easing } from '../../../shared/latent/interpolate';
import type { NoiseMode } from '../models/stylegan2-networks';
import { gridFigure, styleMixFigure, writePng } from '../sample-images';
import { seedLatents } from '../style-sampler';
import type { EngineJob } from './job';

/** One label vector for every image (a one-hot class), or one per image, for a conditional network. */
export type SampleLabels = { every: number[] } | { each: number[][] } | null;

export type SampleJob =
  | {
      kind: 'seeds';
      /** Seeds (z as NVIDIA's generate.py draws it for each) or the latents themselves. */
      latents: { seeds: number[] } | { z: number[][] };
      psi: number;
      cutoff: number | null;
      noise: NoiseMode;
      labels: SampleLabels;
      outDir: string;
      /** Each PNG is `${prefix}seed0042.png` (or `z0003.png` for given latents). */
      prefix: string;
      /** 'npy' writes the raw NCHW float output of all images as one file, `npyName`. */
      format: 'png' | 'npy';
      npyName?: string;
    }
  | { kind: 'style-mix'; rowSeeds: number[]; colSeeds: number[]; styles: number[]; psi: number; label: number[] | null; outFile: string }
  | {
      kind: 'interpolate';
      fromSeed: number;
      toSeed: number;
      steps: number;
      space: 'w' | 'z';
      easing: Easing;
      psi: number;
      label: number[] | null;
      outFile: string;
    };

export interface SampleResult {
  files: string[];
  seconds: number;
  /** The picture's side and the number of style layers, for the caller's captions. */
  resolution: number;
  numWs: number;
}

export const sample: EngineJob<'sample'> = async ({ generator, backend, job }) => {
  const choice = await selectBackend(backend, 'sample');
  const sampler = await styleSampler(generator);
  const started = performance.now();
  const { config } = sampler;
  const files: string[] = [];
  if (job.kind === 'seeds') {
    const z = 'seeds' in job.latents ? seedLatents(job.latents.seeds, config.zDim) : job.latents.z;
    const labels = job.labels === null ? {} : 'every' in job.labels ? { label: job.labels.every } : { labels: job.labels.each };
    const generated = await sampler.generate(z, { psi: job.psi, cutoff: job.cutoff, noise: job.noise, ...labels });
    await mkdir(job.outDir, { recursive: true });
    if (job.format === 'npy') {
      const r = config.resolution;
      const all = new Float32Array(generated.raw.length * config.channels * r * r);
      generated.raw.forEach((img, i) => all.set(img, i * img.length));
      const file = join(job.outDir, job.npyName ?? `${job.prefix}images.npy`);
      await atomicWrite(file, encodeNpy(all, [generated.raw.length, config.channels, r, r]));
      files.push(file);
    } else {
      const seeds = 'seeds' in job.latents ? job.latents.seeds : null;
      for (const [i, img] of generated.images.entries()) {
        const stem = seeds ? `seed${String(seeds[i]).padStart(4, '0')}` : `z${String(i).padStart(4, '0')}`;
        const file = join(job.outDir, `${job.prefix}${stem}.png`);
        await writePng(file, img, config.resolution, config.channels);
        files.push(file);
      }
    }
  } else if (job.kind === 'interpolate') {
    const [a, b] = seedLatents([job.fromSeed, job.toSeed], config.zDim);
    const path = await sampler.interpolate(a!, b!, pathPositions(job.steps, job.easing), job.space, {
      psi: job.psi,
      ...(job.label ? { label: job.label } : {}),
    });
    await atomicWrite(job.outFile, (await gridFigure([path.images], config.resolution, config.channels)).png);
    files.push(job.outFile);
  } else {
    const figure = await styleMixFigure(sampler, seedLatents(job.rowSeeds, config.zDim), seedLatents(job.colSeeds, config.zDim), job.styles, {
      psi: job.psi,
      ...(job.label ? { label: job.label } : {}),
    });
    await atomicWrite(job.outFile, figure.png);
    files.push(job.outFile);
  }
  return { files, seconds: (performance.now() - started) / 1000, resolution: config.resolution, numWs: sampler.family.numWs, backend: choice.name };
};
