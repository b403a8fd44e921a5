// The layers of the progressive GAN (Karras et al. 2017). Their weights are stored N(0, 1) and
// scaled by He's constant at every use ("equalized learning rate"), so that Adam, which
// normalises each update, moves every layer at the same relative speed.
//
// A generator layer can keep a second, slowly moving copy of its weights (the exponential
// moving average the paper samples from); `apply(x, 'ema')` uses that copy.
import * as tf from '../tf';
import { biasAct } from './bias-act';
import { hasFirKernel, upfirdn2d } from './upfirdn';
import { emaName } from './moving-average';
import type { Params } from './params';
import type { Rng } from './rng';

export type WeightSet = 'train' | 'ema';

/** The averaged copy of a generator parameter lives under "Gs/" beside "G/". */

class EqualizedWeights {
  private readonly w: tf.Variable;
  private readonly b: tf.Variable;
  private readonly emaW: tf.Variable | null;
  private readonly emaB: tf.Variable | null;
  readonly scale: number;

  constructor(p: Params, name: string, shape: number[], fanIn: number, gain: number, rng: Rng, ema: boolean) {
    const size = shape.reduce((a, b) => a * b, 1);
    this.w = p.add(`${name}/w`, tf.tensor(rng.normals(size), shape));
    this.b = p.add(`${name}/b`, tf.zeros([shape.at(-1)!]));
    this.emaW = ema ? p.add(emaName(`${name}/w`), tf.clone(this.w), false) : null;
    this.emaB = ema ? p.add(emaName(`${name}/b`), tf.clone(this.b), false) : null;
    this.scale = gain / Math.sqrt(fanIn);
  }

  weight(set: WeightSet): tf.Tensor {
    const w = set === 'ema' ? this.emaW : this.w;
    if (!w) throw new Error('this layer keeps no moving average');
    return tf.mul(w, this.scale);
  }

  bias(set: WeightSet): tf.Tensor {
    return (set === 'ema' ? this.emaB : this.b) ?? this.b;
  }
}

/** k×k convolution, stride 1, 'same' padding. */
export class EqConv {
  private readonly weights: EqualizedWeights;
  constructor(p: Params, name: string, k: number, cin: number, cout: number, rng: Rng, { gain = Math.SQRT2, ema = false } = {}) {
    this.weights = new EqualizedWeights(p, name, [k, k, cin, cout], k * k * cin, gain, rng, ema);
  }
  apply(x: tf.Tensor4D, set: WeightSet = 'train'): tf.Tensor4D {
    return tf.add(tf.conv2d(x, this.weights.weight(set) as tf.Tensor4D, 1, 'same'), this.weights.bias(set));
  }
}

export class EqDense {
  private readonly weights: EqualizedWeights;
  constructor(p: Params, name: string, inDim: number, outDim: number, rng: Rng, { gain = Math.SQRT2, ema = false } = {}) {
    this.weights = new EqualizedWeights(p, name, [inDim, outDim], inDim, gain, rng, ema);
  }
  apply(x: tf.Tensor2D, set: WeightSet = 'train'): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.weights.weight(set) as tf.Tensor2D), this.weights.bias(set));
  }
}

/**
 * LeakyReLU written as 0.6·x + 0.4·|x| (slope 0.2). The same function as tf.leakyRelu, but built
 * from ops whose gradients are themselves differentiable: the gradient penalty differentiates
 * the discriminator's input gradient, and tfjs has no gradient for the comparison inside
 * leakyRelu's own gradient.
 */
export function leaky(x: tf.Tensor4D): tf.Tensor4D;
export function leaky(x: tf.Tensor2D): tf.Tensor2D;
export function leaky(x: tf.Tensor): tf.Tensor {
  // One pass where the backend has bias_act's kernel; the same ops as above elsewhere.
  return biasAct(x, null, 'lrelu', 1, null, 0.2);
}

/** Each pixel's feature vector scaled to unit mean square ("pixelwise feature normalisation"). */
export function pixelNorm<T extends tf.Tensor>(x: T): T {
  return tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), -1, true), 1e-8))) as T;
}

const BOX_MEAN = [
  [0.25, 0.25],
  [0.25, 0.25],
];
const BOX = [
  [1, 1],
  [1, 1],
];

/**
 * 2×2 average pooling as a reshape and a mean, which stay twice differentiable (avgPool's
 * gradient does not); where the backend has the one-pass resampling kernel, that kernel with a
 * 2×2 box (differentiable any number of times too).
 */
export function downsample(x: tf.Tensor4D): tf.Tensor4D {
  if (hasFirKernel()) return upfirdn2d(x, BOX_MEAN, { down: 2 });
  const [n, h, w, c] = x.shape;
  return tf.mean(tf.reshape(x, [n, h / 2, 2, w / 2, 2, c]), [2, 4]) as tf.Tensor4D;
}

/**
 * Nearest-neighbour ×2 upsampling (repeated for larger factors), written as broadcasts against
 * ones whose gradient is a plain sum on every backend. (tfjs-cpu 4.22's ResizeNearestNeighborGrad
 * reads the wrong images' gradients for every image after the first of a batch.)
 */
export function upsample(x: tf.Tensor4D, factor = 2): tf.Tensor4D {
  let y = x;
  // Zero insertion, then a 2×2 box one pixel back: each pixel copied into its 2×2 block.
  if (hasFirKernel()) {
    for (let f = factor; f > 1; f /= 2) y = upfirdn2d(y, BOX, { up: 2, pad: [1, 0, 1, 0] });
    return y;
  }
  for (let f = factor; f > 1; f /= 2) {
    const [n, h, w, c] = y.shape;
    const wide = tf.reshape(tf.mul(tf.reshape(y, [n * h, w, 1, c]), tf.ones([1, 1, 2, 1])), [n, h, 1, 2 * w * c]);
    y = tf.reshape(tf.mul(wide, tf.ones([1, 1, 2, 1])), [n, 2 * h, 2 * w, c]) as tf.Tensor4D;
  }
  return y;
}

/**
 * Minibatch standard deviation: the mean over features of each group's per-feature standard
 * deviation, appended as one more channel, so that D can see when a batch lacks variety.
 * Groups of up to 4 images; the largest size that divides the batch.
 */
export function minibatchStddev(x: tf.Tensor4D, maxGroup = 4): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  let g = Math.min(maxGroup, n);
  while (n % g !== 0) g--;
  const grouped = tf.reshape(x, [g, n / g, h, w, c]);
  const centred = tf.sub(grouped, tf.mean(grouped, 0, true));
  const std = tf.sqrt(tf.add(tf.mean(tf.square(centred), 0), 1e-8)); // [n/g, h, w, c]
  const perGroup = tf.mean(std, [1, 2, 3]); // [n/g]
  // Image a·(n/g) + b belongs to group column b. (Rank-1 tile and a broadcast: tfjs has no
  // gradient for tile above rank 4.)
  const perImage = tf.reshape(tf.tile(perGroup, [g]), [n, 1, 1, 1]);
  return tf.concat([x, tf.mul(perImage, tf.ones([1, h, w, 1]))], 3) as tf.Tensor4D;
}
