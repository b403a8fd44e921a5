// Where one training step's time goes, kernel by kernel, on one backend: the table that says what
// to speed up next. On webgpu the times are the GPU's own (timestamp queries, where the adapter
// has them); on wasm and cpu they are wall time per kernel.
//   node --import tsx bench/profile-step.ts [--model dcgan|stylegan2] [--resolution 64] [--batch 64] [--backend webgpu] [--top 15]
//     [--flags WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=100,...]   (tfjs environment flags, to try settings)
import { parseArgs } from 'node:util';
import * as tf from '../electron/engine/tf';
import { selectBackend, type BackendName } from '../electron/engine/backends';
import { defaultModelConfig } from '../electron/engine/models/registry';
import { buildDcgan } from '../electron/engine/models/dcgan';
import { buildStyleGan2 } from '../electron/engine/models/stylegan2';
import type { GanModel } from '../electron/engine/models/gan-model';
import { Rng } from '../electron/engine/nn/rng';
import { trainingSteps } from '../electron/engine/train/objectives';
import { adamPair } from '../electron/engine/train/optimize';
import { ganStep, useSwiftShaderWithoutGpu } from './common';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'dcgan' },
    resolution: { type: 'string', default: '64' },
    batch: { type: 'string', default: '64' },
    backend: { type: 'string', default: 'webgpu' },
    top: { type: 'string', default: '15' },
    flags: { type: 'string', default: '' },
    // Profile drawing one batch (the sampler, videos) instead of a training step.
    generate: { type: 'boolean', default: false },
  },
});
const resolution = Number(values.resolution);
const batch = Number(values.batch);
useSwiftShaderWithoutGpu();
const choice = await selectBackend(values.backend as BackendName, 'train');
// After the backend: its module registers its flags.
for (const pair of values.flags.split(',').filter(Boolean)) {
  const [name, value] = pair.split('=');
  tf.env().set(name!, value === 'true' ? true : value === 'false' ? false : Number(value));
}

function build(): { model: GanModel; step: () => Promise<void>; prepare: () => Promise<void> } {
  const rng = new Rng(2);
  const real = tf.randomUniform([batch, resolution, resolution, 3], -1, 1) as tf.Tensor4D;
  if (values.model === 'stylegan2') {
    const spec = defaultModelConfig('stylegan2', resolution, 3, {
      network: { zDim: 512, wDim: 512, mappingLayers: 8, channelBase: 16384, channelMax: 512 },
      augment: 'none',
      batchSize: batch,
    });
    if (spec.arch !== 'stylegan2') throw new Error('unreachable');
    const model = buildStyleGan2(spec.config, new Rng(1));
    const opt = adamPair(0.0025, 0, 0.99, spec.config.r1Interval);
    // Step 0 of a run takes the R1 penalty: the heaviest step, the one profiled.
    return { model, step: ganStep(model, opt, trainingSteps.stylegan2, real, rng), prepare: async () => model.setProgress?.(0) };
  }
  const model = buildDcgan({ resolution, channels: 3, zDim: 100, width: 64, maxChannels: 512 }, new Rng(1));
  return { model, step: ganStep(model, adamPair(2e-4, 0.5, 0.999), trainingSteps.nonsaturating, real, rng), prepare: async () => {} };
}

const built = build();
const { prepare } = built;
const step = values.generate
  ? async () => {
      const rng = new Rng(5);
      const z = built.model.sampleLatents(batch, rng);
      const img = built.model.generate(z, false);
      await img.data();
      tf.dispose([z, img]);
    }
  : built.step;
await prepare();
await step(); // warm-up: shaders compiled, Adam's moments created
await prepare();
let t0 = performance.now();
await step();
const plainMs = performance.now() - t0;
await prepare();
t0 = performance.now();
const profile = await tf.profile(step);
const profiledMs = performance.now() - t0;

// What one kernel costs beyond its arithmetic: a chain of tiny additions, waited for once.
const tiny = tf.ones([64]);
let chain = tf.add(tiny, tiny);
await chain.data();
t0 = performance.now();
for (let i = 0; i < 2000; i++) {
  const next = tf.add(chain, tiny);
  chain.dispose();
  chain = next;
}
await chain.data();
const perKernelUs = ((performance.now() - t0) * 1000) / 2000;
tf.dispose([tiny, chain]);

const byKernel = new Map<string, { count: number; ms: number }>();
for (const k of profile.kernels) {
  const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
  const entry = byKernel.get(k.name) ?? { count: 0, ms: 0 };
  entry.count++;
  entry.ms += ms;
  byKernel.set(k.name, entry);
}
const totalMs = [...byKernel.values()].reduce((s, e) => s + e.ms, 0);
const rows = [...byKernel].sort((a, b) => b[1].ms - a[1].ms).slice(0, Number(values.top));
console.log(
  `\n${values.model} ${resolution}×${resolution}, batch ${batch}, ${values.generate ? 'drawing one batch' : 'one training step'} on ${choice.name} (${choice.detail}); Node ${process.version}\n`,
);
console.log(
  `step: ${plainMs.toFixed(0)} ms as trained; ${profiledMs.toFixed(0)} ms profiled (every kernel timed alone); ${profile.kernels.length} kernels, ${totalMs.toFixed(0)} ms of kernel time`,
);
console.log(`a kernel's fixed cost: ${perKernelUs.toFixed(0)} µs (2000 chained additions of 64 floats)${values.flags ? `; flags ${values.flags}` : ''}\n`);
console.log('| kernel | calls | ms | share |');
console.log('|---|---:|---:|---:|');
for (const [name, e] of rows) console.log(`| ${name} | ${e.count} | ${e.ms.toFixed(1)} | ${((100 * e.ms) / (totalMs || 1)).toFixed(1)} % |`);
