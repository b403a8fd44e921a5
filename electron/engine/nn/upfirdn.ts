// Resampling as StyleGAN2 does it, on NHWC tensors: upsample by inserting zeros, pad (or crop),
// filter with a small FIR low-pass kernel, keep every `down`-th pixel; and convolutions that
// resample through it. Semantics follow NVIDIA's upfirdn2d / conv2d_resample so imported weights
// compute the same images (weights there are OIHW, correlation when flip_weight is true).
import * as tf from '../tf';
import { UPFIRDN2D, upfirdnOutput, type UpFirDnAttrs } from '../kernels/native-kernels';

export interface FirOptions {
  up?: number;
  down?: number;
  /** [x before, x after, y before, y after]; negative crops. */
  pad?: [number, number, number, number];
  gain?: number;
  /** False (the default) convolves with the filter, true correlates. */
  flipFilter?: boolean;
}

/** The [1,3,3,1] low-pass kernel as its outer product, normalised to sum 1. */
export function setupFilter(taps: number[] = [1, 3, 3, 1]): number[][] {
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((a) => taps.map((b) => (a * b) / (sum * sum)));
}

// Both below stay within rank 4: tfjs-webgpu's pad and slice shaders cannot index rank-6 tensors.
function zeroInsert(x: tf.Tensor4D, up: number): tf.Tensor4D {
  if (up === 1) return x;
  const [n, h, w, c] = x.shape;
  // Zeros after every column, then after every row (a row being w·up·c values).
  const columns = x.reshape([n * h, w, 1, c]).pad([
    [0, 0],
    [0, 0],
    [0, up - 1],
    [0, 0],
  ]);
  const rows = columns.reshape([n, h, 1, w * up * c]).pad([
    [0, 0],
    [0, 0],
    [0, up - 1],
    [0, 0],
  ]);
  return rows.reshape([n, h * up, w * up, c]);
}

function padOrCrop(x: tf.Tensor4D, [px0, px1, py0, py1]: [number, number, number, number]): tf.Tensor4D {
  const padding = [Math.max(py0, 0), Math.max(py1, 0), Math.max(px0, 0), Math.max(px1, 0)];
  let y: tf.Tensor4D = padding.some((p) => p > 0)
    ? x.pad([
        [0, 0],
        [padding[0]!, padding[1]!],
        [padding[2]!, padding[3]!],
        [0, 0],
      ])
    : x;
  if (px0 < 0 || px1 < 0 || py0 < 0 || py1 < 0) {
    const [, h, w] = y.shape as [number, number, number, number];
    y = y.slice(
      [0, Math.max(-py0, 0), Math.max(-px0, 0), 0],
      [-1, h - Math.max(-py0, 0) - Math.max(-py1, 0), w - Math.max(-px0, 0) - Math.max(-px1, 0), -1],
    ) as tf.Tensor4D;
  }
  return y;
}

/** y[:, ::d, ::d] as pad, reshape and slice: tfjs has no gradient for strided slices. */
function keepEvery(y: tf.Tensor4D, d: number): tf.Tensor4D {
  const [n, h, w, c] = y.shape;
  const [hh, ww] = [Math.ceil(h / d), Math.ceil(w / d)];
  const padded = y.pad([
    [0, 0],
    [0, hh * d - h],
    [0, ww * d - w],
    [0, 0],
  ]);
  // Every d-th row (a row being ww·d·c values), then every d-th column of those.
  const rows = padded.reshape([n, hh, d, ww * d * c]).slice([0, 0, 0, 0], [n, hh, 1, ww * d * c]);
  const columns = rows.reshape([n * hh, ww, d, c]).slice([0, 0, 0, 0], [n * hh, ww, 1, c]);
  return columns.reshape([n, hh, ww, c]) as tf.Tensor4D;
}

/**
 * The adjoint of upfirdn2d with these settings, from an output of outH × outW back to inH × inW:
 * the same filter, up and down swapped, flipped the other way, padded so the sizes meet.
 */
export function adjointAttrs(a: UpFirDnAttrs, inH: number, inW: number, outH: number, outW: number): UpFirDnAttrs {
  const [px0, , py0] = a.pad;
  return {
    ...a,
    up: a.down,
    down: a.up,
    flip: !a.flip,
    pad: [a.fw - px0 - 1, inW * a.up - outW * a.down + px0 - a.up + 1, a.fh - py0 - 1, inH * a.up - outH * a.down + py0 - a.up + 1],
  };
}

// Linear, so its gradient is itself with the adjoint's settings — and that one's gradient the
// original: R1's second derivative through D's downsampling costs nothing extra.
tf.registerGradient({
  kernelName: UPFIRDN2D,
  gradFunc: (dy, _saved, attrs) => {
    const a = attrs as unknown as UpFirDnAttrs & { inH: number; inW: number };
    const d = (Array.isArray(dy) ? dy[0]! : dy) as tf.Tensor4D;
    return { x: () => runUpFirDn(d, { ...adjointAttrs(a, a.inH, a.inW, d.shape[1], d.shape[2]) }) };
  },
});

function runUpFirDn(x: tf.Tensor4D, a: UpFirDnAttrs): tf.Tensor4D {
  const attrs = { ...a, inH: x.shape[1], inW: x.shape[2] };
  return tf.engine().runKernel(UPFIRDN2D, { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** Whether the active backend has the one-pass kernel (the native one on wasm and cpu). */
export function hasFirKernel(): boolean {
  return tf.getKernel(UPFIRDN2D, tf.getBackend()) !== undefined;
}

export function upfirdn2d(
  x: tf.Tensor4D,
  f: number[][] | null,
  { up = 1, down = 1, pad = [0, 0, 0, 0], gain = 1, flipFilter = false }: FirOptions = {},
): tf.Tensor4D {
  if (f && hasFirKernel()) {
    const attrs: UpFirDnAttrs = { up, down, pad, taps: f.flat(), fh: f.length, fw: f[0]!.length, flip: flipFilter, gain };
    const [oh, ow] = upfirdnOutput(x.shape[1], x.shape[2], attrs);
    if (oh <= 0 || ow <= 0) throw new Error(`upfirdn2d of a ${x.shape[1]}×${x.shape[2]} image with padding ${pad.join(',')} leaves nothing`);
    return runUpFirDn(x, attrs);
  }
  // Elsewhere (webgpu, tensorflow) as tfjs ops, each differentiable twice.
  return tf.tidy(() => {
    let y = padOrCrop(zeroInsert(x, up), pad);
    if (f) {
      const [n, h, w, c] = y.shape;
      // Convolution flips the kernel; tfjs correlates, so flip it here unless asked to correlate.
      const taps = (flipFilter ? f : [...f].reverse().map((row) => [...row].reverse())).map((row) => row.map((v) => v * gain));
      const kernel = tf.tensor4d(taps.flat(), [taps.length, taps[0]!.length, 1, 1]);
      // Each channel filtered alone, as a batch of one-channel images: a plain conv2d, whose
      // gradient tfjs can differentiate again (R1 needs D's input gradient to be trainable).
      const planes = y.transpose([0, 3, 1, 2]).reshape([n * c, h, w, 1]) as tf.Tensor4D;
      const filtered = tf.conv2d(planes, kernel, 1, 'valid');
      y = filtered.reshape([n, c, filtered.shape[1], filtered.shape[2]]).transpose([0, 2, 3, 1]) as tf.Tensor4D;
    } else if (gain !== 1) y = y.mul(gain);
    if (down > 1) y = keepEvery(y, down);
    return y;
  });
}

export function upsample2d(x: tf.Tensor4D, f: number[][], up = 2): tf.Tensor4D {
  const fw = f[0]!.length;
  const fh = f.length;
  return upfirdn2d(x, f, {
    up,
    pad: [Math.floor((fw + up - 1) / 2), Math.floor((fw - up) / 2), Math.floor((fh + up - 1) / 2), Math.floor((fh - up) / 2)],
    gain: up * up,
  });
}

export function downsample2d(x: tf.Tensor4D, f: number[][], down = 2): tf.Tensor4D {
  const fw = f[0]!.length;
  const fh = f.length;
  return upfirdn2d(x, f, {
    down,
    pad: [Math.floor((fw - down + 1) / 2), Math.floor((fw - down) / 2), Math.floor((fh - down + 1) / 2), Math.floor((fh - down) / 2)],
  });
}

/** OIHW weights (PyTorch's layout) as tfjs's HWIO filter; flipped for a true convolution. */
export function hwioFilter(weightOIHW: tf.Tensor4D, flipWeight: boolean): tf.Tensor4D {
  const hwio = weightOIHW.transpose([2, 3, 1, 0]) as tf.Tensor4D;
  return flipWeight ? hwio : (hwio.reverse([0, 1]) as tf.Tensor4D);
}

export interface ResampleOptions {
  up?: number;
  down?: number;
  padding?: number;
  /** True correlates (torch's conv2d); false convolves. */
  flipWeight?: boolean;
  /**
   * Upsampling as one transposed convolution then the filter (NVIDIA's fast path: a quarter of
   * the multiply-adds of zero insertion, filter, convolution). Only where no second derivative
   * goes through it: tfjs has none for the transposed convolution's filter gradient.
   */
  transposed?: boolean;
}

/**
 * A convolution with optional up- or downsampling through the FIR filter, of OIHW weights
 * (correlated when `flipWeight`, convolved otherwise). Padding is given with respect to the
 * upsampled image, as in NVIDIA's conv2d_resample.
 */
export function conv2dResample(
  x: tf.Tensor4D,
  weight: tf.Tensor4D,
  f: number[][],
  { up = 1, down = 1, padding = 0, flipWeight = true, transposed = false }: ResampleOptions = {},
): tf.Tensor4D {
  return tf.tidy(() => {
    const [, , kh, kw] = weight.shape;
    const fw = f[0]!.length;
    const fh = f.length;
    let [px0, px1, py0, py1] = [padding, padding, padding, padding];
    if (up > 1) {
      px0 += Math.floor((fw + up - 1) / 2);
      px1 += Math.floor((fw - up) / 2);
      py0 += Math.floor((fh + up - 1) / 2);
      py1 += Math.floor((fh - up) / 2);
    }
    if (down > 1) {
      px0 += Math.floor((fw - down + 1) / 2);
      px1 += Math.floor((fw - down) / 2);
      py0 += Math.floor((fh - down + 1) / 2);
      py1 += Math.floor((fh - down) / 2);
    }
    if (up > 1 && transposed) {
      // The transposed convolution scatters each pixel through the kernel that the correlation
      // below would slide reversed; the filter then runs at the output's size, its padding reduced
      // by what the transposed convolution already added.
      px0 -= kw - 1;
      px1 -= kw - up;
      py0 -= kh - 1;
      py1 -= kh - up;
      const pxt = Math.max(Math.min(-px0, -px1), 0);
      const pyt = Math.max(Math.min(-py0, -py1), 0);
      const [n, h, w] = x.shape;
      // tfjs's transposed filter is [h, w, out, in]: OIHW moved, no copy reversed (a correlating
      // weight is reversed instead, which convolving weights — all of G's upsampling — never are).
      const moved = weight.transpose([2, 3, 0, 1]) as tf.Tensor4D;
      const kernel = flipWeight ? (moved.reverse([0, 1]) as tf.Tensor4D) : moved;
      const out: [number, number, number, number] = [n, (h - 1) * up + kh - 2 * pyt, (w - 1) * up + kw - 2 * pxt, weight.shape[0]];
      const crop: tf.backend_util.ExplicitPadding = [
        [0, 0],
        [pyt, pyt],
        [pxt, pxt],
        [0, 0],
      ];
      const y = tf.conv2dTranspose(x, kernel, out, up, pxt === 0 && pyt === 0 ? 'valid' : crop);
      return upfirdn2d(y, f, { pad: [px0 + pxt, px1 + pxt, py0 + pyt, py1 + pyt], gain: up * up });
    }
    const filter = hwioFilter(weight, flipWeight);
    if (kw === 1 && kh === 1 && down > 1 && up === 1) {
      return tf.conv2d(upfirdn2d(x, f, { down, pad: [px0, px1, py0, py1] }), filter, 1, 'valid');
    }
    if (down > 1 && up === 1) {
      return tf.conv2d(upfirdn2d(x, f, { pad: [px0, px1, py0, py1] }), filter, down, 'valid');
    }
    if (up > 1) {
      // Zero-insert, pad and low-pass (gain up²), then a plain convolution over the result.
      return tf.conv2d(upfirdn2d(x, f, { up, pad: [px0, px1, py0, py1], gain: up * up }), filter, 1, 'valid');
    }
    // Padding inside the convolution (no padded copy), crops before it.
    const cropped = padOrCrop(x, [Math.min(px0, 0), Math.min(px1, 0), Math.min(py0, 0), Math.min(py1, 0)]);
    const pads: tf.backend_util.ExplicitPadding = [
      [0, 0],
      [Math.max(py0, 0), Math.max(py1, 0)],
      [Math.max(px0, 0), Math.max(px1, 0)],
      [0, 0],
    ];
    return tf.conv2d(cropped, filter, 1, pads);
  });
}
