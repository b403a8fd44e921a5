// What a training run needs of the wasm backend's memory, checked before its first step. WebAssembly
// (32-bit) stops at 4 GB: a StyleGAN2 that does not fit would fail minutes in with "memory access
// out of bounds". Measured on the paper256 width (bench/stylegan2.ts reports the peak heap):
// the weights are held seven times (G, its moving average, D, and Adam's two moments of G and D),
// and each image of a batch keeps about 29 copies of G's activations for the backward passes,
// R1's double backward among them (64 px batch 4: 2137 MB, 128 px batch 2 and 4: 2243 and 3147 MB,
// 256 px batch 1: 2276 MB; the estimate is within 2 % of each).
import { AppError } from '../../../shared/errors';
import { channelsAt, expectedShapes } from '../models/stylegan2-networks';
import { featureMaps, log2Of, styleGanShapes } from '../../formats/stylegan-layout';
import type { ModelConfig } from '../models/registry';

const MB = 2 ** 20;
/** WebAssembly's 4 GB, less room for the allocator's slack and what the loop holds beside the step. */
export const WASM_TRAINING_LIMIT = 3900 * MB;

/** Weights held (counted as copies of G and D) and activation copies per image, by family (see above and below). */
const FOOTPRINT = {
  stylegan2: { weightCopies: 7, activationCopies: 29.4, name: 'StyleGAN2' },
  // StyleGAN (v1) keeps more per layer (noise, bias and activation, instance norm, AdaIN). Measured at
  // NVIDIA's FFHQ widths (fmap_base 8192) by bench/stylegan-v1-memory.ts (one D step with R1, one G step): 64 px batch 1,
  // 2, 4: 1367, 1661, 2314 MB; 128 px batch 2, 4: 2411, 3686 MB; the estimate is within 2 % of each.
  stylegan: { weightCopies: 6, activationCopies: 45, name: 'StyleGAN (v1)' },
} as const;

const size = (shapes: Map<string, number[]>) => [...shapes.values()].reduce((a, s) => a + s.reduce((x, y) => x * y, 1), 0);

/** Bytes of wasm heap a style-based run at this batch needs at its peak; null for the small families. */
export function wasmTrainingBytes(spec: ModelConfig, batch: number): number | null {
  if (spec.arch !== 'stylegan2' && spec.arch !== 'stylegan') return null;
  let params: number;
  let activations = 0;
  if (spec.arch === 'stylegan2') {
    params = size(expectedShapes(spec.config, 'G')) + size(expectedShapes(spec.config, 'D'));
    for (let r = 4; r <= spec.config.resolution; r *= 2) activations += r * r * channelsAt(spec.config, r);
  } else {
    params = size(styleGanShapes(spec.config, 'G')) + size(styleGanShapes(spec.config, 'D'));
    for (let r = 4; r <= spec.config.resolution; r *= 2) activations += r * r * featureMaps(spec.config.fmapBase, spec.config.fmapMax, log2Of(r) - 1);
  }
  const f = FOOTPRINT[spec.arch];
  return 4 * (f.weightCopies * params + f.activationCopies * activations * batch);
}

/** The largest batch that fits, 0 when not even one image does. */
export function largestWasmBatch(spec: ModelConfig): number {
  let batch = 0;
  while ((wasmTrainingBytes(spec, batch + 1) ?? 0) <= WASM_TRAINING_LIMIT && batch < 4096) batch++;
  return batch;
}

/** Throws, saying what fits and what else can train it, when the run cannot fit the backend's memory. */
export function checkTrainingFits(spec: ModelConfig, batch: number, backend: string): void {
  if (backend !== 'wasm') return;
  const bytes = wasmTrainingBytes(spec, batch);
  if (bytes === null || bytes <= WASM_TRAINING_LIMIT) return;
  const fits = largestWasmBatch(spec);
  const gb = (b: number) => (b / 2 ** 30).toFixed(1);
  throw new AppError(
    'invalid_request',
    `${FOOTPRINT[spec.arch as 'stylegan2' | 'stylegan'].name} at ${spec.config.resolution} px needs about ${gb(bytes)} GB at batch ${batch} on the wasm backend, whose memory stops at 4 GB: ` +
      (fits > 0 ? `train at batch ${fits} or less here, ` : 'no batch fits here: ') +
      'or on a GPU backend (webgpu, or tensorflow with CUDA), which has no such limit',
  );
}
