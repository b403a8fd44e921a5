// StyleGAN2's networks as functions of named weights, in the layout and naming of NVIDIA's
// PyTorch code (OIHW convolutions, [out, in] dense layers, state_dict names such as
// "synthesis.b8.conv0.affine.weight"), so that an imported network and one trained here are the
// same thing. Images are NHWC in [-1, 1]. See stylegan2.ts for the model the studio trains.
import * as tf from '../tf';
import { blockResolutions, numWs, type StyleGan2Config } from '../../formats/stylegan2-layout';
import { biasAct } from '../nn/bias-act';
import { conv2dResample, downsample2d, setupFilter, upsample2d } from '../nn/upfirdn';

// The layout lives with the network file (formats/), where the studio reads it without TensorFlow.js.
export { blockResolutions, channelsAt, expectedShapes, numWs, type StyleGan2Config } from '../../formats/stylegan2-layout';

/** Reads one network's weights by state_dict name. */
export type Weights = (name: string) => tf.Tensor;

export type NoiseMode = 'const' | 'random' | 'none';

const FIR = setupFilter([1, 3, 3, 1]);
const SQRT2 = Math.SQRT2;
const SQRT_HALF = Math.SQRT1_2;

function dense(w: Weights, name: string, x: tf.Tensor2D, act: 'linear' | 'lrelu', lrMultiplier = 1): tf.Tensor2D {
  const weight = w(`${name}.weight`);
  const inFeatures = weight.shape[1]!;
  const y = tf.matMul(x, tf.mul(weight, lrMultiplier / Math.sqrt(inFeatures)) as tf.Tensor2D, false, true);
  const bias = tf.mul(w(`${name}.bias`), lrMultiplier);
  return biasAct(y, bias, act, act === 'lrelu' ? SQRT2 : 1, null) as tf.Tensor2D;
}

function normalize2ndMoment(x: tf.Tensor2D): tf.Tensor2D {
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), 1, true), 1e-8))) as tf.Tensor2D;
}

export interface MappingOptions {
  psi?: number;
  /** Truncate only the first this many W vectors (the coarse styles). */
  cutoff?: number | null;
}

/** z (and labels c) to W, broadcast to every synthesis input, truncated toward w_avg when psi < 1. */
export function mapping(
  w: Weights,
  config: StyleGan2Config,
  z: tf.Tensor2D,
  c: tf.Tensor2D | null,
  { psi = 1, cutoff = null }: MappingOptions = {},
): tf.Tensor3D {
  return tf.tidy(() => {
    const x = mapToW(w, 'mapping', config.mappingLayers, config.mappingLrMultiplier, config.zDim > 0 ? z : null, config.cDim > 0 ? c : null);
    const n = numWs(config);
    let ws = tf.tile(x.expandDims(1), [1, n, 1]) as tf.Tensor3D;
    if (psi !== 1) {
      const avg = w('mapping.w_avg');
      const truncated = tf.add(avg, tf.mul(tf.sub(ws, avg), psi)) as tf.Tensor3D;
      if (cutoff === null || cutoff >= n) ws = truncated;
      else ws = tf.concat([truncated.slice([0, 0, 0], [-1, cutoff, -1]), ws.slice([0, cutoff, 0], [-1, -1, -1])], 1);
    }
    return ws;
  });
}

/** The mapping MLP (shared by G's mapping and the conditional D's label mapping). */
function mapToW(w: Weights, prefix: string, layers: number, lrMultiplier: number, z: tf.Tensor2D | null, c: tf.Tensor2D | null): tf.Tensor2D {
  const parts: tf.Tensor2D[] = [];
  if (z) parts.push(normalize2ndMoment(z));
  if (c) parts.push(normalize2ndMoment(dense(w, `${prefix}.embed`, c, 'linear')));
  let x = parts.length === 1 ? parts[0]! : (tf.concat(parts, 1) as tf.Tensor2D);
  for (let i = 0; i < layers; i++) x = dense(w, `${prefix}.fc${i}`, x, 'lrelu', lrMultiplier);
  return x;
}

/**
 * A modulated convolution: each image's input channels scaled by its style, the shared kernel,
 * then each output channel demodulated to unit expected variance. Equal to NVIDIA's fused
 * grouped convolution, computed as scale → convolve → scale (tfjs has no grouped convolution).
 */
function modulatedConv(
  x: tf.Tensor4D,
  weight: tf.Tensor4D,
  styles: tf.Tensor2D,
  demodulate: boolean,
  up: number,
  padding: number,
  flipWeight: boolean,
  transposed: boolean,
): tf.Tensor4D {
  const n = x.shape[0];
  let y = tf.mul(x, styles.reshape([n, 1, 1, -1])) as tf.Tensor4D;
  y = conv2dResample(y, weight, FIR, { up, padding, flipWeight, transposed });
  if (demodulate) {
    // Σ over input channels and taps of (w·s)²  =  s² · Σ_taps w²
    const wsq = tf.sum(tf.square(weight), [2, 3]); // [O, I]
    const dcoefs = tf.rsqrt(tf.add(tf.matMul(tf.square(styles), wsq, false, true), 1e-8)); // [N, O]
    y = tf.mul(y, dcoefs.reshape([n, 1, 1, -1])) as tf.Tensor4D;
  }
  return y;
}

export interface SynthesisOptions {
  noise?: NoiseMode;
  /**
   * 'transposed' (the default): upsampling as a transposed convolution then the filter, NVIDIA's
   * fast path. 'zero-insertion' for a second derivative through G (the path-length penalty).
   */
  upsampling?: 'transposed' | 'zero-insertion';
  /** For noise 'random': draws a standard normal tensor of the given shape. */
  randomNormal?: (shape: number[]) => tf.Tensor;
}

function synthesisLayer(
  w: Weights,
  name: string,
  config: StyleGan2Config,
  x: tf.Tensor4D,
  wv: tf.Tensor2D,
  res: number,
  up: number,
  gain: number,
  options: SynthesisOptions,
): tf.Tensor4D {
  // Each layer frees its intermediates when it is done: at 256 px one upsampling layer's would fill wasm's heap.
  return tf.tidy(() => synthesisLayerInner(w, name, config, x, wv, res, up, gain, options));
}

function synthesisLayerInner(
  w: Weights,
  name: string,
  config: StyleGan2Config,
  x: tf.Tensor4D,
  wv: tf.Tensor2D,
  res: number,
  up: number,
  gain: number,
  options: SynthesisOptions,
): tf.Tensor4D {
  const styles = dense(w, `${name}.affine`, wv, 'linear');
  let y = modulatedConv(x, w(`${name}.weight`) as tf.Tensor4D, styles, true, up, 1, up === 1, (options.upsampling ?? 'transposed') === 'transposed');
  const mode = options.noise ?? 'const';
  if (mode !== 'none') {
    const strength = w(`${name}.noise_strength`);
    const noise = mode === 'const' ? w(`${name}.noise_const`).reshape([1, res, res, 1]) : options.randomNormal!([y.shape[0], res, res, 1]);
    y = tf.add(y, tf.mul(noise, strength)) as tf.Tensor4D;
  }
  return biasAct(y, w(`${name}.bias`), 'lrelu', SQRT2 * gain, config.convClamp === null ? null : config.convClamp * gain) as tf.Tensor4D;
}

function toRgb(w: Weights, name: string, config: StyleGan2Config, x: tf.Tensor4D, wv: tf.Tensor2D): tf.Tensor4D {
  return tf.tidy(() => toRgbInner(w, name, config, x, wv));
}

function toRgbInner(w: Weights, name: string, config: StyleGan2Config, x: tf.Tensor4D, wv: tf.Tensor2D): tf.Tensor4D {
  const weight = w(`${name}.weight`) as tf.Tensor4D;
  const styles = tf.mul(dense(w, `${name}.affine`, wv, 'linear'), 1 / Math.sqrt(weight.shape[1])) as tf.Tensor2D;
  const y = modulatedConv(x, weight, styles, false, 1, 0, true, false);
  return biasAct(y, w(`${name}.bias`), 'linear', 1, config.convClamp) as tf.Tensor4D;
}

/** W vectors [N, numWs, wDim] to images, block by block from the learned 4×4 constant. */
export function synthesis(w: Weights, config: StyleGan2Config, ws: tf.Tensor3D, options: SynthesisOptions = {}): tf.Tensor4D {
  return tf.tidy(() => {
    const n = ws.shape[0];
    const wAt = (i: number) => ws.slice([0, i, 0], [-1, 1, -1]).reshape([n, -1]) as tf.Tensor2D;
    let x: tf.Tensor4D | null = null;
    let img: tf.Tensor4D | null = null;
    let wi = 0;
    const resolutions = blockResolutions(config);
    for (const res of resolutions) {
      const b = `synthesis.b${res}`;
      const isLast = res === config.resolution;
      if (x === null) {
        const constant = w(`${b}.const`).transpose([1, 2, 0]).expandDims(0);
        x = synthesisLayer(w, `${b}.conv1`, config, tf.tile(constant, [n, 1, 1, 1]) as tf.Tensor4D, wAt(wi), res, 1, 1, options);
        wi += 1;
      } else {
        x = synthesisLayer(w, `${b}.conv0`, config, x, wAt(wi), res, 2, 1, options);
        x = synthesisLayer(w, `${b}.conv1`, config, x, wAt(wi + 1), res, 1, 1, options);
        wi += 2;
      }
      if (img) img = upsample2d(img, FIR);
      if (isLast || config.gArchitecture === 'skip') {
        const y = toRgb(w, `${b}.torgb`, config, x, wAt(wi));
        img = img ? (tf.add(img, y) as tf.Tensor4D) : y;
      }
    }
    return img!;
  });
}

function conv(
  w: Weights,
  name: string,
  x: tf.Tensor4D,
  act: 'linear' | 'lrelu',
  options: { down?: number; gain?: number; clamp?: number | null; bias?: boolean } = {},
): tf.Tensor4D {
  return tf.tidy(() => convInner(w, name, x, act, options));
}

function convInner(
  w: Weights,
  name: string,
  x: tf.Tensor4D,
  act: 'linear' | 'lrelu',
  { down = 1, gain = 1, clamp = null as number | null, bias = true } = {},
): tf.Tensor4D {
  const weight = w(`${name}.weight`) as tf.Tensor4D;
  const [outChannels, inChannels, k] = weight.shape;
  const weightGain = 1 / Math.sqrt(inChannels * k * k);
  // The equalised-learning-rate gain goes on whichever is smaller, the kernel or the output: every
  // scaled copy is kept for the backward pass, and D's low-resolution kernels are the bigger ones.
  const outputSize = x.shape[0] * (x.shape[1] / down) * (x.shape[2] / down) * outChannels;
  const onKernel = weight.size <= outputSize;
  const kernel = onKernel ? (tf.mul(weight, weightGain) as tf.Tensor4D) : weight;
  const raw = conv2dResample(x, kernel, FIR, { down, padding: Math.floor(k / 2) });
  const y = onKernel ? raw : (tf.mul(raw, weightGain) as tf.Tensor4D);
  return biasAct(y, bias ? w(`${name}.bias`) : null, act, (act === 'lrelu' ? SQRT2 : 1) * gain, clamp === null ? null : clamp * gain) as tf.Tensor4D;
}

/** Each group of `groupSize` images gets its feature stddev as an extra channel. */
function minibatchStd(x: tf.Tensor4D, groupSize: number, numChannels: number): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const g = Math.min(groupSize, n);
  if (n % g !== 0) throw new Error(`a batch of ${n} does not split into minibatch-stddev groups of ${g}`);
  const y = x.reshape([g, n / g, h, wd, numChannels, c / numChannels]);
  const centred = tf.sub(y, tf.mean(y, 0, true));
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [n/g, h, w, F, c/F]
  const perGroup = tf.mean(std, [1, 2, 4]); // [n/g, F]
  const maps = tf.tile(perGroup.reshape([n / g, 1, 1, numChannels]), [g, h, wd, 1]);
  return tf.concat([x, maps], 3) as tf.Tensor4D;
}

/** Images NHWC (and labels) to one logit each. */
export function discriminator(w: Weights, config: StyleGan2Config, image: tf.Tensor4D, c: tf.Tensor2D | null): tf.Tensor2D {
  return tf.tidy(() => {
    let x: tf.Tensor4D | null = null;
    let img: tf.Tensor4D | null = image;
    const clamp = config.convClamp;
    for (let res = config.resolution; res > 4; res /= 2) {
      const b = `b${res}`;
      if (x === null || config.dArchitecture === 'skip') {
        const y = conv(w, `${b}.fromrgb`, img!, 'lrelu', { clamp });
        x = x ? (tf.add(x, y) as tf.Tensor4D) : y;
        img = config.dArchitecture === 'skip' ? downsample2d(img!, FIR) : null;
      }
      if (config.dArchitecture === 'resnet') {
        const skip = conv(w, `${b}.skip`, x, 'linear', { down: 2, gain: SQRT_HALF, bias: false });
        x = conv(w, `${b}.conv0`, x, 'lrelu', { clamp });
        x = conv(w, `${b}.conv1`, x, 'lrelu', { down: 2, gain: SQRT_HALF, clamp });
        x = tf.add(skip, x) as tf.Tensor4D;
      } else {
        x = conv(w, `${b}.conv0`, x, 'lrelu', { clamp });
        x = conv(w, `${b}.conv1`, x, 'lrelu', { down: 2, clamp });
      }
    }
    if (config.dArchitecture === 'skip') x = tf.add(x!, conv(w, 'b4.fromrgb', img!, 'lrelu', {})) as tf.Tensor4D;
    if (config.mbstdChannels > 0) x = minibatchStd(x!, config.mbstdGroupSize, config.mbstdChannels);
    x = conv(w, 'b4.conv', x!, 'lrelu', { clamp });
    // PyTorch flattens NCHW: channels outermost.
    const flat = x.transpose([0, 3, 1, 2]).reshape([x.shape[0], -1]) as tf.Tensor2D;
    let out = dense(w, 'b4.out', dense(w, 'b4.fc', flat, 'lrelu'), 'linear');
    if (config.cDim > 0) {
      const cmap = mapToW(w, 'mapping', config.dMappingLayers, config.mappingLrMultiplier, null, c);
      out = tf.mul(tf.sum(tf.mul(out, cmap), 1, true), 1 / Math.sqrt(config.cmapDim)) as tf.Tensor2D;
    }
    return out;
  });
}
