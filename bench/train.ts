// DCGAN-64 (ngf = ndf = 64, nz = 100, the PyTorch example's network) training and sampling
// throughput on every TensorFlow.js backend that can run here, against the same network in
// PyTorch measured in the same run when Debian's python3-torch is installed.
//   node --import tsx bench/train.ts [--batch 64] [--steps 1] [--torch-device cuda]
// Prints a markdown table; bench/RESULTS.md holds the committed one.
import { parseArgs } from 'node:util';
import * as tf from '../electron/engine/tf';
import { BACKENDS, selectBackend } from '../electron/engine/backends';
import { buildDcgan } from '../electron/engine/models/dcgan';
import { Rng } from '../electron/engine/nn/rng';
import { trainingSteps } from '../electron/engine/train/objectives';
import { ganStep, runTorchReference, useSwiftShaderWithoutGpu } from './common';
import { adamPair } from '../electron/engine/train/optimize';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    steps: { type: 'string', default: '1' },
    backends: { type: 'string', default: BACKENDS.join(',') },
    // On a machine with an NVIDIA GPU the fair reference is PyTorch on that GPU.
    'torch-device': { type: 'string', default: 'cpu' },
  },
});
// At batch 64 a software-Vulkan step takes many minutes: `--backends wasm,cpu` measures a subset.
const chosen = values.backends.split(',');
const batch = Number(values.batch);
const steps = Number(values.steps);
useSwiftShaderWithoutGpu();

async function measure(): Promise<{ train: number; sample: number }> {
  const model = buildDcgan({ resolution: 64, channels: 3, zDim: 100, width: 64, maxChannels: 512 }, new Rng(1));
  const opt = adamPair(2e-4, 0.5, 0.999);
  const rng = new Rng(2);
  const real = tf.randomUniform([batch, 64, 64, 3], -1, 1) as tf.Tensor4D;
  const step = ganStep(model, opt, trainingSteps.nonsaturating, real, rng);
  await step(); // warm-up: kernels compiled, Adam's moments created
  let t0 = performance.now();
  for (let i = 0; i < steps; i++) await step();
  const train = (steps * batch) / ((performance.now() - t0) / 1000);
  const sampleOnce = async () => {
    const z = model.sampleLatents(batch, rng);
    const img = model.generate(z, false);
    await img.data();
    tf.dispose([z, img]);
  };
  await sampleOnce();
  t0 = performance.now();
  await sampleOnce();
  const sample = batch / ((performance.now() - t0) / 1000);
  tf.dispose(real);
  model.params.dispose();
  return { train, sample };
}

function torchReference(): { version: string; train: number; sample: number } | string {
  const r = runTorchReference<{ torch: string; train_img_s: number; sample_img_s: number }>('dcgan_torch.py', ['2', String(Math.max(steps, 3)), String(batch)], values['torch-device']);
  return typeof r === 'string' ? r : { version: r.result.torch, train: r.result.train_img_s, sample: r.result.sample_img_s };
}

const torch = torchReference();
const rows: string[] = [];
for (const name of BACKENDS.filter((b) => chosen.includes(b))) {
  let detail: string;
  try {
    detail = (await selectBackend(name, 'train')).detail;
  } catch (err) {
    rows.push(`| ${name} | — | — | — | — | cannot train here: ${(err as Error).message.replace(/^the \w+ backend cannot run here: /, '').replace(/\. Choose "auto".*$/, '')} |`);
    continue;
  }
  const m = await measure();
  const ratio = (x: number, ref: number | undefined) => (ref ? `${(x / ref).toFixed(3)}×` : '—');
  rows.push(`| ${name} | ${m.train.toFixed(2)} | ${ratio(m.train, typeof torch === 'string' ? undefined : torch.train)} | ${m.sample.toFixed(1)} | ${ratio(m.sample, typeof torch === 'string' ? undefined : torch.sample)} | ${detail} |`);
}
console.log(`\nDCGAN-64, batch ${batch}, ${steps} timed step(s) after one warm-up; Node ${process.version}\n`);
console.log('| backend | train img/s | × PyTorch | sample img/s | × PyTorch | runs on |');
console.log('|---|---:|---:|---:|---:|---|');
if (typeof torch === 'string') console.log(`| PyTorch (reference) | — | | — | | ${torch} |`);
else {
  const on = values['torch-device'] === 'cpu' ? '2 threads' : values['torch-device'];
  console.log(`| PyTorch ${torch.version} (reference, ${on}) | ${torch.train.toFixed(2)} | 1× | ${torch.sample.toFixed(1)} | 1× | ${values['torch-device'] === 'cpu' ? 'CPU' : 'GPU'} |`);
}
for (const r of rows) console.log(r);
