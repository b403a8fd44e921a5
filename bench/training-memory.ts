// The wasm heap a training run needs: one D step and one G step (with R1 for the style families)
// of one family at one resolution and batch, then the heap (it only grows, so this is the peak),
// beside memory-limit.ts's estimate. A memory check for the refusal before a run starts, not a
// speed benchmark. StyleGAN (v1) is built at NVIDIA's FFHQ widths, the others at the studio's own;
// the progressive GAN at its last stage. The heap never shrinks, so each size runs in its own process:
//   for a in "dcgan 64 64" "progan 64 32" "thesis 64 64" "stylegan 64 4"; do node --import tsx bench/training-memory.ts $a; done
import * as tf from '../electron/engine/tf';
import { selectBackend } from '../electron/engine/backends';
import { buildModel, defaultModelConfig, type Arch } from '../electron/engine/models/registry';
import { Rng } from '../electron/engine/nn/rng';
import { trainingSteps } from '../electron/engine/train/objectives';
import { adamPair } from '../electron/engine/train/optimize';
import { trainingBytes } from '../electron/engine/train/memory-limit';
import { ganStep } from './common';

const [arch = 'stylegan', r = '64', b = '4'] = process.argv.slice(2);
const resolution = Number(r);
const batch = Number(b);
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
const spec =
  arch === 'stylegan'
    ? defaultModelConfig('stylegan', resolution, 3, { network, augment: 'none', batchSize: batch })
    : defaultModelConfig(arch as Arch, resolution, 3, { batchSize: batch });
const model = buildModel(spec, new Rng(1));
const real = tf.randomUniform([batch, resolution, resolution, 3], -1, 1) as tf.Tensor4D;
const step = ganStep(model, adamPair(0.001, 0, 0.99, 16), trainingSteps[model.objective], real, new Rng(2));
// A style family's step 0 takes R1 (lazy, every 16th step from 0) and step 1 does not; the
// progressive GAN is at its last stage.
for (let i = 0; i < 2; i++) {
  await model.setProgress?.(arch === 'progan' ? 1e12 : i * batch);
  await step();
}
const heap = (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.length / 2 ** 20;
const estimate = trainingBytes(spec, batch) / 2 ** 20;
console.log(
  `| ${arch} | ${resolution} px | batch ${batch} | peak wasm heap ${heap.toFixed(0)} MB | estimate ${estimate.toFixed(0)} MB | ${((estimate / heap - 1) * 100).toFixed(1)} % |`,
);
