// Compiled without floating-point contraction (binding.gyp): a fused multiply-add would round once
// where tfjs rounds twice.
#include "adam.h"

#include <cmath>

#include "parallel.h"

namespace lep {

void adam(ParallelFor parallel, int threads, const AdamScalars& s, long long n, const float* w, const float* g, const float* m, const float* v, float* wOut, float* mOut, float* vOut) {
  forChunks(parallel, threads, n, 1 << 16, [&](long long i0, long long i1) {
    for (long long i = i0; i < i1; i++) {
      const float grad = g[i];
      const float a = m[i] * s.beta1;
      const float b = grad * s.oneMinusBeta1;
      const float mNew = a + b;
      const float sq = grad * grad;
      const float c = v[i] * s.beta2;
      const float d = sq * s.oneMinusBeta2;
      const float vNew = c + d;
      const float mHat = mNew / s.oneMinusAccBeta1;
      const float vHat = vNew / s.oneMinusAccBeta2;
      const float denom = std::sqrt(vHat) + s.epsilon;
      const float step = mHat / denom;
      const float delta = step * s.negLearningRate;
      mOut[i] = mNew;
      vOut[i] = vNew;
      wOut[i] = delta + w[i];
    }
  });
}

}  // namespace lep
