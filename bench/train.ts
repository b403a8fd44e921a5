// DCGAN-64 (ngf = ndf = 64, nz = 100, the PyTorch example's network) training and sampling
// throughput on the TensorFlow.js backends that can run here, against the same network in
// PyTorch measured in the same run (Debian's python3-torch), with its default settings and with
// denormals flushed (its fastest on a CPU); the ratios are to the faster of the two.
//   node --import tsx bench/train.ts [--batch 64] [--warmup 3] [--steps 20] [--repeats 3]
//                                    [--backends wasm,cpu] [--threads N] [--torch-device cuda]
// Prints a markdown table; bench/RESULTS.md holds the committed one.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import * as tf from '../electron/engine/tf';
import { BACKENDS, selectBackend } from '../electron/engine/backends';
import { nativeKernels } from '../electron/engine/kernels/native-kernels';
import { buildDcgan } from '../electron/engine/models/dcgan';
import { Rng } from '../electron/engine/nn/rng';
import { trainingSteps } from '../electron/engine/train/objectives';
import { adamPair } from '../electron/engine/train/optimize';
import { ganStep, mean, methodLine, rate, runTorchReference, spread, useSwiftShaderWithoutGpu } from './common';

const { values } = parseArgs({
  options: {
    batch: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '3' },
    steps: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '3' },
    // At batch 64 a software-Vulkan (SwiftShader) step takes minutes: webgpu is left out unless named.
    backends: { type: 'string', default: 'tensorflow,wasm,cpu' },
    threads: { type: 'string', default: String(availableParallelism()) },
    // On a machine with an NVIDIA GPU the fair reference is PyTorch on that GPU.
    'torch-device': { type: 'string', default: 'cpu' },
  },
});
const batch = Number(values.batch);
const warmup = Number(values.warmup);
const steps = Number(values.steps);
const repeats = Number(values.repeats);
const threads = Number(values.threads);
useSwiftShaderWithoutGpu();
const native = nativeKernels();
if (native.ok) native.kernels.setThreads(threads);

/** One repetition on the active backend: a fresh network, warm-up, timed training, then sampling. */
async function measure(): Promise<{ train: number; sample: number }> {
  const model = buildDcgan({ resolution: 64, channels: 3, zDim: 100, width: 64, maxChannels: 512 }, new Rng(1));
  const opt = adamPair(2e-4, 0.5, 0.999);
  const rng = new Rng(2);
  const real = tf.randomUniform([batch, 64, 64, 3], -1, 1) as tf.Tensor4D;
  const train = await rate(ganStep(model, opt, trainingSteps.nonsaturating, real, rng), warmup, steps, batch);
  const sample = await rate(
    async () => {
      const z = model.sampleLatents(batch, rng);
      const img = model.generate(z, false);
      await img.data();
      tf.dispose([z, img]);
    },
    warmup,
    steps,
    batch,
  );
  real.dispose();
  opt.g.dispose();
  opt.d.dispose();
  model.params.dispose();
  return { train, sample };
}

interface Side {
  label: string;
  train: number[];
  sample: number[];
  detail: string;
}

function torchSide(flush: boolean): Side | string {
  const r = runTorchReference<{ torch: string; flushed: boolean; train_img_s: number[]; sample_img_s: number[] }>(
    'dcgan_torch.py',
    [String(threads), String(warmup), String(steps), String(batch), String(repeats), flush ? '1' : '0'],
    values['torch-device'],
  );
  if (typeof r === 'string') return r;
  const where = values['torch-device'] === 'cpu' ? `${threads} threads` : values['torch-device'];
  return {
    label: `PyTorch ${r.result.torch}, ${where}, ${flush ? 'denormals flushed' : 'defaults'}`,
    train: r.result.train_img_s,
    sample: r.result.sample_img_s,
    detail: '',
  };
}

const torch = [torchSide(false), ...(values['torch-device'] === 'cpu' ? [torchSide(true)] : [])];
const references = torch.filter((t): t is Side => typeof t !== 'string');
const fastest = references.length ? references.reduce((a, b) => (mean(a.train) >= mean(b.train) ? a : b)) : null;
const fastestSample = references.length ? references.reduce((a, b) => (mean(a.sample) >= mean(b.sample) ? a : b)) : null;

const ours: (Side | string)[] = [];
for (const name of BACKENDS.filter((b) => values.backends.split(',').includes(b))) {
  let detail: string;
  try {
    detail = (await selectBackend(name, 'train')).detail;
  } catch (err) {
    ours.push(
      `| ${name} | cannot train here: ${(err as Error).message.replace(/^the \w+ backend cannot run here: /, '').replace(/\. Choose "auto".*$/, '')} | | | | |`,
    );
    continue;
  }
  const side: Side = { label: `Leporello ${name}`, train: [], sample: [], detail };
  for (let r = 0; r < repeats; r++) {
    const m = await measure();
    side.train.push(m.train);
    side.sample.push(m.sample);
  }
  ours.push(side);
}

const ratio = (x: number[], ref: Side | null, key: 'train' | 'sample') => (ref ? `${(mean(x) / mean(ref[key])).toFixed(2)}×` : '—');
console.log(`\nDCGAN-64, batch ${batch}; ${methodLine(warmup, steps, repeats)}; Node ${process.version}\n`);
console.log('| | train img/s | × fastest PyTorch | sample img/s | × fastest PyTorch | runs on |');
console.log('|---|---:|---:|---:|---:|---|');
for (const t of torch) {
  if (typeof t === 'string') console.log(`| PyTorch (reference) | — | | — | | ${t} |`);
  else
    console.log(
      `| ${t.label} | ${spread(t.train)} | ${ratio(t.train, fastest, 'train')} | ${spread(t.sample)} | ${ratio(t.sample, fastestSample, 'sample')} | ${values['torch-device'] === 'cpu' ? 'CPU' : 'GPU'} |`,
    );
}
for (const o of ours) {
  if (typeof o === 'string') console.log(o);
  else
    console.log(
      `| ${o.label} | ${spread(o.train)} | ${ratio(o.train, fastest, 'train')} | ${spread(o.sample)} | ${ratio(o.sample, fastestSample, 'sample')} | ${o.detail} |`,
    );
}
