// Resampling as StyleGAN2 does it, on NHWC tensors: upsample by inserting zeros, pad (or crop),
// filter with a small FIR low-pass kernel, keep every `down`-th pixel; and convolutions that
// resample through it. Semantics follow NVIDIA's upfirdn2d / conv2d_resample so imported weights
// compute the same images (weights there are OIHW, correlation when flip_weight is true).
import * as tf from '../tf';

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
  const columns = x.reshape([n * h, w, 1, c]).pad([[0, 0], [0, 0], [0, up - 1], [0, 0]]);
  const rows = columns.reshape([n, h, 1, w * up * c]).pad([[0, 0], [0, 0], [0, up - 1], [0, 0]]);
  return rows.reshape([n, h * up, w * up, c]);
}

function padOrCrop(x: tf.Tensor4D, [px0, px1, py0, py1]: [number, number, number, number]): tf.Tensor4D {
  let y: tf.Tensor4D = x.pad([[0, 0], [Math.max(py0, 0), Math.max(py1, 0)], [Math.max(px0, 0), Math.max(px1, 0)], [0, 0]]);
  if (px0 < 0 || px1 < 0 || py0 < 0 || py1 < 0) {
    const [, h, w] = y.shape as [number, number, number, number];
    y = y.slice([0, Math.max(-py0, 0), Math.max(-px0, 0), 0], [-1, h - Math.max(-py0, 0) - Math.max(-py1, 0), w - Math.max(-px0, 0) - Math.max(-px1, 0), -1]) as tf.Tensor4D;
  }
  return y;
}

/** y[:, ::d, ::d] as pad, reshape and slice: tfjs has no gradient for strided slices. */
function keepEvery(y: tf.Tensor4D, d: number): tf.Tensor4D {
  const [n, h, w, c] = y.shape;
  const [hh, ww] = [Math.ceil(h / d), Math.ceil(w / d)];
  const padded = y.pad([[0, 0], [0, hh * d - h], [0, ww * d - w], [0, 0]]);
  // Every d-th row (a row being ww·d·c values), then every d-th column of those.
  const rows = padded.reshape([n, hh, d, ww * d * c]).slice([0, 0, 0, 0], [n, hh, 1, ww * d * c]);
  const columns = rows.reshape([n * hh, ww, d, c]).slice([0, 0, 0, 0], [n * hh, ww, 1, c]);
  return columns.reshape([n, hh, ww, c]) as tf.Tensor4D;
}

export function upfirdn2d(x: tf.Tensor4D, f: number[][] | null, { up = 1, down = 1, pad = [0, 0, 0, 0], gain = 1, flipFilter = false }: FirOptions = {}): tf.Tensor4D {
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
  return upfirdn2d(x, f, { up, pad: [Math.floor((fw + up - 1) / 2), Math.floor((fw - up) / 2), Math.floor((fh + up - 1) / 2), Math.floor((fh - up) / 2)], gain: up * up });
}

export function downsample2d(x: tf.Tensor4D, f: number[][], down = 2): tf.Tensor4D {
  const fw = f[0]!.length;
  const fh = f.length;
  return upfirdn2d(x, f, { down, pad: [Math.floor((fw - down + 1) / 2), Math.floor((fw - down) / 2), Math.floor((fh - down + 1) / 2), Math.floor((fh - down) / 2)] });
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
}

/**
 * A convolution with optional up- or downsampling through the FIR filter; `filter` is HWIO.
 * Padding is given with respect to the upsampled image, as in NVIDIA's conv2d_resample.
 */
export function conv2dResample(x: tf.Tensor4D, filter: tf.Tensor4D, f: number[][], { up = 1, down = 1, padding = 0 }: Omit<ResampleOptions, 'flipWeight'> = {}): tf.Tensor4D {
  return tf.tidy(() => {
    const [kh, kw] = filter.shape;
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
    return tf.conv2d(padOrCrop(x, [px0, px1, py0, py1]), filter, 1, 'valid');
  });
}
