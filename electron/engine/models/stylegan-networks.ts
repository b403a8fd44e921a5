// StyleGAN (v1, Karras et al. 2019) as functions of named weights, in the names and TensorFlow
// layouts of NVIDIA's original code (formats/stylegan-layout.ts). Images are NHWC in about [-1, 1].
// What differs from StyleGAN2 and must stay exact: the mapping's lr-multiplied dense layers after
// a pixel norm of [z | embedded label]; each layer's epilogue — per-channel noise, bias, leaky ReLU,
// instance norm, then AdaIN (x·(1 + scale) + shift from an affine map of W); the [1,2,1] blur after
// every up-sampling and before every down-sampling; up-sampling either nearest-neighbour then a
// 3×3 convolution or, "fused" (NVIDIA's choice from 128 px), one stride-2 transposed convolution
// with the 4×4 kernel the 3×3 one makes; D's minibatch standard deviation and label switch.
import * as tf from '../tf';
import { fusedAt, log2Of, numStyles, type StyleGanConfig } from '../../formats/stylegan-layout';
import { biasAct } from '../nn/bias-act';
import { setupFilter, upfirdn2d } from '../nn/upfirdn';
import type { MappingOptions, NoiseMode, Weights } from './stylegan2-networks';

const SQRT2 = Math.SQRT2;
const BLUR = setupFilter([1, 2, 1]);
const BOX = setupFilter([1, 1]);

/** Bias then leaky ReLU (0.2) — NVIDIA's apply_bias and act — as the op whose gradient R1 can differentiate again. */
const biasLrelu = (x: tf.Tensor, bias: tf.Tensor) => biasAct(x, bias, 'lrelu', 1, null);

/** NVIDIA's equalised learning rate: the stored weight times gain/√fan-in (and the lr multiplier). */
function scaled(weight: tf.Tensor, gain: number, lrMultiplier = 1): tf.Tensor {
  const fanIn = weight.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return tf.mul(weight, (gain / Math.sqrt(fanIn)) * lrMultiplier);
}

function dense(w: Weights, name: string, x: tf.Tensor2D, gain: number, act: 'linear' | 'lrelu', lrMultiplier = 1): tf.Tensor2D {
  const y = tf.matMul(x, scaled(w(`${name}/weight`), gain, lrMultiplier) as tf.Tensor2D);
  return biasAct(y, lrMultiplier === 1 ? w(`${name}/bias`) : tf.mul(w(`${name}/bias`), lrMultiplier), act, 1, null) as tf.Tensor2D;
}

function conv(x: tf.Tensor4D, kernel: tf.Tensor, stride = 1): tf.Tensor4D {
  // 'SAME' as TensorFlow pads it: (k − 1)/2 each side for 3×3 and 1×1, one each side for the strided 4×4.
  const k = kernel.shape[0]!;
  return tf.conv2d(x, kernel as tf.Tensor4D, stride, stride === 1 ? (k - 1) / 2 : 1);
}

const blur = (x: tf.Tensor4D) => upfirdn2d(x, BLUR, { pad: [1, 1, 1, 1] });

/** Nearest-neighbour 2× (NVIDIA's tile), within rank 4. */
function upscale(x: tf.Tensor4D): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  const columns = tf.tile(x.reshape([n * h, w, 1, c]), [1, 1, 2, 1]);
  return tf.tile(columns.reshape([n, h, 1, w * 2 * c]), [1, 1, 2, 1]).reshape([n, h * 2, w * 2, c]);
}

/** The 4×4 kernel that applies a 3×3 one to a 2×-resampled image: padded, its four shifts added. */
function shiftedSum(k: tf.Tensor4D): tf.Tensor4D {
  const p = k.pad([
    [1, 1],
    [1, 1],
    [0, 0],
    [0, 0],
  ]);
  const at = (a: number, b: number) => p.slice([a, b, 0, 0], [4, 4, -1, -1]);
  return tf.addN([at(1, 1), at(0, 1), at(1, 0), at(0, 0)]) as tf.Tensor4D;
}

function pixelNorm(x: tf.Tensor, axis: number): tf.Tensor {
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), axis, true), 1e-8)));
}

/** z (and labels c) to W for every style input, truncated toward dlatent_avg for the first `cutoff` styles. */
export function mapping(
  w: Weights,
  config: StyleGanConfig,
  z: tf.Tensor2D,
  c: tf.Tensor2D | null,
  { psi = 1, cutoff = null }: MappingOptions = {},
): tf.Tensor3D {
  return tf.tidy(() => {
    let x: tf.Tensor2D = z;
    if (config.cDim > 0) {
      if (!c) throw new Error('a conditional network maps a latent with its class');
      x = tf.concat([z, tf.matMul(c, w('mapping/LabelConcat/weight') as tf.Tensor2D)], 1) as tf.Tensor2D;
    }
    if (config.normalizeLatents) x = pixelNorm(x, 1) as tf.Tensor2D;
    for (let i = 0; i < config.mappingLayers; i++) x = dense(w, `mapping/Dense${i}`, x, SQRT2, 'lrelu', config.mappingLrMultiplier);
    const n = numStyles(config);
    const ws = tf.tile(x.expandDims(1), [1, n, 1]) as tf.Tensor3D;
    if (psi === 1) return ws;
    const upTo = Math.min(cutoff ?? config.truncationCutoff, n);
    const coefs = tf.tensor1d(Array.from({ length: n }, (_, i) => (i < upTo ? psi : 1))).reshape([1, n, 1]);
    const avg = w('dlatent_avg');
    return tf.add(avg, tf.mul(tf.sub(ws, avg), coefs)) as tf.Tensor3D;
  });
}

export interface StyleGanSynthesisOptions {
  noise?: NoiseMode;
  randomNormal?: (shape: number[]) => tf.Tensor;
}

function epilogue(
  w: Weights,
  config: StyleGanConfig,
  scope: string,
  x: tf.Tensor4D,
  style: tf.Tensor2D,
  layer: number,
  options: StyleGanSynthesisOptions,
): tf.Tensor4D {
  const s = `synthesis/${scope}`;
  const [n, h, wd, ch] = x.shape;
  let y: tf.Tensor = x;
  const mode = options.noise ?? 'const';
  if (config.useNoise && mode !== 'none') {
    const noise = mode === 'const' ? w(`synthesis/noise${layer}`).reshape([1, h, wd, 1]) : options.randomNormal!([n, h, wd, 1]);
    y = tf.add(y, tf.mul(noise, w(`${s}/Noise/weight`)));
  }
  y = biasLrelu(y, w(`${s}/bias`));
  if (config.usePixelNorm) y = pixelNorm(y, 3);
  if (config.useInstanceNorm) {
    y = tf.sub(y, tf.mean(y, [1, 2], true));
    y = tf.mul(y, tf.rsqrt(tf.add(tf.mean(tf.square(y), [1, 2], true), 1e-8)));
  }
  // AdaIN: the style's first half scales (around 1), its second shifts.
  const st = dense(w, `${s}/StyleMod`, style, 1, 'linear').reshape([n, 1, 1, 2 * ch]);
  const scale = st.slice([0, 0, 0, 0], [-1, -1, -1, ch]);
  const shift = st.slice([0, 0, 0, ch], [-1, -1, -1, ch]);
  return tf.add(tf.mul(y, tf.add(scale, 1)), shift) as tf.Tensor4D;
}

/** W vectors [N, styles, wDim] to images NHWC, from the learned 4×4 constant. */
export function synthesis(w: Weights, config: StyleGanConfig, ws: tf.Tensor3D, options: StyleGanSynthesisOptions = {}): tf.Tensor4D {
  return tf.tidy(() => {
    const n = ws.shape[0];
    const styleAt = (i: number) => ws.slice([0, i, 0], [-1, 1, -1]).reshape([n, -1]) as tf.Tensor2D;
    const layer = (scope: string, x: tf.Tensor4D, i: number) => tf.tidy(() => epilogue(w, config, scope, x, styleAt(i), i, options));
    const constant = w('synthesis/4x4/Const/const').transpose([0, 2, 3, 1]);
    let x = layer('4x4/Const', tf.tile(constant, [n, 1, 1, 1]) as tf.Tensor4D, 0);
    x = layer('4x4/Conv', conv(x, scaled(w('synthesis/4x4/Conv/weight'), SQRT2)), 1);
    const log2 = log2Of(config.resolution);
    for (let res = 3; res <= log2; res++) {
      const scope = `${2 ** res}x${2 ** res}`;
      const up = tf.tidy(() => {
        const k = scaled(w(`synthesis/${scope}/Conv0_up/weight`), SQRT2) as tf.Tensor4D;
        if (!fusedAt(config.fusedScale, 2 ** res)) return blur(conv(upscale(x), k));
        const [, h, wd] = x.shape;
        // tf.conv2dTranspose takes [kh, kw, out, in], as NVIDIA's transposed kernel is laid out.
        const k4 = shiftedSum(k.transpose([0, 1, 3, 2]));
        return blur(tf.conv2dTranspose(x, k4, [n, h * 2, wd * 2, k4.shape[2]], 2, 'same'));
      });
      x = layer(`${scope}/Conv0_up`, up, res * 2 - 4);
      x = layer(`${scope}/Conv1`, conv(x, scaled(w(`synthesis/${scope}/Conv1/weight`), SQRT2)), res * 2 - 3);
    }
    return tf.add(conv(x, scaled(w('synthesis/ToRGB_lod0/weight'), 1)), w('synthesis/ToRGB_lod0/bias')) as tf.Tensor4D;
  });
}

/** Each group of images gets its features' standard deviation (averaged over channels and pixels) as extra channels. */
function minibatchStd(x: tf.Tensor4D, groupSize: number, features: number): tf.Tensor4D {
  const [n, h, wd, c] = x.shape;
  const g = Math.min(groupSize, n);
  if (n % g !== 0) throw new Error(`a batch of ${n} does not split into minibatch-stddev groups of ${g}`);
  const y = x.reshape([g, n / g, h * wd, features, c / features]);
  const centred = tf.sub(y, tf.mean(y, 0, true));
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [n/g, hw, F, c/F]
  const perGroup = tf.mean(std, [1, 3]); // [n/g, F]
  const maps = tf.tile(perGroup.reshape([n / g, 1, 1, features]), [g, h, wd, 1]);
  return tf.concat([x, maps], 3) as tf.Tensor4D;
}

function convLayer(w: Weights, name: string, x: tf.Tensor4D, stride = 1): tf.Tensor4D {
  return tf.tidy(() => biasLrelu(conv(x, scaled(w(`${name}/weight`), SQRT2), stride), w(`${name}/bias`)) as tf.Tensor4D);
}

/** Images NHWC (and labels) to one score each. */
export function discriminator(w: Weights, config: StyleGanConfig, images: tf.Tensor4D, c: tf.Tensor2D | null): tf.Tensor2D {
  return tf.tidy(() => {
    const log2 = log2Of(config.resolution);
    let x = convLayer(w, 'FromRGB_lod0', images);
    for (let res = log2; res > 2; res--) {
      const scope = `${2 ** res}x${2 ** res}`;
      x = convLayer(w, `${scope}/Conv0`, x);
      x = tf.tidy(() => {
        const k = scaled(w(`${scope}/Conv1_down/weight`), SQRT2) as tf.Tensor4D;
        const blurred = blur(x);
        const down = fusedAt(config.dFusedScale, 2 ** res) ? conv(blurred, tf.mul(shiftedSum(k), 0.25), 2) : upfirdn2d(conv(blurred, k), BOX, { down: 2 });
        return biasLrelu(down, w(`${scope}/Conv1_down/bias`)) as tf.Tensor4D;
      });
    }
    if (config.mbstdGroupSize > 1) x = minibatchStd(x, config.mbstdGroupSize, config.mbstdChannels);
    x = convLayer(w, '4x4/Conv', x);
    // TensorFlow flattened NCHW: channels outermost.
    const flat = x.transpose([0, 3, 1, 2]).reshape([x.shape[0], -1]) as tf.Tensor2D;
    const hidden = dense(w, '4x4/Dense0', flat, SQRT2, 'lrelu');
    const scores = dense(w, '4x4/Dense1', hidden, 1, 'linear');
    if (config.cDim === 0) return scores;
    if (!c) throw new Error('a conditional discriminator judges an image with its class');
    return tf.sum(tf.mul(scores, c), 1, true) as tf.Tensor2D;
  });
}
