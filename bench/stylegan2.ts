// StyleGAN2 generator throughput (images/s, batch 8) at 256×256 with a config-e-like width
// (channel base 16384, max 512, z = w = 512, 8 mapping layers), and the time of one training step
// (a D step with the R1 penalty and a G step, ADA off), on each TensorFlow.js backend that can run
// here; against the same network written in PyTorch (bench/stylegan2_torch.py, ours, not NVIDIA's)
// measured in the same run when Debian's python3-torch is installed.
//   node --import tsx bench/stylegan2.ts [--batch 8] [--resolution 256] [--backends wasm,cpu] [--train] [--steps 1] [--torch-device cuda]
import { parseArgs } from 'node:util';
import * as tf from '../electron/engine/tf';
import { BACKENDS, selectBackend } from '../electron/engine/backends';
import { defaultModelConfig } from '../electron/engine/models/registry';
import { buildStyleGan2 } from '../electron/engine/models/stylegan2';
import { Rng } from '../electron/engine/nn/rng';
import { trainingSteps } from '../electron/engine/train/objectives';
import { ganStep, runTorchReference, useSwiftShaderWithoutGpu } from './common';
import { adamPair } from '../electron/engine/train/optimize';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '8' },
    resolution: { type: 'string', default: '256' },
    backends: { type: 'string', default: BACKENDS.join(',') },
    train: { type: 'boolean', default: false },
    // Timed repetitions after the warm-up; on a GPU one is too short to time.
    steps: { type: 'string', default: '1' },
    'torch-device': { type: 'string', default: 'cpu' },
  },
});
const batch = Number(values.batch);
const resolution = Number(values.resolution);
const steps = Number(values.steps);
useSwiftShaderWithoutGpu();

const CONFIG_E = { zDim: 512, wDim: 512, mappingLayers: 8, channelBase: 16384, channelMax: 512 };

async function measure(): Promise<{ generate: number; trainStep: number | null }> {
  const spec = defaultModelConfig('stylegan2', resolution, 3, { network: CONFIG_E, augment: 'none', batchSize: batch });
  if (spec.arch !== 'stylegan2') throw new Error('unreachable');
  const model = buildStyleGan2(spec.config, new Rng(1));
  const rng = new Rng(2);
  const generateOnce = async () => {
    const z = model.sampleLatents(batch, rng);
    const img = model.generate(z, false);
    await img.data();
    tf.dispose([z, img]);
  };
  await generateOnce(); // warm-up: kernels compiled
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await generateOnce();
  const generate = (steps * batch) / ((performance.now() - t0) / 1000);
  let trainStep: number | null = null;
  if (values.train) {
    const opt = adamPair(0.0025, 0, 0.99, spec.config.r1Interval);
    const real = tf.randomUniform([batch, resolution, resolution, 3], -1, 1) as tf.Tensor4D;
    await model.setProgress?.(0); // step 0 takes the R1 penalty
    const step = ganStep(model, opt, trainingSteps.stylegan2, real, rng);
    await step();
    const t1 = performance.now();
    for (let i = 0; i < steps; i++) await step();
    trainStep = (performance.now() - t1) / 1000 / steps;
    real.dispose();
  }
  model.params.dispose();
  return { generate, trainStep };
}

function torchReference(): { version: string; generate: number; trainStep: number | null } | string {
  const r = runTorchReference<{ generate: number; trainStep: number | null }>('stylegan2_torch.py', ['2', String(batch), String(resolution), values.train ? '1' : '0', String(steps)], values['torch-device']);
  return typeof r === 'string' ? r : { version: r.version, ...r.result };
}

// Rows are printed as they are measured: a slow backend's row comes minutes after the others.
const rows = { push: (row: string) => console.log(row) };
const torch = torchReference();
const reference = typeof torch === 'string' ? null : torch;
const fmt = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));
console.log(`StyleGAN2 ${resolution}×${resolution}, config-e-like width, batch ${batch}, ${steps} timed step(s)${typeof torch === 'string' ? ` (no reference: ${torch})` : ''}\n`);
console.log('| backend | generate img/s | × PyTorch | train step s (D+R1, G) | × PyTorch speed |');
console.log('|---|---:|---:|---:|---:|');
if (reference) rows.push(`| PyTorch ${reference.version}, ${values['torch-device'] === 'cpu' ? '2 threads' : values['torch-device']} | ${fmt(reference.generate)} | 1× | ${fmt(reference.trainStep, 1)} | ${reference.trainStep ? '1×' : '—'} |`);
for (const name of values.backends.split(',') as (typeof BACKENDS)[number][]) {
  try {
    const choice = await selectBackend(name, 'train');
    const m = await measure();
    const ratio = reference ? `${(m.generate / reference.generate).toFixed(3)}×` : '—';
    const trainRatio = reference?.trainStep && m.trainStep ? `${(reference.trainStep / m.trainStep).toFixed(3)}×` : '—';
    rows.push(`| ${name} (${choice.detail.split(' (')[0]}) | ${fmt(m.generate)} | ${ratio} | ${fmt(m.trainStep, 1)} | ${trainRatio} |`);
  } catch (err) {
    rows.push(`| ${name} | unavailable: ${(err instanceof Error ? err.message : String(err)).split(/[.;]/)[0]} | | | |`);
  }
}
