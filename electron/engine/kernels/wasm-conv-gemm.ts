// The two convolution gradients of the wasm backend as matrix products on its own BatchMatMul,
// which runs XNNPACK's SIMD GEMM at about 15 GMAC/s on one core of the build machine. tfjs-wasm
// has no filter gradient at all, and its input gradient (also the forward pass of every
// transposed convolution) is a plain loop; together they were 93 % of a DCGAN training step.
//
//   filter gradient:  dWᵀ[co, (kh,kw,ci)] = dyᵀ[co, m] · col[m, (kh,kw,ci)]
//   input gradient:   dcol[m, (kh,kw,ci)] = dy[m, co] · Wᵀ[co, (kh,kw,ci)], then col2im
//
// where m runs over (n, oh, ow) and col holds, for each output position, the input pixels under
// the filter window (im2col). Both products are laid out so that neither operand needs
// transposing: BatchMatMul's fast path is the untransposed one (its transposed ones run at 0.3–1
// GMAC/s).
import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { convInfo, unsupportedConv as unsupported, type ConvAttrs } from './conv-attrs';

interface WasmBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  /** A view of the heap: invalid as soon as the heap grows, so taken again after every allocation. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * Copies each output position's input window, for images [first, end), into one row of
 * col[m, (kh, kw, ci)]; zeros where the window leaves the image.
 */
export function im2col(x: Float32Array, info: backend_util.Conv2DInfo, col: Float32Array, first = 0, end = info.batchSize): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const rowLength = filterHeight * filterWidth * inChannels;
  let m = 0;
  for (let n = first; n < end; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, m++) {
        let at = m * rowLength;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          for (let kw = 0; kw < filterWidth; kw++, at += inChannels) {
            const iw = ow * strideWidth + kw - left;
            if (ih < 0 || ih >= inHeight || iw < 0 || iw >= inWidth) col.fill(0, at, at + inChannels);
            else {
              const from = ((n * inHeight + ih) * inWidth + iw) * inChannels;
              col.set(x.subarray(from, from + inChannels), at);
            }
          }
        }
      }
    }
  }
}

/**
 * The adjoint of im2col: adds each row of dcol (images [first, end)) onto the input pixels its
 * window covered. The walk mirrors im2col's on purpose: sharing it through a per-tap callback
 * made a training step 7 % slower.
 */
export function col2im(dcol: Float32Array, info: backend_util.Conv2DInfo, dx: Float32Array, first = 0, end = info.batchSize): void {
  const { inHeight, inWidth, inChannels, outHeight, outWidth, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const { top, left } = info.padInfo;
  const rowLength = filterHeight * filterWidth * inChannels;
  let m = 0;
  for (let n = first; n < end; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++, m++) {
        let at = m * rowLength;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          for (let kw = 0; kw < filterWidth; kw++, at += inChannels) {
            const iw = ow * strideWidth + kw - left;
            if (ih < 0 || ih >= inHeight || iw < 0 || iw >= inWidth) continue;
            const to = ((n * inHeight + ih) * inWidth + iw) * inChannels;
            for (let ci = 0; ci < inChannels; ci++) dx[to + ci]! += dcol[at + ci]!;
          }
        }
      }
    }
  }
}

/** out[c, r] = a[r, c] for a rows × cols matrix. */
function transpose(a: Float32Array, rows: number, cols: number, out: Float32Array): void {
  // Blocks of 32 keep both sides in cache for the large matrices (dy of a batch of 64).
  const B = 32;
  for (let r0 = 0; r0 < rows; r0 += B) {
    for (let c0 = 0; c0 < cols; c0 += B) {
      const r1 = Math.min(rows, r0 + B);
      const c1 = Math.min(cols, c0 + B);
      for (let r = r0; r < r1; r++) for (let c = c0; c < c1; c++) out[c * rows + r] = a[r * cols + c]!;
    }
  }
}

/** Scratch tensors on the wasm heap for one kernel call, freed together. */
class Scratch {
  private readonly made: TensorInfo[] = [];
  constructor(private readonly backend: WasmBackend) {}
  tensor(shape: number[]): TensorInfo {
    const t = this.backend.makeOutput(shape, 'float32');
    this.made.push(t);
    return t;
  }
  view(t: TensorInfo): Float32Array {
    return this.backend.typedArrayFromHeap(t);
  }
  free(): void {
    for (const t of this.made) this.backend.disposeData(t.dataId, true);
  }
}

/** Scratch matrices stay under this many floats (64 MB); larger batches are done a slice of images at a time. */
const SCRATCH_FLOATS = 16 * 1024 * 1024;

/** Consecutive image ranges whose im2col rows fit the scratch budget (at least one image each). */
export function imageChunks(
  info: Pick<backend_util.Conv2DInfo, 'batchSize' | 'outHeight' | 'outWidth' | 'filterHeight' | 'filterWidth' | 'inChannels'>,
  budget = SCRATCH_FLOATS,
): [number, number][] {
  const floatsPerImage = info.outHeight * info.outWidth * info.filterHeight * info.filterWidth * info.inChannels;
  const per = Math.max(1, Math.floor(budget / floatsPerImage));
  const chunks: [number, number][] = [];
  for (let n = 0; n < info.batchSize; n += per) chunks.push([n, Math.min(info.batchSize, n + per)]);
  return chunks;
}

let installed = false;

/** Registers both kernels on the wasm backend (after it is initialised). Idempotent. */
export function installWasmConvGradients(): void {
  if (installed) return;
  installed = true;
  const matMul = getKernel('BatchMatMul', 'wasm');
  if (!matMul) throw new Error('the wasm backend has no BatchMatMul kernel');
  const product = (backend: WasmBackend, a: TensorInfo, b: TensorInfo): TensorInfo =>
    matMul.kernelFunc({ inputs: { a, b }, backend: backend as never, attrs: { transposeA: false, transposeB: false } }) as TensorInfo;

  const filterGradient: KernelFunc = ({ inputs, backend: b, attrs }) => {
    const a = attrs as unknown as ConvAttrs & { filterShape: [number, number, number, number] };
    const why = unsupported(a);
    if (why) throw new Error(`Conv2DBackpropFilter on wasm: ${why} is not supported`);
    const backend = b as unknown as WasmBackend;
    const x = inputs.x!;
    const dy = inputs.dy!;
    const info = convInfo(x.shape, a.filterShape, a);
    const perImage = info.outHeight * info.outWidth;
    const window = info.filterHeight * info.filterWidth * info.inChannels;
    const cout = info.outChannels;
    const dWT = new Float32Array(cout * window);
    for (const [first, end] of imageChunks(info)) {
      const rows = (end - first) * perImage;
      const scratch = new Scratch(backend);
      try {
        const col = scratch.tensor([1, rows, window]);
        const dyT = scratch.tensor([1, cout, rows]);
        im2col(scratch.view(x), info, scratch.view(col), first, end);
        transpose(scratch.view(dy).subarray(first * perImage * cout, end * perImage * cout), rows, cout, scratch.view(dyT));
        const part = product(backend, dyT, col);
        const values = backend.typedArrayFromHeap({ ...part, shape: [cout * window] });
        for (let i = 0; i < dWT.length; i++) dWT[i]! += values[i]!;
        backend.disposeData(part.dataId, true);
      } finally {
        scratch.free();
      }
    }
    const out = backend.makeOutput(a.filterShape, 'float32');
    transpose(dWT, cout, window, backend.typedArrayFromHeap(out));
    return out;
  };

  const stockInputGradient = getKernel('Conv2DBackpropInput', 'wasm');
  const inputGradient: KernelFunc = (args) => {
    const { inputs, backend: b, attrs } = args;
    const a = attrs as unknown as ConvAttrs & { inputShape: [number, number, number, number] };
    const why = unsupported(a);
    if (why) {
      if (stockInputGradient) return stockInputGradient.kernelFunc(args);
      throw new Error(`Conv2DBackpropInput on wasm: ${why} is not supported`);
    }
    const backend = b as unknown as WasmBackend;
    const dy = inputs.dy!;
    const filter = inputs.filter!;
    const info = convInfo(a.inputShape, filter.shape, a);
    const perImage = info.outHeight * info.outWidth;
    const window = info.filterHeight * info.filterWidth * info.inChannels;
    const cout = info.outChannels;
    const out = backend.makeOutput(a.inputShape, 'float32');
    backend.typedArrayFromHeap(out).fill(0);
    const scratch = new Scratch(backend);
    try {
      const wT = scratch.tensor([1, cout, window]);
      transpose(scratch.view(filter), window, cout, scratch.view(wT));
      for (const [first, end] of imageChunks(info)) {
        const rows = (end - first) * perImage;
        const whole = first === 0 && end === info.batchSize;
        const dySlice = whole ? { ...dy, shape: [1, rows, cout] } : backend.makeOutput([1, rows, cout], 'float32');
        if (!whole) backend.typedArrayFromHeap(dySlice).set(backend.typedArrayFromHeap(dy).subarray(first * perImage * cout, end * perImage * cout));
        const dcol = product(backend, dySlice, wT);
        if (!whole) backend.disposeData(dySlice.dataId, true);
        col2im(backend.typedArrayFromHeap({ ...dcol, shape: [rows * window] }), info, backend.typedArrayFromHeap(out), first, end);
        backend.disposeData(dcol.dataId, true);
      }
      return out;
    } finally {
      scratch.free();
    }
  };

  for (const [kernelName, kernelFunc] of [
    ['Conv2DBackpropFilter', filterGradient],
    ['Conv2DBackpropInput', inputGradient],
  ] as const) {
    const stock = getKernel(kernelName, 'wasm');
    if (stock) unregisterKernel(kernelName, 'wasm');
    // The stock kernel's setup (binding its C function) still runs, for the cases handed back to it.
    registerKernel({ kernelName, backendName: 'wasm', kernelFunc, setupFunc: stock?.setupFunc } satisfies KernelConfig);
  }
}
