// The filter gradient of a 2-D convolution for the cpu backend — the kernel every convolution
// and transposed convolution needs in training (dW of a transposed convolution is the same
// computation with the roles of x and dy exchanged). Stock tfjs-cpu loops over the filter
// and gathers strided inputs for each weight, at about 0.01 GMAC/s; this one walks the output
// positions once and, for each input pixel under the window, adds x · dy as a contiguous row
// update over the output channels, which the JIT turns into a tight loop.
import { backend_util, getKernel, registerKernel, unregisterKernel, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';

interface CpuBackend {
  data: { get(dataId: object): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

interface Attrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  filterShape: [number, number, number, number];
}

/** dW[kh, kw, ci, co] = Σ over n, oh, ow of x[n, oh·s + kh − pad, ow·s + kw − pad, ci] · dy[n, oh, ow, co]. */
export function conv2dFilterGradient(x: Float32Array, dy: Float32Array, info: backend_util.Conv2DInfo): Float32Array {
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels, strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const dW = new Float32Array(filterHeight * filterWidth * inChannels * outChannels);
  for (let n = 0; n < batchSize; n++) {
    for (let oh = 0; oh < outHeight; oh++) {
      for (let ow = 0; ow < outWidth; ow++) {
        const dyBase = ((n * outHeight + oh) * outWidth + ow) * outChannels;
        for (let kh = 0; kh < filterHeight; kh++) {
          const ih = oh * strideHeight + kh - top;
          if (ih < 0 || ih >= inHeight) continue;
          for (let kw = 0; kw < filterWidth; kw++) {
            const iw = ow * strideWidth + kw - left;
            if (iw < 0 || iw >= inWidth) continue;
            const xBase = ((n * inHeight + ih) * inWidth + iw) * inChannels;
            const wBase = (kh * filterWidth + kw) * inChannels * outChannels;
            for (let ci = 0; ci < inChannels; ci++) {
              const xv = x[xBase + ci]!;
              if (xv === 0) continue; // after ReLU, many inputs are exactly zero
              const row = wBase + ci * outChannels;
              for (let co = 0; co < outChannels; co++) dW[row + co]! += xv * dy[dyBase + co]!;
            }
          }
        }
      }
    }
  }
  return dW;
}

const originals = new Map<'cpu', KernelConfig | null>();

function install(backendName: 'cpu'): void {
  if (originals.has(backendName)) return;
  const original = getKernel('Conv2DBackpropFilter', backendName) ?? null;
  originals.set(backendName, original);
  const kernelFunc: KernelFunc = (args) => {
    const { inputs, backend, attrs } = args;
    const a = attrs as unknown as Attrs;
    if (a.dataFormat === 'NCHW') {
      if (!original) throw new Error(`Conv2DBackpropFilter on ${backendName} supports NHWC only`);
      return original.kernelFunc(args);
    }
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
    const cpu = backend as unknown as CpuBackend;
    return cpu.makeTensorInfo(a.filterShape, 'float32', conv2dFilterGradient(cpu.data.get(x.dataId).values, cpu.data.get(dy.dataId).values, info));
  };
  if (original) unregisterKernel('Conv2DBackpropFilter', backendName);
  registerKernel({ kernelName: 'Conv2DBackpropFilter', backendName, kernelFunc });
}

/** Replaces tfjs-cpu's Conv2DBackpropFilter with the loop above (NHWC, no dilation). Idempotent. */
export function installFastCpuFilterGradient(): void {
  install('cpu');
}

/** Puts tfjs-cpu's stock kernel back (for comparisons in tests and benchmarks). */
export function uninstallFastCpuFilterGradient(): void {
  const original = originals.get('cpu');
  if (original === undefined) return;
  unregisterKernel('Conv2DBackpropFilter', 'cpu');
  if (original) registerKernel(original);
  originals.delete('cpu');
}
