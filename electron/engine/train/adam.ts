// Adam as tfjs computes it, one variable at a time. tfjs's own AdamOptimizer runs the update of
// every variable inside a single tidy, so the dozen temporaries it makes per variable (moments,
// bias corrections, the step) all live until the last variable is done: with StyleGAN2's tens of
// millions of weights that is gigabytes at the peak, past what the wasm heap can hold from 64 px.
// Here each variable's temporaries are freed before the next one; the moments, their names and
// order (what checkpoints store through getWeights) are tfjs's. Where the backend has
// Leporello's Adam kernel (wasm and cpu with the native module), each variable is one pass
// instead of a dozen, computing the same float32 operations in the same order: the same bits.
import * as tf from '../tf';
import { ADAM, type AdamAttrs } from '../kernels/native-kernels';

interface Moment {
  originalName: string;
  variable: tf.Variable;
}

/** tfjs's AdamOptimizer state, which it keeps private. */
interface AdamState {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
  epsilon: number;
}

export class StepwiseAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const state = this as unknown as AdamState;
    const named = Array.isArray(variableGradients) ? variableGradients : Object.entries(variableGradients).map(([name, tensor]) => ({ name, tensor }));
    const oneMinusAccBeta1 = tf.sub(1, state.accBeta1);
    const oneMinusAccBeta2 = tf.sub(1, state.accBeta2);
    const fused = tf.getKernel(ADAM, tf.getBackend()) ? this.fusedAttrs(oneMinusAccBeta1, oneMinusAccBeta2) : null;
    named.forEach(({ name, tensor: gradient }, i) => {
      const value = tf.engine().registeredVariables[name]!;
      state.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      state.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      if (gradient == null) return;
      if (fused) {
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        const [w1, m1, v1] = tf.engine().runKernel(ADAM, { w: value, g: gradient, m, v }, fused as unknown as tf.NamedAttrMap) as tf.Tensor[];
        m.assign(m1!);
        v.assign(v1!);
        value.assign(w1!);
        tf.dispose([w1!, m1!, v1!]);
        return;
      }
      tf.tidy(() => {
        const m = state.accumulatedFirstMoment[i]!.variable;
        const v = state.accumulatedSecondMoment[i]!.variable;
        const newM = tf.add(tf.mul(m, this.beta1), tf.mul(gradient, 1 - this.beta1));
        const newV = tf.add(tf.mul(v, this.beta2), tf.mul(tf.square(gradient), 1 - this.beta2));
        m.assign(newM);
        v.assign(newV);
        const step = tf.div(tf.div(newM, oneMinusAccBeta1), tf.add(tf.sqrt(tf.div(newV, oneMinusAccBeta2)), state.epsilon));
        value.assign(tf.add(tf.mul(step, -this.learningRate), value));
      });
    });
    tf.dispose([oneMinusAccBeta1, oneMinusAccBeta2]);
    tf.tidy(() => {
      state.accBeta1.assign(tf.mul(state.accBeta1, this.beta1));
      state.accBeta2.assign(tf.mul(state.accBeta2, this.beta2));
    });
    this.incrementIterations();
  }

  /** The scalars tfjs multiplies by, as the float32 values its scalar tensors hold. */
  private fusedAttrs(oneMinusAccBeta1: tf.Tensor, oneMinusAccBeta2: tf.Tensor): AdamAttrs {
    const f = Math.fround;
    const state = this as unknown as AdamState;
    // Two scalars read back: on cpu and wasm, the only backends with the kernel, that is a copy of 8 bytes.
    return {
      beta1: f(this.beta1),
      oneMinusBeta1: f(1 - this.beta1),
      beta2: f(this.beta2),
      oneMinusBeta2: f(1 - this.beta2),
      oneMinusAccBeta1: oneMinusAccBeta1.dataSync()[0]!,
      oneMinusAccBeta2: oneMinusAccBeta2.dataSync()[0]!,
      epsilon: f(state.epsilon),
      negLearningRate: f(-this.learningRate),
    };
  }
}
