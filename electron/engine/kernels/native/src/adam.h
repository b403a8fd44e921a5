// Adam's update of one variable in one pass, computed exactly as TensorFlow.js's AdamOptimizer
// computes it op by op (each product, sum, quotient and square root rounded to float32 in the
// same order, no fused multiply-adds), so a run's weights are the same bits with or without it.
#pragma once

#include "gemm.h"

namespace lep {

struct AdamScalars {
  // Each already rounded to float32 as tfjs's scalar tensors are.
  float beta1, oneMinusBeta1, beta2, oneMinusBeta2, oneMinusAccBeta1, oneMinusAccBeta2, epsilon, negLearningRate;
};

/** m ← β1·m + (1−β1)·g;  v ← β2·v + (1−β2)·g²;  w ← (m/(1−β1ᵗ)) / (√(v/(1−β2ᵗ)) + ε) · (−lr) + w. */
void adam(ParallelFor parallel, int threads, const AdamScalars& s, long long n, const float* w, const float* g, const float* m, const float* v, float* wOut, float* mOut, float* vOut);

}  // namespace lep
