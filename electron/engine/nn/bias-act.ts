// NVIDIA's bias_act: add the bias, activate (linear, or leaky ReLU with slope α), scale by the
// gain, clamp to ±clamp. Where the backend has Leporello's kernels (wasm and cpu with the native
// module) it is one pass forward and one back; elsewhere it is written as tfjs ops.
// Both ways differentiate any number of times, as R1 needs: the derivative is a mask read off
// the output (slope 1 or α by its sign, 0 where it was clamped), so the gradient of the gradient
// is the same mask again.
import * as tf from '../tf';
import { BIAS_ACT, BIAS_ACT_GRAD, type BiasActAttrs } from '../kernels/native-kernels';

const leadingAxes = (rank: number) => Array.from({ length: rank - 1 }, (_, i) => i);

tf.registerGradient({
  kernelName: BIAS_ACT,
  outputsToSave: [true],
  gradFunc: (dy, saved, attrs) => {
    const [y] = saved as [tf.Tensor];
    const d = Array.isArray(dy) ? dy[0]! : dy;
    // Asked for by x and by b in turn, inside one scope: computed once.
    let dx: tf.Tensor | null = null;
    const grad = () => (dx ??= tf.engine().runKernel(BIAS_ACT_GRAD, { dy: d, y }, attrs) as tf.Tensor);
    return { x: () => grad(), b: () => tf.sum(grad(), leadingAxes(d.rank)) };
  },
});

tf.registerGradient({
  kernelName: BIAS_ACT_GRAD,
  inputsToSave: ['y'],
  gradFunc: (ddx, saved, attrs) => {
    const [y] = saved as [tf.Tensor];
    const d = Array.isArray(ddx) ? ddx[0]! : ddx;
    // Linear in dy with a mask that is constant almost everywhere: nothing flows to y.
    return { dy: () => tf.engine().runKernel(BIAS_ACT_GRAD, { dy: d, y }, attrs) as tf.Tensor, y: () => tf.zerosLike(y) };
  },
});

/** Leaky ReLU written as (1+α)/2·x + (1−α)/2·|x|, whose gradient tfjs can differentiate again. */
function lrelu(x: tf.Tensor, alpha: number): tf.Tensor {
  return tf.add(tf.mul(x, (1 + alpha) / 2), tf.mul(tf.abs(x), (1 - alpha) / 2));
}

/** y = clamp(act(x + bias) · gain); the bias runs along the last axis. */
export function biasAct(x: tf.Tensor, bias: tf.Tensor | null, act: 'linear' | 'lrelu', gain: number, clamp: number | null, alpha = 0.2): tf.Tensor {
  if (tf.getKernel(BIAS_ACT, tf.getBackend())) {
    const attrs: BiasActAttrs = { act, alpha, gain, clamp };
    return tf.engine().runKernel(BIAS_ACT, bias ? { x, b: bias } : { x }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  let y = bias ? tf.add(x, bias) : x;
  if (act === 'lrelu') y = lrelu(y, alpha);
  if (gain !== 1) y = tf.mul(y, gain);
  // Clamp written with ReLUs: equal to clipByValue, and differentiable twice in tfjs (R1).
  if (clamp !== null) y = tf.add(tf.sub(y, tf.relu(tf.sub(y, clamp))), tf.relu(tf.sub(tf.neg(y), clamp)));
  return y;
}
