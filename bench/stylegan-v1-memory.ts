// The wasm heap a StyleGAN (v1) fine-tune needs: one D step (with R1) and one G step at NVIDIA's
// FFHQ widths, then the heap (it only grows, so this is the peak), beside memory-limit.ts's
// estimate. A memory check for the refusal before a run starts, not a speed benchmark. The heap
// never shrinks, so each size runs in its own process:
//   for a in "64 1" "64 2" "64 4" "128 2" "128 4"; do node --import tsx bench/stylegan-v1-memory.ts $a; done
import * as tf from '../electron/engine/tf';
import { selectBackend } from '../electron/engine/backends';
import { buildModel, defaultModelConfig } from '../electron/engine/models/registry';
import { Rng } from '../electron/engine/nn/rng';
import { trainingSteps } from '../electron/engine/train/objectives';
import { adamPair } from '../electron/engine/train/optimize';
import { wasmTrainingBytes } from '../electron/engine/train/memory-limit';
import { ganStep } from './common';

const [resolution = 64, batch = 4] = process.argv.slice(2).map(Number);
await selectBackend('wasm', 'train');
const network = {
  family: 'stylegan' as const,
  resolution,
  channels: 3 as const,
  zDim: 512,
  wDim: 512,
  cDim: 0,
  mappingLayers: 8,
  mappingFmaps: 512,
  mappingLrMultiplier: 0.01,
  normalizeLatents: true,
  fmapBase: 8192,
  fmapMax: 512,
  fusedScale: 'auto' as const,
  usePixelNorm: false,
  useInstanceNorm: true,
  useNoise: true,
  truncationPsi: 0.7,
  truncationCutoff: 8,
  wAvgBeta: 0.995,
  dFmapBase: 8192,
  dFmapMax: 512,
  dFusedScale: 'auto' as const,
  mbstdGroupSize: 4,
  mbstdChannels: 1,
};
const spec = defaultModelConfig('stylegan', resolution, 3, { network, augment: 'none', batchSize: batch });
const model = buildModel(spec, new Rng(1));
const real = tf.randomUniform([batch, resolution, resolution, 3], -1, 1) as tf.Tensor4D;
const step = ganStep(model, adamPair(0.001, 0, 0.99, 16), trainingSteps.stylegan2, real, new Rng(2));
// Step 0 takes R1 (lazy, every 16th step from 0); step 1 does not.
for (let i = 0; i < 2; i++) {
  await model.setProgress?.(i * batch);
  await step();
}
const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20;
const estimate = wasmTrainingBytes(spec, batch)! / 2 ** 20;
console.log(
  `| ${resolution} px | batch ${batch} | peak wasm heap ${heap.toFixed(0)} MB | estimate ${estimate.toFixed(0)} MB | ${((estimate / heap - 1) * 100).toFixed(1)} % |`,
);
