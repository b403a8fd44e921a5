// What the training benchmarks share: one whole GAN step timed the same way for every family,
// and the PyTorch reference run with Debian's python3 (where python3-torch lives).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '../electron/engine/tf';
import type { GanModel } from '../electron/engine/models/gan-model';
import type { Rng } from '../electron/engine/nn/rng';
import type { Optimizers } from '../electron/engine/train/optimize';
import type { TrainingSteps } from '../electron/engine/train/objectives';
import { collectStats } from '../electron/engine/train/train-stats';

/** One D step and one G step on `real`, waited for: a training step as the loop takes it. */
export function ganStep(model: GanModel, opt: Optimizers, steps: TrainingSteps, real: tf.Tensor4D, rng: Rng): () => Promise<void> {
  const batch = real.shape[0];
  return async () => {
    const zD = model.sampleLatents(batch, rng);
    const d = steps.discriminator(model, opt, real, zD, rng);
    const zG = steps.generatorReusesLatents ? zD : model.sampleLatents(batch, rng);
    const g = steps.generator(model, opt, zG);
    await d.data();
    await g.data();
    // As the training loop does after every step: the statistics the step reported, read back.
    await collectStats();
    tf.dispose([zD, d, zG, g]);
  };
}

/** The rules every timing here follows (bench/README.md): at least this many, on both sides. */
export const MIN_WARMUP = 3;
export const MIN_STEPS = 20;
export const MIN_REPEATS = 3;

/** Rate (items per second) of `steps` calls of `fn` after `warmup` calls, each awaited. */
export async function rate(fn: () => Promise<void>, warmup: number, steps: number, itemsPerCall: number): Promise<number> {
  for (let i = 0; i < warmup; i++) await fn();
  const t0 = performance.now();
  for (let i = 0; i < steps; i++) await fn();
  return (steps * itemsPerCall) / ((performance.now() - t0) / 1000);
}

/** Repetitions as "mean (min–max)". */
export function spread(values: number[], digits = 1): string {
  if (values.length === 0) return '—';
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.length === 1 ? mean.toFixed(digits) : `${mean.toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`;
}

export function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** A line saying whether a run's settings meet the rules, printed under every table. */
export function methodLine(warmup: number, steps: number, repeats: number): string {
  const ok = warmup >= MIN_WARMUP && steps >= MIN_STEPS && repeats >= MIN_REPEATS;
  return ok
    ? `${warmup} warm-up steps, then ${steps} timed steps, ${repeats} repetitions (mean, min–max), the same on both sides`
    : `NOT A MEASUREMENT: ${warmup} warm-up / ${steps} timed steps / ${repeats} repetitions is below the rules (${MIN_WARMUP} / ${MIN_STEPS} / ${MIN_REPEATS}); a quick look only`;
}

/**
 * Runs a reference script with the first python3 that has torch (the one on PATH, then Debian's);
 * its last stdout line is JSON. `device` is torch's ('cpu', or 'cuda' on a machine with an NVIDIA
 * GPU, where webgpu runs on the same card). A string says why there is none.
 */
export function runTorchReference<T>(script: string, args: string[], device = 'cpu'): { version: string; result: T } | string {
  const pythons = ['python3', ...(existsSync('/usr/bin/python3') ? ['/usr/bin/python3'] : [])];
  const probeOf = (python: string) =>
    spawnSync(python, ['-c', `import torch; torch.zeros(1, device='${device}'); print(torch.__version__)`], { encoding: 'utf8' });
  const python = pythons.find((p) => probeOf(p).status === 0);
  if (!python) return device === 'cpu' ? 'not installed (apt install python3-torch)' : `no python3 with torch on ${device}`;
  const probe = probeOf(python);
  const r = spawnSync(python, [join(import.meta.dirname, script), ...args], { encoding: 'utf8', env: { ...process.env, BENCH_TORCH_DEVICE: device } });
  if (r.status !== 0) return `failed: ${r.stderr.trim().split('\n').at(-1)}`;
  return { version: probe.stdout.trim(), result: JSON.parse(r.stdout.trim().split('\n').at(-1)!) as T };
}

/** Dawn finds no GPU on the build machines; Debian's Chromium ships a software Vulkan driver it can use. */
export function useSwiftShaderWithoutGpu(): void {
  const swiftshader = '/usr/lib/chromium/vk_swiftshader_icd.json';
  if (!process.env.VK_ICD_FILENAMES && existsSync(swiftshader)) process.env.VK_ICD_FILENAMES = swiftshader;
}
