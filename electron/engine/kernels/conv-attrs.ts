// What tfjs passes a convolution kernel, and the sizes it implies: shared by the kernels that
// replace tfjs's own (native-kernels.ts, wasm-conv-gemm.ts).
import { backend_util } from '@tensorflow/tfjs-core';

export interface ConvAttrs {
  strides: number | [number, number];
  pad: 'valid' | 'same' | number | backend_util.ExplicitPadding;
  dataFormat: 'NHWC' | 'NCHW';
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
  dilations?: number | [number, number];
}

export function convInfo(xShape: number[], filterShape: number[], a: ConvAttrs): backend_util.Conv2DInfo {
  return backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    a.strides,
    a.dilations ?? 1,
    a.pad,
    a.dimRoundingMode,
    false,
    'channelsLast',
  );
}

/** Why our kernels hand a convolution back to tfjs's (NCHW, dilation), or null when they take it. */
export function unsupportedConv(a: ConvAttrs): string | null {
  if (a.dataFormat === 'NCHW') return 'NCHW';
  const d = a.dilations ?? 1;
  if ((typeof d === 'number' ? d : Math.max(...d)) !== 1) return 'dilation';
  return null;
}
