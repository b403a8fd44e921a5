// Picks the TensorFlow.js backend the engine computes on, best first — CUDA through
// tfjs-node-gpu, any GPU through WebGPU on Dawn, WASM, plain JavaScript — and says what it chose
// and why each better one was not available. Model code is written once against tfjs-core.
import * as tf from './tf';
import '@tensorflow/tfjs-backend-cpu';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { AppError } from '../../shared/errors';
import { installWasmConvGradients } from './kernels/wasm-conv-gemm';
import { installWasmSharedIdentity } from './kernels/wasm-identity';
import { describeNative, installNativeKernels } from './kernels/native-kernels';
import { installWebGpuFilterGradient } from './kernels/webgpu-conv-filter-grad';
import { installWebGpuUploads } from './kernels/webgpu-upload';

export const BACKENDS = ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export interface BackendAttempt {
  name: BackendName;
  ok: boolean;
  /** What it runs on when ok (e.g. the GPU adapter), why not otherwise. */
  detail: string;
}

export interface BackendChoice {
  name: BackendName;
  detail: string;
  attempts: BackendAttempt[];
  /** One line for people: the choice and why the better ones were passed over. */
  summary: string;
}

const require = createRequire(import.meta.url);

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!;
}

/** The Dawn instance tfjs-backend-webgpu runs on, kept for the life of the process once it works. */
let dawn: { gpu: GPU; description: string } | null = null;

/** Prepares a backend for tf.setBackend; resolves to a description or throws why it cannot run. */
const preparers: Record<BackendName, () => Promise<string>> = {
  async tensorflow() {
    try {
      await import('@tensorflow/tfjs-node-gpu' as string);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' || /Cannot find (module|package)/.test(firstLine(err));
      throw new Error(
        missing
          ? '@tensorflow/tfjs-node-gpu is not installed (its libtensorflow download fails without internet, or on machines without CUDA 11 / cuDNN 8)'
          : `@tensorflow/tfjs-node-gpu did not load: ${firstLine(err)}`,
        { cause: err },
      );
    }
    return 'CUDA through libtensorflow';
  },

  async webgpu() {
    // Dawn once per process: tfjs keeps the device it made from this instance, and a second
    // instance (a later selectBackend) would let the first be collected under it — a crash.
    if (dawn) return dawn.description;
    let webgpu: { create: (flags: string[]) => GPU; globals: Record<string, unknown> };
    try {
      webgpu = (await import('webgpu')) as unknown as typeof webgpu;
    } catch (err) {
      throw new Error(`the "webgpu" package (Dawn for Node) did not load: ${firstLine(err)}`, { cause: err });
    }
    Object.assign(globalThis, webgpu.globals);
    const gpu = webgpu.create([]);
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) {
      throw new Error(
        'Dawn found no GPU adapter (no Vulkan, Metal or D3D12 device; on Linux without a GPU, VK_ICD_FILENAMES can name a software Vulkan driver such as SwiftShader)',
      );
    }
    // tfjs-backend-webgpu looks for navigator.gpu, as in a browser.
    Object.defineProperty(globalThis, 'navigator', { value: { ...(globalThis.navigator ?? {}), gpu }, configurable: true, writable: true });
    const { webgpu_util, WebGPUBackend } = await import('@tensorflow/tfjs-backend-webgpu');
    // Its filter gradient starves the GPU (one thread per weight): ours is a sliced matrix product.
    installWebGpuFilterGradient(webgpu_util as never);
    // Its uploads make and destroy a mapped buffer each: ours go through the queue.
    installWebGpuUploads(WebGPUBackend);
    const info = adapter.info;
    dawn = { gpu, description: [info.vendor, info.architecture, info.device, info.description].filter(Boolean).join(' ') || 'a WebGPU adapter' };
    return dawn.description;
  },

  async wasm() {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(`${dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm'))}/`);
    // Stock tfjs-backend-wasm has no filter gradient and a slow input gradient: ours are XNNPACK
    // matrix products, and the native kernels, where they are built, replace all the convolutions.
    installWasmConvGradients();
    installWasmSharedIdentity();
    const native = installNativeKernels('wasm');
    if (native.ok) return `WebAssembly for element-wise work; convolutions and matrix products in ${describeNative(native)}`;
    return `WebAssembly (XNNPACK convolutions and matrix products, one thread; ${describeNative(native)})`;
  },

  async cpu() {
    const native = installNativeKernels('cpu');
    return native.ok
      ? `plain JavaScript for element-wise work; convolutions and matrix products in ${describeNative(native)}`
      : `plain JavaScript (${describeNative(native)})`;
  },
};

/** What the engine will ask of a backend. */
export type Purpose = 'train' | 'sample';

/** Kernels each purpose cannot do without: a GAN's convolutions and their two gradients. */
export const REQUIRED_KERNELS: Record<Purpose, string[]> = {
  sample: ['Conv2D', 'Conv2DBackpropInput', 'BatchMatMul'],
  train: ['Conv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter', 'BatchMatMul'],
};

async function tryBackend(name: BackendName, purpose: Purpose): Promise<BackendAttempt> {
  try {
    const detail = await preparers[name]();
    if (!(await tf.setBackend(name))) throw new Error(`tfjs could not initialise the ${name} backend`);
    const missing = REQUIRED_KERNELS[purpose].filter((k) => !tf.getKernel(k, name));
    if (missing.length)
      throw new Error(
        `it has no ${missing.join(', ')} kernel${missing.length > 1 ? 's' : ''}, which ${purpose === 'train' ? 'training' : 'sampling'} convolutional networks needs`,
      );
    await tf.ready();
    // One real computation: a backend that registers but cannot run is no backend.
    const check = tf.tidy(() => tf.sum(tf.matMul(tf.ones([4, 4]), tf.ones([4, 4]))));
    const value = (await check.data())[0];
    check.dispose();
    if (value !== 64) throw new Error(`a 4×4 matrix product gave ${value}, expected 64`);
    return { name, ok: true, detail };
  } catch (err) {
    return { name, ok: false, detail: firstLine(err) };
  }
}

/**
 * Activates a backend. 'auto' takes the best one that works; naming one means exactly that one,
 * with a clear error when it is not available (a run asked for a GPU should not quietly crawl on the CPU).
 */
export async function selectBackend(preference: BackendName | 'auto' = 'auto', purpose: Purpose = 'train'): Promise<BackendChoice> {
  // An engine process runs job after job (a curation pass is one per picture): the choice is
  // made once per preference and purpose, then only made active again.
  const known = chosen.get(`${preference}:${purpose}`);
  if (known) {
    if (tf.getBackend() !== known.name) await tf.setBackend(known.name);
    return known;
  }
  const choice = await choose(preference, purpose);
  chosen.set(`${preference}:${purpose}`, choice);
  return choice;
}

const chosen = new Map<string, BackendChoice>();

async function choose(preference: BackendName | 'auto', purpose: Purpose): Promise<BackendChoice> {
  const order = preference === 'auto' ? BACKENDS : [preference];
  const attempts: BackendAttempt[] = [];
  for (const name of order) {
    const attempt = await tryBackend(name, purpose);
    attempts.push(attempt);
    if (attempt.ok) {
      const passed = attempts.filter((a) => !a.ok).map((a) => `${a.name} unavailable: ${a.detail}`);
      return { name, detail: attempt.detail, attempts, summary: [`computing on ${name} (${attempt.detail})`, ...passed].join('; ') };
    }
  }
  if (preference !== 'auto') {
    throw new AppError('unavailable', `the ${preference} backend cannot run here: ${attempts[0]!.detail}. Choose "auto" to use the best available one.`);
  }
  throw new AppError('unavailable', `no TensorFlow.js backend can ${purpose} here: ${attempts.map((a) => `${a.name}: ${a.detail}`).join('; ')}`);
}

/** Every backend's availability, for the launcher and `leporello backends`. Leaves the best one active. */
export async function probeBackends(purpose: Purpose = 'train'): Promise<BackendAttempt[]> {
  const attempts: BackendAttempt[] = [];
  for (const name of BACKENDS) attempts.push(await tryBackend(name, purpose));
  const best = attempts.find((a) => a.ok);
  if (best) await tf.setBackend(best.name);
  return attempts;
}
