// Leporello's native CPU kernels (kernels/native/, C++ through Node-API) as TensorFlow.js
// kernels of the wasm and cpu backends: Conv2D, both of its gradients (Conv2DBackpropInput is
// also every transposed convolution's forward pass) and BatchMatMul, as blocked matrix products
// in the CPU's widest vector instructions (AVX-512, AVX2, NEON, SSE2) on every core; Sum and Mean
// over leading axes (batch norm's statistics, every bias gradient), which tfjs-wasm does only
// after transposing the whole tensor; Transpose; on tfjs-cpu, arithmetic with per-channel
// broadcasts; and kernels of our own that the models call where they exist (UPFIRDN2D,
// BIAS_ACT and its gradient, ADAM).
//
// Optional by design: the module is compiled at install time (scripts/build-native.mjs); where
// it could not be, or LEPORELLO_NATIVE=0, the backends keep their own kernels (tfjs-wasm's
// XNNPACK with our im2col gradients, kernels/wasm-conv-gemm.ts). Results do not depend on the
// number of threads: every output element is summed in one fixed order.
import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { createRequire } from 'node:module';
import { convInfo, unsupportedConv, type ConvAttrs } from './conv-attrs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { appRoot } from '../../app-paths';

export interface NativeKernels {
  conv2d(x: Float32Array, filter: Float32Array, y: Float32Array, shape: Int32Array): void;
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, shape: Int32Array): void;
  conv2dBackpropInputPost(
    dy: Float32Array,
    filter: Float32Array,
    dx: Float32Array,
    shape: Int32Array,
    scale: Float32Array | null,
    shift: Float32Array | null,
    act: Int32Array,
  ): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, shape: Int32Array): void;
  matmul(a: Float32Array, b: Float32Array, c: Float32Array, dims: Int32Array): void;
  sumLeading(x: Float32Array, out: Float32Array, dims: Int32Array): void;
  upfirdn2d(x: Float32Array, taps: Float32Array, y: Float32Array, dims: Int32Array): void;
  transpose(x: Float32Array, out: Float32Array, shape: Int32Array, perm: Int32Array): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array): void;
  adam(
    w: Float32Array,
    g: Float32Array,
    m: Float32Array,
    v: Float32Array,
    wOut: Float32Array,
    mOut: Float32Array,
    vOut: Float32Array,
    scalars: Float32Array,
  ): void;
  biasAct(x: Float32Array, bias: Float32Array | null, y: Float32Array, dims: Int32Array, settings: Float32Array): void;
  biasActGrad(dy: Float32Array, y: Float32Array, dx: Float32Array, dims: Int32Array, settings: Float32Array): void;
  setThreads(threads: number): void;
  info(): { isa: string; threads: number };
}

export type NativeStatus = { ok: true; kernels: NativeKernels; isa: string; threads: number } | { ok: false; why: string };

const MODULE = join('out', 'native', 'leporello_kernels.node');

let status: NativeStatus | null = null;

/** Loads the module once per process; says why not where it cannot. */
export function nativeKernels(): NativeStatus {
  if (status) return status;
  if (process.env.LEPORELLO_NATIVE === '0') return (status = { ok: false, why: 'turned off (LEPORELLO_NATIVE=0)' });
  // Electron cannot load a native module from inside the asar archive: electron-builder keeps it beside it.
  const path = join(appRoot, MODULE).replace(/app\.asar([\\/])/, 'app.asar.unpacked$1');
  if (!existsSync(path)) {
    return (status = { ok: false, why: `not built (${MODULE} is missing: a C++ compiler was not found at install time; \`npm run build\` tries again)` });
  }
  try {
    const kernels = createRequire(import.meta.url)(path) as NativeKernels;
    const { isa, threads } = kernels.info();
    return (status = { ok: true, kernels, isa, threads });
  } catch (err) {
    return (status = { ok: false, why: `did not load: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}` });
  }
}

/** One line for people: what the kernels run on. */
export function describeNative(s: NativeStatus): string {
  return s.ok ? `Leporello's native kernels: ${s.isa}, ${s.threads} thread${s.threads === 1 ? '' : 's'}` : `without native kernels (${s.why})`;
}

// ---- Where tensors live ---------------------------------------------------------------------

/** How a backend's tensors are reached as Float32Arrays, and how it makes an output. */
interface Memory {
  view(t: TensorInfo): Float32Array;
  output(shape: number[]): TensorInfo;
}

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A view of the heap: invalid once the heap grows, so taken after every allocation. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
}

interface CpuBackend {
  data: { get(dataId: object): { values: unknown } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

function memoryOf(backendName: 'wasm' | 'cpu', backend: unknown): Memory {
  if (backendName === 'wasm') {
    const b = backend as WasmBackend;
    return { view: (t) => b.typedArrayFromHeap(t), output: (shape) => b.makeOutput(shape, 'float32') };
  }
  const b = backend as CpuBackend;
  return {
    view: (t) => b.data.get(t.dataId).values as Float32Array,
    output: (shape) => b.makeTensorInfo(shape, 'float32', new Float32Array(shape.reduce((a, d) => a * d, 1))),
  };
}

// ---- The kernels ----------------------------------------------------------------------------

/** What the native convolutions leave to the backend's own: NCHW, dilation, anything not float32. */
function handled(a: ConvAttrs, ...tensors: TensorInfo[]): boolean {
  return unsupportedConv(a) === null && tensors.every((t) => t.dtype === 'float32');
}

/** The 13 sizes the native convolutions take, in their order. */
export function convShape(info: backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([
    info.batchSize,
    info.inHeight,
    info.inWidth,
    info.inChannels,
    info.outHeight,
    info.outWidth,
    info.outChannels,
    info.filterHeight,
    info.filterWidth,
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
  ]);
}

function size(shape: number[]): number {
  return shape.reduce((a, d) => a * d, 1);
}

/**
 * StyleGAN2's resampling filter as one kernel (NVIDIA's upfirdn2d): zero insertion by `up`, pad
 * (negative crops), correlation of every channel with the filter, every `down`-th pixel. A
 * kernel of our own, so tfjs has no name for it; nn/upfirdn.ts calls it and registers its
 * gradient (the same operation with the adjoint's settings, so it differentiates any number of times).
 */
export const UPFIRDN2D = 'LeporelloUpFirDn2D';

export interface UpFirDnAttrs {
  up: number;
  down: number;
  /** [x before, x after, y before, y after], in upsampled pixels; negative crops. */
  pad: [number, number, number, number];
  /** The filter, row by row (fh × fw), as NVIDIA gives it; `flip` false convolves with it. */
  taps: number[];
  fh: number;
  fw: number;
  flip: boolean;
  gain: number;
}

export function upfirdnOutput(h: number, w: number, a: UpFirDnAttrs): [number, number] {
  const [px0, px1, py0, py1] = a.pad;
  return [Math.floor((h * a.up + py0 + py1 - a.fh) / a.down) + 1, Math.floor((w * a.up + px0 + px1 - a.fw) / a.down) + 1];
}

/** The correlation taps the kernel applies: the filter reversed unless `flip`, times the gain. */
function correlationTaps(a: UpFirDnAttrs): Float32Array {
  const out = new Float32Array(a.fh * a.fw);
  for (let y = 0; y < a.fh; y++) {
    for (let x = 0; x < a.fw; x++) out[y * a.fw + x] = a.gain * (a.flip ? a.taps[y * a.fw + x]! : a.taps[(a.fh - 1 - y) * a.fw + (a.fw - 1 - x)]!);
  }
  return out;
}

/**
 * NVIDIA's bias_act (bias, linear or leaky ReLU, gain, clamp) and its derivative as two kernels
 * of our own; nn/bias-act.ts calls them and registers their gradients.
 */
export const BIAS_ACT = 'LeporelloBiasAct';
export const BIAS_ACT_GRAD = 'LeporelloBiasActGrad';

export interface BiasActAttrs {
  act: 'linear' | 'lrelu';
  alpha: number;
  gain: number;
  /** null: no clamp. */
  clamp: number | null;
}

function biasActArgs(shape: number[], a: BiasActAttrs): [Int32Array, Float32Array] {
  const C = shape.at(-1) ?? 1;
  return [Int32Array.from([size(shape) / Math.max(C, 1), C, a.act === 'lrelu' ? 1 : 0]), Float32Array.from([a.alpha, a.gain, a.clamp ?? -1])];
}

/**
 * A transposed convolution for drawing (no gradient), each output channel finished by
 * act(v · scale + shift) while it is still in cache: a generator's eval-mode batch norm and ReLU,
 * or its output's tanh, without a pass of their own over the image. ConvTranspose.applyPost
 * (nn/layers.ts) calls it where it is registered. Inputs x, filter (tfjs's transposed layout [h, w, out, in]),
 * optional scale and shift (one per output channel).
 */
export const CONV_TRANSPOSE_POST = 'LeporelloConvTransposePost';

export const POST_ACTS = { linear: 0, relu: 1, tanh: 2 } as const;

export interface ConvTransposePostAttrs extends ConvAttrs {
  /** The transposed convolution's output shape (the input gradient's "input shape"). */
  inputShape: number[];
  act: keyof typeof POST_ACTS;
}

/**
 * Adam's update of one variable as one kernel: inputs w, g, m, v; outputs w', m', v'. The
 * scalars are what tfjs's AdamOptimizer multiplies by, each rounded to float32 as its scalar
 * tensors are (train/adam.ts computes them), so the result is the same bits as tfjs's.
 */
export const ADAM = 'LeporelloAdam';

export interface AdamAttrs {
  beta1: number;
  oneMinusBeta1: number;
  beta2: number;
  oneMinusBeta2: number;
  oneMinusAccBeta1: number;
  oneMinusAccBeta2: number;
  epsilon: number;
  negLearningRate: number;
}

/**
 * The broadcast shape of a and b where each one repeats along leading axes only (or is full
 * size, or one value): out[i] = a[i mod |a|] op b[i mod |b|]. Null for any other broadcast.
 */
export function suffixBroadcast(a: number[], b: number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(Math.max(da, db));
  }
  // An operand repeats along leading axes only when its shape, past its leading ones, is the output's tail.
  const isSuffix = (s: number[]) => {
    const trimmed = s.slice(s.findIndex((d) => d !== 1) === -1 ? s.length : s.findIndex((d) => d !== 1));
    return trimmed.every((d, i) => d === out[out.length - trimmed.length + i]);
  };
  return isSuffix(a) && isSuffix(b) ? out : null;
}

/** Reduced axes as [0, k): the rows R = Π shape[0..k) summed, C = the rest; null for other axes. */
function leadingAxes(shape: number[], axis: number | number[]): { R: number; C: number; k: number } | null {
  const axes = [...new Set((Array.isArray(axis) ? axis : [axis]).map((a) => (a < 0 ? a + shape.length : a)))].sort((a, b) => a - b);
  if (axes.length === 0 || axes.length >= shape.length || axes.some((a, i) => a !== i)) return null;
  const k = axes.length;
  return { R: size(shape.slice(0, k)), C: size(shape.slice(k)), k };
}

function kernelFuncs(native: NativeKernels, backendName: 'wasm' | 'cpu', stock: (name: string) => KernelFunc | null): Record<string, KernelFunc> {
  const fallback = (name: string, args: Parameters<KernelFunc>[0]) => {
    const f = stock(name);
    if (!f) throw new Error(`${name} on ${backendName}: this case (NCHW, dilation or a non-float input) has no kernel`);
    return f(args);
  };
  const reduceLeading = (name: string, args: Parameters<KernelFunc>[0], mean: boolean) => {
    const { x } = args.inputs as { x: TensorInfo };
    const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
    const lead = x.dtype === 'float32' ? leadingAxes(x.shape, axis) : null;
    if (!lead) return fallback(name, args);
    const mem = memoryOf(backendName, args.backend);
    const rest = x.shape.slice(lead.k);
    const out = mem.output(keepDims ? [...x.shape.slice(0, lead.k).map(() => 1), ...rest] : rest);
    const values = mem.view(out);
    native.sumLeading(mem.view(x), values, Int32Array.from([lead.R, lead.C]));
    if (mean) for (let i = 0; i < values.length; i++) values[i] = values[i]! / lead.R;
    return out;
  };
  const binary = (name: string, op: number) => (args: Parameters<KernelFunc>[0]) => {
    const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
    const shape = a.dtype === 'float32' && b.dtype === 'float32' ? suffixBroadcast(a.shape, b.shape) : null;
    if (!shape || size(a.shape) === 0 || size(b.shape) === 0) return fallback(name, args);
    const mem = memoryOf(backendName, args.backend);
    const out = mem.output(shape);
    native.binary(op, mem.view(a), mem.view(b), mem.view(out));
    return out;
  };
  const elementwise: Record<string, KernelFunc> =
    backendName === 'cpu' ? { Add: binary('Add', 0), Sub: binary('Sub', 1), Multiply: binary('Multiply', 2), RealDiv: binary('RealDiv', 3) } : {};
  return {
    ...elementwise,
    Conv2D(args) {
      const { x, filter } = args.inputs as { x: TensorInfo; filter: TensorInfo };
      const a = args.attrs as unknown as ConvAttrs;
      if (!handled(a, x, filter)) return fallback('Conv2D', args);
      const info = convInfo(x.shape, filter.shape, a);
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output(info.outShape);
      if (size(info.outShape) > 0) native.conv2d(mem.view(x), mem.view(filter), mem.view(out), convShape(info));
      return out;
    },
    Conv2DBackpropInput(args) {
      const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
      const a = args.attrs as unknown as ConvAttrs & { inputShape: number[] };
      if (!handled(a, dy, filter)) return fallback('Conv2DBackpropInput', args);
      const info = convInfo(a.inputShape, filter.shape, a);
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output(info.inShape);
      if (size(info.inShape) > 0) native.conv2dBackpropInput(mem.view(dy), mem.view(filter), mem.view(out), convShape(info));
      return out;
    },
    [CONV_TRANSPOSE_POST](args) {
      const { x, filter, scale, shift } = args.inputs as { x: TensorInfo; filter: TensorInfo; scale?: TensorInfo; shift?: TensorInfo };
      const a = args.attrs as unknown as ConvTransposePostAttrs;
      if (!handled(a, x, filter)) throw new Error(`${CONV_TRANSPOSE_POST}: ${unsupportedConv(a) ?? 'a non-float input'} is not drawn by this kernel`);
      const info = convInfo(a.inputShape, filter.shape, a);
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output(info.inShape);
      if (size(info.inShape) > 0) {
        native.conv2dBackpropInputPost(
          mem.view(x),
          mem.view(filter),
          mem.view(out),
          convShape(info),
          scale ? mem.view(scale) : null,
          shift ? mem.view(shift) : null,
          Int32Array.of(POST_ACTS[a.act]),
        );
      }
      return out;
    },
    Conv2DBackpropFilter(args) {
      const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
      const a = args.attrs as unknown as ConvAttrs & { filterShape: number[] };
      if (!handled(a, x, dy)) return fallback('Conv2DBackpropFilter', args);
      const info = convInfo(x.shape, a.filterShape, a);
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output(a.filterShape);
      native.conv2dBackpropFilter(mem.view(x), mem.view(dy), mem.view(out), convShape(info));
      return out;
    },
    Sum(args) {
      return reduceLeading('Sum', args, false);
    },
    Mean(args) {
      return reduceLeading('Mean', args, true);
    },
    [UPFIRDN2D](args) {
      const { x } = args.inputs as { x: TensorInfo };
      const a = args.attrs as unknown as UpFirDnAttrs;
      if (x.dtype !== 'float32') return fallback(UPFIRDN2D, args);
      const [n, h, w, c] = x.shape as [number, number, number, number];
      const [oh, ow] = upfirdnOutput(h, w, a);
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output([n, oh, ow, c]);
      const taps = correlationTaps(a);
      native.upfirdn2d(mem.view(x), taps, mem.view(out), Int32Array.from([n, h, w, c, oh, ow, a.up, a.down, a.pad[0], a.pad[2], a.fh, a.fw]));
      return out;
    },
    [BIAS_ACT](args) {
      const { x, b } = args.inputs as { x: TensorInfo; b?: TensorInfo };
      if (x.dtype !== 'float32') return fallback(BIAS_ACT, args);
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output(x.shape);
      const [dims, settings] = biasActArgs(x.shape, args.attrs as unknown as BiasActAttrs);
      native.biasAct(mem.view(x), b ? mem.view(b) : null, mem.view(out), dims, settings);
      return out;
    },
    [BIAS_ACT_GRAD](args) {
      const { dy, y } = args.inputs as { dy: TensorInfo; y: TensorInfo };
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output(dy.shape);
      const [dims, settings] = biasActArgs(dy.shape, args.attrs as unknown as BiasActAttrs);
      native.biasActGrad(mem.view(dy), mem.view(y), mem.view(out), dims, settings);
      return out;
    },
    [ADAM](args) {
      const { w, g, m, v } = args.inputs as { w: TensorInfo; g: TensorInfo; m: TensorInfo; v: TensorInfo };
      const a = args.attrs as unknown as AdamAttrs;
      const mem = memoryOf(backendName, args.backend);
      const outs = [mem.output(w.shape), mem.output(w.shape), mem.output(w.shape)];
      const scalars = Float32Array.from([
        a.beta1,
        a.oneMinusBeta1,
        a.beta2,
        a.oneMinusBeta2,
        a.oneMinusAccBeta1,
        a.oneMinusAccBeta2,
        a.epsilon,
        a.negLearningRate,
      ]);
      native.adam(mem.view(w), mem.view(g), mem.view(m), mem.view(v), mem.view(outs[0]!), mem.view(outs[1]!), mem.view(outs[2]!), scalars);
      return outs;
    },
    Transpose(args) {
      const { x } = args.inputs as { x: TensorInfo };
      const { perm } = args.attrs as unknown as { perm: number[] };
      if (x.dtype !== 'float32' || x.shape.length > 8 || x.shape.length === 0) return fallback('Transpose', args);
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output(perm.map((p) => x.shape[p]!));
      if (size(x.shape) > 0) native.transpose(mem.view(x), mem.view(out), Int32Array.from(x.shape), Int32Array.from(perm));
      return out;
    },
    BatchMatMul(args) {
      const { a, b } = args.inputs as { a: TensorInfo; b: TensorInfo };
      const { transposeA, transposeB } = args.attrs as unknown as { transposeA: boolean; transposeB: boolean };
      const batchA = a.shape.slice(0, -2);
      const batchB = b.shape.slice(0, -2);
      const nA = size(batchA);
      const nB = size(batchB);
      // Batches broadcast only as "one against many": anything else is tfjs's.
      const sameBatch = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
      if (a.dtype !== 'float32' || b.dtype !== 'float32' || !(sameBatch || nA === 1 || nB === 1)) return fallback('BatchMatMul', args);
      const M = transposeA ? a.shape.at(-1)! : a.shape.at(-2)!;
      const K = transposeA ? a.shape.at(-2)! : a.shape.at(-1)!;
      const N = transposeB ? b.shape.at(-2)! : b.shape.at(-1)!;
      if ((transposeB ? b.shape.at(-1) : b.shape.at(-2)) !== K) return fallback('BatchMatMul', args);
      const batchShape = nA >= nB ? batchA : batchB;
      const mem = memoryOf(backendName, args.backend);
      const out = mem.output([...batchShape, M, N]);
      const batch = Math.max(nA, nB);
      if (batch * M * N > 0) {
        native.matmul(
          mem.view(a),
          mem.view(b),
          mem.view(out),
          Int32Array.from([batch, M, N, K, transposeA ? 1 : 0, transposeB ? 1 : 0, nA > 1 ? 1 : 0, nB > 1 ? 1 : 0]),
        );
      }
      return out;
    },
  };
}

/** Per backend, the kernels ours replaced (to hand cases back to, and for uninstallNativeKernels). */
const replaced = new Map<string, Map<string, KernelConfig>>();
const registered = new Map<string, string[]>();
const NAMES = [
  'Conv2D',
  'Conv2DBackpropInput',
  'Conv2DBackpropFilter',
  CONV_TRANSPOSE_POST,
  'BatchMatMul',
  'Sum',
  'Mean',
  'Transpose',
  UPFIRDN2D,
  BIAS_ACT,
  BIAS_ACT_GRAD,
  ADAM,
  'Add',
  'Sub',
  'Multiply',
  'RealDiv',
];

/**
 * Registers the native kernels over a backend's own (which stay reachable for the cases they
 * leave: `previous` gives what was registered before, ours or tfjs's). Idempotent per backend.
 */
export function installNativeKernels(backendName: 'wasm' | 'cpu'): NativeStatus {
  const s = nativeKernels();
  if (!s.ok || replaced.has(backendName)) return s;
  const previous = new Map<string, KernelConfig>();
  replaced.set(backendName, previous);
  for (const name of NAMES) {
    const k = getKernel(name, backendName);
    if (k) previous.set(name, k);
  }
  const funcs = kernelFuncs(s.kernels, backendName, (name) => previous.get(name)?.kernelFunc ?? null);
  registered.set(backendName, Object.keys(funcs));
  for (const [kernelName, kernelFunc] of Object.entries(funcs)) {
    const stock = previous.get(kernelName);
    if (stock) unregisterKernel(kernelName, backendName);
    // The stock kernel's setup (wasm binds its C function there) still runs, for the cases handed back.
    registerKernel({ kernelName, backendName, kernelFunc, setupFunc: stock?.setupFunc } satisfies KernelConfig);
  }
  return s;
}

/** Puts back the kernels installNativeKernels replaced (tests compare the two). */
export function uninstallNativeKernels(backendName: 'wasm' | 'cpu'): void {
  const previous = replaced.get(backendName);
  if (!previous) return;
  replaced.delete(backendName);
  for (const name of registered.get(backendName) ?? []) {
    if (getKernel(name, backendName)) unregisterKernel(name, backendName);
    const stock = previous.get(name);
    if (stock) registerKernel(stock);
  }
}
