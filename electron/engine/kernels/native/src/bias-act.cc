#include "bias-act.h"

#include <algorithm>

#include "parallel.h"

namespace lep {

void biasAct(ParallelFor parallel, int threads, const BiasAct& s, const float* x, const float* b, float* y) {
  const int C = s.C;
  const float lo = s.clamp >= 0 ? -s.clamp : -3.4e38f;
  const float hi = s.clamp >= 0 ? s.clamp : 3.4e38f;
  // Chunks of whole rows, so that the bias lines up with each row's channels.
  forChunks(parallel, threads, s.rows, (1 << 17) / std::max(C, 1), [&](long long r0, long long r1) {
    for (long long r = r0; r < r1; r++) {
      const float* in = x + r * C;
      float* out = y + r * C;
      for (int c = 0; c < C; c++) {
        float v = in[c] + (b ? b[c] : 0.f);
        if (s.lrelu) v = v > 0.f ? v : v * s.alpha;
        v *= s.gain;
        out[c] = std::min(hi, std::max(lo, v));
      }
    }
  });
}

void biasActGrad(ParallelFor parallel, int threads, const BiasAct& s, const float* dy, const float* y, float* dx) {
  const bool clamped = s.clamp >= 0;
  forChunks(parallel, threads, s.rows * s.C, 1 << 17, [&](long long i0, long long i1) {
    for (long long i = i0; i < i1; i++) {
      const float v = y[i];
      float g = s.gain;
      if (s.lrelu && !(v > 0.f)) g *= s.alpha;
      if (clamped && !(v < s.clamp && v > -s.clamp)) g = 0.f;
      dx[i] = dy[i] * g;
    }
  });
}

}  // namespace lep
