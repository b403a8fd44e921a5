// tfjs has no stop_gradient: the value passes, its gradient is zero. Used where a running statistic
// enters a loss but must not be trained through (StyleGAN2's path-length mean).
import * as tf from '../tf';

const stop = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const x = args[0] as tf.Tensor;
  return { value: x.clone(), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => tf.zerosLike(dy as tf.Tensor) };
});

export const stopGradient = (x: tf.Tensor): tf.Tensor => stop(x);
