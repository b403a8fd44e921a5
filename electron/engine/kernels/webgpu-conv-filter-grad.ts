// The convolution filter gradient of the webgpu backend as a matrix product. tfjs-webgpu's own
// kernel gives each filter weight one thread that walks every output position of the batch
// alone: a few tens of thousands of threads each summing up to half a million products. On an
// H100 that was 70 % of a DCGAN-64 training step and 78 % of a StyleGAN2-256 one
// (bench/profile-step.ts). Here:
//
//   col[m, (kh,kw,ci)] = the input pixels under the filter window at output position m (im2col)
//   dW[(kh,kw,ci), co] = Σ_s col_sᵀ · dy_s[m, co]
//
// where the rows m = (n, oh, ow) are cut into s slices so that the product has enough
// workgroups to fill the GPU (its output, one filter, is small), and the slices' partial
// products are summed. Batches whose im2col would be large are done a slice of images at a time.
import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** The parts of tfjs-webgpu's backend this kernel uses. */
interface WebGpuBackend {
  runWebGPUProgram(program: object, inputs: TensorInfo[], dtype: 'float32', uniforms: { type: 'int32'; data: number[] }[]): TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

interface WebGpuUtil {
  flatDispatchLayout(shape: number[]): { x: number[] };
  computeDispatch(layout: { x: number[] }, shape: number[], workgroupSize: [number, number, number]): [number, number, number];
}

/** im2col rows for images [first, first + rows / perImage) of x, as a [rows, window] matrix. */
class Im2ColRowsProgram {
  readonly variableNames = ['x'];
  readonly uniforms = 'pads : vec2<i32>, strides : vec2<i32>, outWidth : i32, perImage : i32, firstImage : i32, itemsPerFilterRow : i32, inChannels : i32,';
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly size = true;
  readonly shaderKey = 'leporello_im2col_rows';
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  constructor(
    readonly outputShape: [number, number],
    util: WebGpuUtil,
  ) {
    this.dispatchLayout = util.flatDispatchLayout(outputShape);
    this.dispatch = util.computeDispatch(this.dispatchLayout, outputShape, this.workgroupSize);
  }
  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.size) {
          let coords = getCoordsFromIndex(index);
          let m = coords[0];
          let col = coords[1];
          let n = uniforms.firstImage + m / uniforms.perImage;
          let p = m % uniforms.perImage;
          let ih = (p / uniforms.outWidth) * uniforms.strides[0] - uniforms.pads[0] + col / uniforms.itemsPerFilterRow;
          let inRow = col % uniforms.itemsPerFilterRow;
          let iw = (p % uniforms.outWidth) * uniforms.strides[1] - uniforms.pads[1] + inRow / uniforms.inChannels;
          var value = 0.0;
          if (ih >= 0 && ih < uniforms.xShape[1] && iw >= 0 && iw < uniforms.xShape[2]) {
            value = getX(n, ih, iw, inRow % uniforms.inChannels);
          }
          setOutputAtIndex(index, value);
        }
      }
    `;
  }
}

/**
 * im2col matrices stay under `colFloats` (256 MB); larger batches go a slice of images at a time.
 * Mutable so that a test can make small batches take the sliced path.
 */
export const filterGradientLimits = { colFloats: 64 * 1024 * 1024 };
/** Enough 32×32 output tiles to keep an H100's 132 multiprocessors busy several times over. */
const TARGET_TILES = 1024;
/** A slice shorter than this costs more in partial sums than it gains in parallelism. */
const MIN_SLICE_ROWS = 256;

/** How many equal slices to cut `rows` into so that the product has about TARGET_TILES tiles. */
export function sliceCount(rows: number, window: number, outChannels: number): number {
  const tiles = Math.ceil(window / 32) * Math.ceil(outChannels / 32);
  const wanted = Math.max(1, Math.min(Math.ceil(TARGET_TILES / tiles), Math.floor(rows / MIN_SLICE_ROWS)));
  for (let s = wanted; s > 1; s--) if (rows % s === 0) return s;
  return 1;
}

/** Image ranges whose im2col fits the budget, at least one image each. */
export function imageRanges(batch: number, floatsPerImage: number, budget = filterGradientLimits.colFloats): [number, number][] {
  const per = Math.max(1, Math.floor(budget / floatsPerImage));
  const ranges: [number, number][] = [];
  for (let n = 0; n < batch; n += per) ranges.push([n, Math.min(batch, n + per)]);
  return ranges;
}

let installed = false;

/** Replaces tfjs-webgpu's Conv2DBackpropFilter (after the backend is registered). Idempotent. */
export function installWebGpuFilterGradient(util: WebGpuUtil): void {
  if (installed) return;
  const stock = getKernel('Conv2DBackpropFilter', 'webgpu');
  if (!stock) throw new Error('the webgpu backend has no Conv2DBackpropFilter kernel to replace');
  const kernel = (name: string) => {
    const k = getKernel(name, 'webgpu');
    if (!k) throw new Error(`the webgpu backend has no ${name} kernel`);
    return k.kernelFunc;
  };
  const reshape = kernel('Reshape');
  const slice = kernel('Slice');
  const matMul = kernel('BatchMatMul');
  const sum = kernel('Sum');
  const add = kernel('Add');
  installed = true;

  const filterGradient: KernelFunc = (args) => {
    const { inputs, backend: b, attrs } = args;
    const a = attrs as unknown as {
      strides: number | [number, number];
      pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
      dataFormat: 'NHWC' | 'NCHW';
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      filterShape: [number, number, number, number];
    };
    if (a.dataFormat === 'NCHW') return stock.kernelFunc(args);
    const backend = b as unknown as WebGpuBackend;
    const x = inputs.x!;
    const dy = inputs.dy!;
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number],
      a.filterShape,
      a.strides,
      1,
      a.pad,
      a.dimRoundingMode,
      false,
      'channelsLast',
    );
    const perImage = info.outHeight * info.outWidth;
    const window = info.filterHeight * info.filterWidth * info.inChannels;
    const cout = info.outChannels;
    const temporaries: TensorInfo[] = [];
    const keep = (t: TensorInfo) => (temporaries.push(t), t);
    const call = (f: KernelFunc, inputs: Record<string, TensorInfo>, attrs: NamedAttrMap = {}) => keep(f({ inputs, backend: b, attrs }) as TensorInfo);
    try {
      const dyRows = call(reshape, { x: dy }, { shape: [info.batchSize * perImage, cout] });
      let total: TensorInfo | null = null;
      for (const [first, end] of imageRanges(info.batchSize, perImage * window)) {
        const rows = (end - first) * perImage;
        const program = new Im2ColRowsProgram([rows, window], util);
        const col = keep(
          backend.runWebGPUProgram(program, [x], 'float32', [
            { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
            { type: 'int32', data: [info.strideHeight, info.strideWidth] },
            { type: 'int32', data: [info.outWidth] },
            { type: 'int32', data: [perImage] },
            { type: 'int32', data: [first] },
            { type: 'int32', data: [info.filterWidth * info.inChannels] },
            { type: 'int32', data: [info.inChannels] },
          ]),
        );
        const dyPart = call(slice, { x: dyRows }, { begin: [first * perImage, 0], size: [rows, cout] });
        const s = sliceCount(rows, window, cout);
        const colSlices = call(reshape, { x: col }, { shape: [s, rows / s, window] });
        const dySlices = call(reshape, { x: dyPart }, { shape: [s, rows / s, cout] });
        const partials = call(matMul, { a: colSlices, b: dySlices }, { transposeA: true, transposeB: false });
        const part = s > 1 ? call(sum, { x: partials }, { axis: [0], keepDims: false }) : call(reshape, { x: partials }, { shape: [window, cout] });
        total = total ? call(add, { a: total, b: part }) : part;
      }
      // A fresh reshape is the one tensor handed back; everything else made here is let go.
      return reshape({ inputs: { x: total! }, backend: b, attrs: { shape: a.filterShape } }) as TensorInfo;
    } finally {
      for (const t of temporaries) backend.disposeData(t.dataId);
    }
  };

  unregisterKernel('Conv2DBackpropFilter', 'webgpu');
  registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName: 'webgpu', kernelFunc: filterGradient });
}
