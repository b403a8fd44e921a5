// NVIDIA's bias_act in one pass, and its derivative: add a per-channel bias, activate (linear or
// leaky ReLU), scale by the gain, clamp. Every StyleGAN2 layer ends with it; written as tfjs ops
// it is nine passes over the activations, each as large as the layer.
#pragma once

#include "gemm.h"

namespace lep {

struct BiasAct {
  long long rows;
  int C;
  bool lrelu;
  float alpha, gain;
  /** Negative: no clamp. */
  float clamp;
};

/** y = clamp(act(x + b) · gain); b may be null. */
void biasAct(ParallelFor parallel, int threads, const BiasAct& s, const float* x, const float* b, float* y);

/** dx = dy · act'(·) · gain where y was not clamped, from the output y (act' is 1, or α where y ≤ 0). */
void biasActGrad(ParallelFor parallel, int threads, const BiasAct& s, const float* dy, const float* y, float* dx);

}  // namespace lep
