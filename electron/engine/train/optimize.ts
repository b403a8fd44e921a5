// One optimiser update over a fixed list of variables. tfjs's Adam keeps its moments by the
// position of each variable in the gradients it is given, and minimize() passes only the
// variables the loss reached; a progressive network reaches more of them as it grows, which
// would shift every moment onto the wrong variable. Here every variable always gets a gradient,
// zero where the loss did not reach it, in the order of `vars`.
import * as tf from '../tf';
import { StepwiseAdam } from './adam';

export interface Optimizers {
  g: tf.Optimizer;
  d: tf.Optimizer;
}

export function adamPair(learningRate: number, beta1: number, beta2: number, dRegInterval?: number, gRegInterval?: number): Optimizers {
  // With a penalty every k steps taking its own update, that network's Adam is slowed to match (StyleGAN2's mb_ratio).
  const adam = (interval?: number) => {
    const ratio = interval ? interval / (interval + 1) : 1;
    return new StepwiseAdam(learningRate * ratio, beta1 ** ratio, beta2 ** ratio, 1e-8);
  };
  return { g: adam(gRegInterval), d: adam(dRegInterval) };
}

/** Applies one update to `vars` and returns the loss (a scalar the caller disposes). */
export function minimizeOver(opt: tf.Optimizer, vars: tf.Variable[], loss: () => tf.Scalar): tf.Scalar {
  const { value, grads } = tf.variableGrads(loss, vars);
  const zeros: tf.Tensor[] = [];
  const ordered: tf.NamedTensorMap = {};
  for (const v of vars) {
    let g = grads[v.name];
    if (!g) zeros.push((g = tf.zerosLike(v)));
    ordered[v.name] = g;
  }
  opt.applyGradients(ordered);
  tf.dispose([...Object.values(grads), ...zeros]);
  return value;
}
