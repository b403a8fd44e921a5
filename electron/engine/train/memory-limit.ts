// What a training run needs of the backend's memory, checked before its first step (and by the
// launcher as the batch is typed): WebAssembly (32-bit) stops at 4 GB, and a run that does not fit
// would fail minutes in with "memory access out of bounds"; the plain-JavaScript backend is bounded
// by the machine's memory. The estimate is the weights, held a few times over (the networks, their
// gradients, Adam's moments, moving averages), plus each image of the batch's activations, kept
// several times over for the backward passes. Each family's two factors are fitted to the peak wasm
// heap measured after one D and one G step (the heap only grows, so that is the peak).
import { totalmem } from 'node:os';
import { AppError } from '../../../shared/errors';
import { channelsAt, expectedShapes } from '../models/stylegan2-networks';
import { featureMaps, log2Of, styleGanShapes } from '../../formats/stylegan-layout';
import type { ModelConfig } from '../models/registry';

const MB = 2 ** 20;
/** WebAssembly's 4 GB, less room for the allocator's slack and what the loop holds beside the step. */
export const WASM_TRAINING_LIMIT = 3900 * MB;

/**
 * Weights held (as copies of G and D) and activation copies per image, by family. Measured peaks:
 * - StyleGAN2 at the paper256 width (bench/stylegan2.ts): 64 px batch 4: 2137 MB; 128 px batch 2
 *   and 4: 2243 and 3147 MB; 256 px batch 1: 2276 MB (R1's double backward among the copies).
 * - StyleGAN (v1) at NVIDIA's FFHQ widths (bench/training-memory.ts, one D step with R1 and one
 *   G step), which keeps more per layer (noise, instance norm, AdaIN): 64 px batch 1, 2, 4: 1367,
 *   1661, 2314 MB; 128 px batch 2, 4: 2411, 3686 MB.
 * - The small families at the studio's widths (bench/training-memory.ts): DCGAN 64 px batch 1, 64,
 *   128, 256: 152, 744, 1400, 2573 MB, 128 px batch 64: 2720, 256 px batch 8: 1614; progressive GAN
 *   (at its last stage) 64 px batch 2, 32, 64: 358, 2001, 3743, 128 px batch 16: 3784; thesis GAN
 *   64 px batch 2, 64: 83, 760, 128 px batch 32: 1432.
 * The estimate is within 2 % of each style-family peak and 6 % of each small-family one.
 */
const FOOTPRINT = {
  stylegan2: { weightCopies: 7, activationCopies: 29.4, name: 'StyleGAN2' },
  stylegan: { weightCopies: 6, activationCopies: 45, name: 'StyleGAN (v1)' },
  dcgan: { weightCopies: 4.9, activationCopies: 20.3, name: 'DCGAN' },
  thesis: { weightCopies: 3.8, activationCopies: 24.1, name: 'the thesis GAN' },
  progan: { weightCopies: 6.7, activationCopies: 57.1, name: 'the progressive GAN' },
} as const;

const size = (shapes: Map<string, number[]>) => [...shapes.values()].reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);

/**
 * The weights (a count of floats, roughly: the large convolutions and dense layers) and what one
 * image's activations scale with (pixels × channels over the networks' resolutions).
 */
function shapeOf(spec: ModelConfig): { params: number; activations: number } {
  let params = 0;
  let activations = 0;
  switch (spec.arch) {
    case 'stylegan2':
      params = size(expectedShapes(spec.config, 'G')) + size(expectedShapes(spec.config, 'D'));
      for (let r = 4; r <= spec.config.resolution; r *= 2) activations += r * r * channelsAt(spec.config, r);
      break;
    case 'stylegan':
      params = size(styleGanShapes(spec.config, 'G')) + size(styleGanShapes(spec.config, 'D'));
      for (let r = 4; r <= spec.config.resolution; r *= 2) activations += r * r * featureMaps(spec.config.fmapBase, spec.config.fmapMax, log2Of(r) - 1);
      break;
    case 'progan': {
      const c = spec.config;
      const last = Math.log2(c.resolution);
      const ch = (l: number) => Math.min(c.maxChannels, c.width * 2 ** (last - l));
      for (let l = 2; l <= last; l++) activations += 4 ** l * ch(l);
      params = c.zDim * 16 * ch(2) + 2 * 9 * ch(2) ** 2 + 16 * ch(2) ** 2;
      for (let l = 3; l <= last; l++) params += 2 * (9 * ch(l - 1) * ch(l) + 9 * ch(l) ** 2);
      params *= 1.5; // G's moving average
      break;
    }
    case 'dcgan':
    case 'thesis': {
      // Level 0 is next to the image, at half its resolution; channels double per level down.
      const c = spec.config;
      const levels = Math.log2(c.resolution) - 2;
      const ch = (level: number) => Math.min(c.maxChannels, c.width * 2 ** level);
      for (let level = 0; level < levels; level++) activations += (c.resolution / 2 ** (level + 1)) ** 2 * ch(level);
      params = 2 * c.zDim * 16 * ch(levels - 1);
      for (let level = 1; level < levels; level++) params += 2 * 16 * ch(level) * ch(level - 1);
      break;
    }
  }
  return { params, activations };
}

/** Bytes a run of this network at this batch needs at its peak (on wasm's heap; about as much elsewhere). */
export function trainingBytes(spec: ModelConfig, batch: number): number {
  const { params, activations } = shapeOf(spec);
  const f = FOOTPRINT[spec.arch];
  return 4 * (f.weightCopies * params + f.activationCopies * activations * batch);
}

/** What the backend can hold for training, or null where the studio cannot know (a GPU's memory). */
export function trainingMemoryLimit(backend: string): number | null {
  if (backend === 'wasm') return WASM_TRAINING_LIMIT;
  // The plain-JavaScript backend keeps tensors in the process's memory: leave the system a quarter.
  if (backend === 'cpu') return Math.floor(totalmem() * 0.75);
  return null;
}

/** The largest batch that fits under `limit`, 0 when not even one image does. */
export function largestBatch(spec: ModelConfig, limit: number): number {
  const { params, activations } = shapeOf(spec);
  const f = FOOTPRINT[spec.arch];
  const perImage = 4 * f.activationCopies * activations;
  return Math.max(0, Math.min(65536, Math.floor((limit - 4 * f.weightCopies * params) / perImage)));
}

/** The run's memory on this backend: what it needs, what there is, and the largest batch that fits. */
export interface TrainingMemory {
  backend: string;
  bytes: number;
  limitBytes: number | null;
  largestBatch: number | null;
  /** Why the run cannot start, in the curator's words; null when it fits (or cannot be known). */
  problem: string | null;
}

const gb = (b: number) => `${(b / 2 ** 30).toFixed(1)} GB`;

export function trainingMemory(spec: ModelConfig, batch: number, backend: string): TrainingMemory {
  const bytes = trainingBytes(spec, batch);
  const limitBytes = trainingMemoryLimit(backend);
  if (limitBytes === null) return { backend, bytes, limitBytes, largestBatch: null, problem: null };
  const fits = largestBatch(spec, limitBytes);
  const where =
    backend === 'wasm'
      ? 'on the wasm backend, whose memory stops at 4 GB'
      : `on the cpu backend, which can use about ${gb(limitBytes)} of this machine's memory`;
  const problem =
    bytes <= limitBytes
      ? null
      : `${FOOTPRINT[spec.arch].name} at ${spec.config.resolution} px needs about ${gb(bytes)} at batch ${batch} ${where}: ` +
        (fits > 0 ? `train at batch ${fits} or less here, ` : 'no batch fits here: ') +
        'or on a GPU backend (webgpu, or tensorflow with CUDA), which has no such limit';
  return { backend, bytes, limitBytes, largestBatch: fits, problem };
}

/** Throws, saying what fits and what else can train it, when the run cannot fit the backend's memory. */
export function checkTrainingFits(spec: ModelConfig, batch: number, backend: string): void {
  const { problem } = trainingMemory(spec, batch, backend);
  if (problem) throw new AppError('invalid_request', problem);
}
