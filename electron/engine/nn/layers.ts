// The few layers the DCGAN-style networks are made of, over tfjs-core. Each is built once
// (creating its named parameters) and applied many times. NHWC throughout, as tfjs wants.
import * as tf from '../tf';
import { CONV_TRANSPOSE_POST, type ConvTransposePostAttrs } from '../kernels/native-kernels';
import type { Params } from './params';
import type { Rng } from './rng';

/** Radford et al.: weights from N(0, 0.02). */
export const DCGAN_STD = 0.02;

export class Dense {
  private readonly w: tf.Variable;
  private readonly b: tf.Variable;
  constructor(p: Params, name: string, inDim: number, outDim: number, rng: Rng, std = DCGAN_STD) {
    this.w = p.add(`${name}/w`, tf.tensor2d(rng.normals(inDim * outDim, std), [inDim, outDim]));
    this.b = p.add(`${name}/b`, tf.zeros([outDim]));
  }
  apply(x: tf.Tensor2D): tf.Tensor2D {
    return tf.add(tf.matMul(x, this.w as tf.Tensor2D), this.b);
  }
}

/** Convolution, kernel k, stride s, 'same' padding (for k=4, s=2: PyTorch's padding=1 sizes). */
export class Conv {
  private readonly w: tf.Variable;
  private readonly b: tf.Variable | null;
  constructor(
    p: Params,
    name: string,
    k: number,
    cin: number,
    cout: number,
    private readonly stride: number,
    rng: Rng,
    bias = true,
  ) {
    this.w = p.add(`${name}/w`, tf.tensor4d(rng.normals(k * k * cin * cout, DCGAN_STD), [k, k, cin, cout]));
    this.b = bias ? p.add(`${name}/b`, tf.zeros([cout])) : null;
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const y = tf.conv2d(x, this.w as tf.Tensor4D, this.stride, 'same');
    return this.b ? tf.add(y, this.b) : y;
  }
}

/** What a drawing pass finishes a transposed convolution's output channels with: act(v · scale + shift). */
export interface ChannelPost {
  scale: tf.Tensor1D | null;
  shift: tf.Tensor1D | null;
  act: ConvTransposePostAttrs['act'];
}

/**
 * Whether a drawing can take the one kernel for a transposed convolution and what follows it:
 * the backend has it (wasm and cpu with the native kernels) and no gradient is being recorded
 * (it has none: projection differentiates a drawing, and goes through the layers as training does).
 */
export function fusedDrawing(): boolean {
  return tf.getKernel(CONV_TRANSPOSE_POST, tf.getBackend()) !== undefined && !tf.engine().isTapeOn();
}

/** Transposed convolution that multiplies height and width by its stride. */
export class ConvTranspose {
  private readonly w: tf.Variable;
  private readonly b: tf.Variable | null;
  constructor(
    p: Params,
    name: string,
    k: number,
    cin: number,
    private readonly cout: number,
    private readonly stride: number,
    rng: Rng,
    bias = true,
  ) {
    // tfjs lays a transposed filter out as [h, w, out, in].
    this.w = p.add(`${name}/w`, tf.tensor4d(rng.normals(k * k * cin * cout, DCGAN_STD), [k, k, cout, cin]));
    this.b = bias ? p.add(`${name}/b`, tf.zeros([cout])) : null;
  }
  apply(x: tf.Tensor4D): tf.Tensor4D {
    const [n, h, w] = x.shape;
    const y = tf.conv2dTranspose(x, this.w as tf.Tensor4D, [n, h * this.stride, w * this.stride, this.cout], this.stride, 'same');
    return this.b ? tf.add(y, this.b) : y;
  }
  /** For drawing only (no gradient), where fusedDrawing(): the layer, then `post`, in one kernel. */
  applyPost(x: tf.Tensor4D, post: ChannelPost): tf.Tensor4D {
    return tf.tidy(() => {
      const [n, h, w] = x.shape;
      // The layer's own bias moves into the shift: (v + b)·scale + shift.
      let shift = post.shift;
      if (this.b) shift = tf.add(post.scale ? tf.mul(this.b, post.scale) : this.b, shift ?? 0) as tf.Tensor1D;
      const attrs: ConvTransposePostAttrs = {
        strides: this.stride,
        pad: 'same',
        dataFormat: 'NHWC',
        inputShape: [n, h * this.stride, w * this.stride, this.cout],
        act: post.act,
      };
      const inputs: tf.NamedTensorMap = { x, filter: this.w };
      if (post.scale) inputs.scale = post.scale;
      if (shift) inputs.shift = shift;
      return tf.engine().runKernel(CONV_TRANSPOSE_POST, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
    });
  }
}

/**
 * Batch normalisation over N, H, W. Training uses the batch's statistics and queues the update of
 * the running ones (momentum 0.1, as PyTorch); sampling uses the running ones.
 */
export class BatchNorm {
  private readonly gamma: tf.Variable;
  private readonly beta: tf.Variable;
  private readonly mean: tf.Variable;
  private readonly variance: tf.Variable;
  constructor(
    private readonly p: Params,
    name: string,
    channels: number,
    rng: Rng,
    private readonly momentum = 0.1,
    private readonly eps = 1e-5,
  ) {
    this.gamma = p.add(`${name}/gamma`, tf.tensor1d(rng.normals(channels, DCGAN_STD, 1)));
    this.beta = p.add(`${name}/beta`, tf.zeros([channels]));
    this.mean = p.add(`${name}/running_mean`, tf.zeros([channels]), false);
    this.variance = p.add(`${name}/running_var`, tf.ones([channels]), false);
  }
  /**
   * Sampling's normalisation as one affine map per channel: scale = γ/√(σ² + ε), shift = β − μ·scale
   * (equal to batchNorm4d with the running statistics up to rounding), for ConvTranspose.applyPost.
   */
  evalAffine(): { scale: tf.Tensor1D; shift: tf.Tensor1D } {
    return tf.tidy(() => {
      const scale = tf.mul(this.gamma, tf.rsqrt(tf.add(this.variance, this.eps))) as tf.Tensor1D;
      return { scale, shift: tf.sub(this.beta, tf.mul(this.mean, scale)) as tf.Tensor1D };
    });
  }
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    if (!training)
      return tf.batchNorm4d(x, this.mean as tf.Tensor1D, this.variance as tf.Tensor1D, this.beta as tf.Tensor1D, this.gamma as tf.Tensor1D, this.eps);
    const { y, mean, variance } = batchNormTraining(x, this.gamma as tf.Tensor1D, this.beta as tf.Tensor1D, this.eps);
    const m = this.momentum;
    const n = x.shape[0] * x.shape[1] * x.shape[2];
    // The queued values never reach the loss, so no gradient flows through them. The running
    // variance is the unbiased estimate, as in PyTorch.
    this.p.queue(this.mean, tf.add(tf.mul(this.p.current(this.mean), 1 - m), tf.mul(mean, m)));
    this.p.queue(this.variance, tf.add(tf.mul(this.p.current(this.variance), 1 - m), tf.mul(variance, (m * n) / Math.max(1, n - 1))));
    tf.dispose([mean, variance]);
    return y;
  }
}

/**
 * Batch normalisation with the batch's own statistics, and its gradient written out:
 *   x̂ = (x − μ)/σ,  dβ = Σ dy,  dγ = Σ dy·x̂,  dx = γ/σ · (dy − dβ/n − x̂·dγ/n)
 * (sums over N, H, W). Differentiating tfjs's batchNorm and moments instead costs three times the
 * element-wise passes, a full-size Tile among them. Returns the batch's mean and (biased)
 * variance too, for the running statistics; the caller disposes them.
 */
export function batchNormTraining(
  x: tf.Tensor4D,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  eps: number,
): { y: tf.Tensor4D; mean: tf.Tensor1D; variance: tf.Tensor1D } {
  let stats: { mean: tf.Tensor1D; variance: tf.Tensor1D } | null = null;
  const n = x.shape[0] * x.shape[1] * x.shape[2];
  const normalise = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [input, g, b, save] = args as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.GradSaveFunc];
    const { mean, variance } = tf.moments(input, [0, 1, 2]);
    const y = tf.batchNorm4d(input, mean as tf.Tensor1D, variance as tf.Tensor1D, b, g, eps);
    const invStd = tf.rsqrt(tf.add(variance, eps));
    save([input, mean, invStd, g]);
    stats = { mean: tf.keep(mean) as tf.Tensor1D, variance: tf.keep(variance) as tf.Tensor1D };
    return {
      value: y,
      gradFunc: (d: tf.Tensor4D, saved: tf.Tensor[]) => {
        const [xs, mu, inv, scale] = saved as [tf.Tensor4D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
        const xhat = tf.mul(tf.sub(xs, mu), inv);
        const dBeta = tf.sum(d, [0, 1, 2]);
        const dGamma = tf.sum(tf.mul(d, xhat), [0, 1, 2]);
        const a = tf.mul(scale, inv);
        const dx = tf.mul(tf.sub(tf.sub(d, tf.div(dBeta, n)), tf.mul(xhat, tf.div(dGamma, n))), a);
        return [dx, dGamma, dBeta];
      },
    };
  });
  const y = normalise(x, gamma, beta) as tf.Tensor4D;
  const s = stats as { mean: tf.Tensor1D; variance: tf.Tensor1D } | null;
  if (!s) throw new Error('batch norm computed no statistics');
  return { y, ...s };
}
