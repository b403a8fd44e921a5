// StyleGAN2 at the paper256 configuration's width (channel base 16384, max 512, z = w = 512, 8
// mapping layers, conv clamp 256): images generated per second and, with --train, seconds per
// training step on the schedule NVIDIA's trainer uses (a G step and a D step every step, R1 every
// 16th with lazy regularisation's gain, the EMA generator), on each TensorFlow.js backend named;
// against, in the same run, NVIDIA's own networks and loss (stylegan2-ada-pytorch, from a checkout
// given by --nvidia: bench/stylegan2_nvidia.py) and our PyTorch statement of the same network in its
// fastest formulation (bench/stylegan2_torch.py), each with PyTorch's defaults and with denormals
// flushed. Ratios are to the fastest of those references.
//   node --import tsx bench/stylegan2.ts [--resolution 256] [--batch 8] [--train] [--warmup 3]
//        [--steps 20] [--repeats 3] [--backends wasm] [--nvidia .cache/stylegan2-ada-pytorch]
//        [--refs nvidia,ours] [--flush both|none|on|off] [--nvidia-flush the same]
// With --train use a multiple of 16 steps (32), so that both sides time the same number of R1 steps.
import { parseArgs } from 'node:util';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '../electron/engine/tf';
import { BACKENDS, selectBackend, type BackendName } from '../electron/engine/backends';
import { nativeKernels } from '../electron/engine/kernels/native-kernels';
import { defaultModelConfig } from '../electron/engine/models/registry';
import { buildStyleGan2 } from '../electron/engine/models/stylegan2';
import { Rng } from '../electron/engine/nn/rng';
import { trainingSteps } from '../electron/engine/train/objectives';
import { adamPair } from '../electron/engine/train/optimize';
import { ganStep, mean, methodLine, rate, runTorchReference, spread, useSwiftShaderWithoutGpu } from './common';

const defaultCheckout = join(import.meta.dirname, '..', '.cache', 'stylegan2-ada-pytorch');
const { values } = parseArgs({
  options: {
    resolution: { type: 'string', default: '256' },
    batch: { type: 'string', default: '8' },
    train: { type: 'boolean', default: false },
    warmup: { type: 'string', default: '3' },
    steps: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'wasm' },
    threads: { type: 'string', default: String(availableParallelism()) },
    nvidia: { type: 'string', default: existsSync(defaultCheckout) ? defaultCheckout : '' },
    // 'both' runs each reference with PyTorch's defaults and with denormals flushed; 'none' runs no reference.
    flush: { type: 'string', default: 'both' },
    // Which references run: NVIDIA's trainer, our PyTorch statement, or both (the ratio is always to
    // the fastest of those that ran, and the table names each).
    refs: { type: 'string', default: 'nvidia,ours' },
    // NVIDIA's trainer is the slowest reference here; a long --train run may time it in one setting only.
    'nvidia-flush': { type: 'string' },
    'torch-device': { type: 'string', default: 'cpu' },
  },
});
const resolution = Number(values.resolution);
const batch = Number(values.batch);
const warmup = Number(values.warmup);
const steps = Number(values.steps);
const repeats = Number(values.repeats);
const threads = Number(values.threads);
useSwiftShaderWithoutGpu();
const native = nativeKernels();
if (native.ok) native.kernels.setThreads(threads);

const PAPER256 = { zDim: 512, wDim: 512, mappingLayers: 8, channelBase: 16384, channelMax: 512 };

interface Side {
  label: string;
  generate: number[];
  /** Seconds per training step, per repetition. */
  train: number[];
  detail: string;
}

/** The wasm heap's size now: it only grows, so after a run it is that run's peak. */
function wasmHeapMB(): number | null {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8: Uint8Array } };
  return b.wasm ? b.wasm.HEAPU8.length / 2 ** 20 : null;
}

async function measure(): Promise<{ generate: number; train: number | null }> {
  const spec = defaultModelConfig('stylegan2', resolution, 3, { network: PAPER256, augment: 'none', batchSize: batch });
  if (spec.arch !== 'stylegan2') throw new Error('unreachable');
  const model = buildStyleGan2(spec.config, new Rng(1));
  const rng = new Rng(2);
  const generate = await rate(
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
  let train: number | null = null;
  if (values.train) {
    const opt = adamPair(0.0025, 0, 0.99, spec.config.r1Interval);
    const real = tf.randomUniform([batch, resolution, resolution, 3], -1, 1) as tf.Tensor4D;
    const step = ganStep(model, opt, trainingSteps.stylegan2, real, rng);
    let seen = 0;
    // As the training loop does: the images seen decide when R1 is due (every 16th step from 0).
    const scheduled = async () => {
      await model.setProgress?.(seen);
      await step();
      model.afterGeneratorStep?.(batch, seen + batch);
      seen += batch;
    };
    // rate() gives steps per second: its inverse is seconds per step.
    train = 1 / (await rate(scheduled, warmup, steps, 1));
    real.dispose();
    opt.g.dispose();
    opt.d.dispose();
  }
  model.params.dispose();
  return { generate, train };
}

function reference(script: 'nvidia' | 'ours', flush: boolean): Side | string {
  const args = [
    String(threads),
    String(warmup),
    String(steps),
    String(batch),
    String(resolution),
    String(repeats),
    flush ? '1' : '0',
    values.train ? '1' : '0',
  ];
  const r =
    script === 'nvidia'
      ? runTorchReference<{ torch: string; generate_img_s: number[]; train_step_s: number[] }>(
          'stylegan2_nvidia.py',
          [values.nvidia, ...args],
          values['torch-device'],
        )
      : runTorchReference<{ torch: string; generate_img_s: number[]; train_step_s: number[] }>('stylegan2_torch.py', args, values['torch-device']);
  const name = script === 'nvidia' ? "NVIDIA's stylegan2-ada-pytorch" : 'our PyTorch statement';
  if (typeof r === 'string') return `${name}: ${r}`;
  const where = values['torch-device'] === 'cpu' ? `${threads} threads` : values['torch-device'];
  return {
    label: `${name} (PyTorch ${r.version}, ${where}, ${flush ? 'denormals flushed' : 'defaults'})`,
    generate: r.result.generate_img_s,
    train: r.result.train_step_s,
    detail: '',
  };
}

const flushSettings = (v: string) => (v === 'both' ? [false, true] : v === 'none' ? [] : [v === 'on']);
const flushes = flushSettings(values.flush);
const refs: (Side | string)[] = [];
const wanted = values.refs.split(',');
for (const script of (['nvidia', 'ours'] as const).filter((s) => wanted.includes(s) && (s === 'ours' || values.nvidia))) {
  const settings = script === 'nvidia' && values['nvidia-flush'] ? flushSettings(values['nvidia-flush']) : flushes;
  for (const flush of values['torch-device'] === 'cpu' ? settings : [false]) refs.push(reference(script, flush));
}
if (!values.nvidia && wanted.includes('nvidia') && flushes.length)
  refs.push("NVIDIA's stylegan2-ada-pytorch: not run (clone it into .cache/stylegan2-ada-pytorch or pass --nvidia PATH)");
const measured = refs.filter((r): r is Side => typeof r !== 'string');
const fastestGen = measured.length ? Math.max(...measured.map((r) => mean(r.generate))) : null;
const fastestTrain = measured.some((r) => r.train.length) ? Math.min(...measured.filter((r) => r.train.length).map((r) => mean(r.train))) : null;

const ours: (Side | string)[] = [];
const heaps: string[] = [];
for (const name of values.backends.split(',') as BackendName[]) {
  if (!BACKENDS.includes(name)) continue;
  try {
    const choice = await selectBackend(name, 'train');
    const side: Side = { label: `Leporello ${name}`, generate: [], train: [], detail: choice.detail };
    for (let r = 0; r < repeats; r++) {
      const m = await measure();
      side.generate.push(m.generate);
      if (m.train !== null) side.train.push(m.train);
    }
    const heap = wasmHeapMB();
    if (heap !== null) heaps.push(`${name}: peak wasm heap ${heap.toFixed(0)} MB of 4096`);
    ours.push(side);
  } catch (err) {
    ours.push(`| Leporello ${name} | fails: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]} | | | | |`);
  }
}

const genRatio = (s: Side) => (fastestGen ? `${(mean(s.generate) / fastestGen).toFixed(2)}×` : '—');
const trainRatio = (s: Side) => (fastestTrain && s.train.length ? `${(fastestTrain / mean(s.train)).toFixed(2)}×` : '—');
console.log(`\nStyleGAN2 ${resolution}×${resolution}, paper256 width, batch ${batch}; ${methodLine(warmup, steps, repeats)}; Node ${process.version}\n`);
console.log(`| | generate img/s | × fastest reference | ${values.train ? 'train s/step (lazy R1)' : 'train'} | × fastest reference (speed) | runs on |`);
console.log('|---|---:|---:|---:|---:|---|');
for (const r of refs) {
  if (typeof r === 'string') console.log(`| ${r} | | | | | |`);
  else
    console.log(
      `| ${r.label} | ${spread(r.generate, 2)} | ${genRatio(r)} | ${r.train.length ? spread(r.train, 2) : '—'} | ${trainRatio(r)} | ${values['torch-device'] === 'cpu' ? 'CPU' : 'GPU'} |`,
    );
}
for (const o of ours) {
  if (typeof o === 'string') console.log(o);
  else
    console.log(`| ${o.label} | ${spread(o.generate, 2)} | ${genRatio(o)} | ${o.train.length ? spread(o.train, 2) : '—'} | ${trainRatio(o)} | ${o.detail} |`);
}
if (heaps.length) console.log(`\n${heaps.join('; ')}`);
