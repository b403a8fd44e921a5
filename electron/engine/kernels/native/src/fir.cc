#include "fir.h"

#include <cstring>

#include "parallel.h"

namespace lep {

namespace {

/** Output rows [first, last) (a row being one image's oy). */
void rows(const FirShape& s, const float* x, const float* taps, float* y, long long first, long long last) {
  const int C = s.C;
  for (long long row = first; row < last; row++) {
    const int n = static_cast<int>(row / s.OH);
    const int oy = static_cast<int>(row - static_cast<long long>(n) * s.OH);
    float* out = y + row * s.OW * C;
    std::memset(out, 0, sizeof(float) * static_cast<std::size_t>(s.OW) * C);
    for (int ky = 0; ky < s.fh; ky++) {
      // Row of the upsampled, padded image under this tap; only every up-th one is not zero.
      const int py = oy * s.down + ky - s.py0;
      if (py < 0 || py % s.up != 0) continue;
      const int iy = py / s.up;
      if (iy >= s.H) continue;
      const float* src = x + (static_cast<std::ptrdiff_t>(n) * s.H + iy) * s.W * C;
      const float* tapRow = taps + ky * s.fw;
      for (int ox = 0; ox < s.OW; ox++) {
        float* o = out + static_cast<std::ptrdiff_t>(ox) * C;
        for (int kx = 0; kx < s.fw; kx++) {
          const int px = ox * s.down + kx - s.px0;
          if (px < 0 || px % s.up != 0) continue;
          const int ix = px / s.up;
          if (ix >= s.W) continue;
          const float w = tapRow[kx];
          const float* in = src + static_cast<std::ptrdiff_t>(ix) * C;
          for (int c = 0; c < C; c++) o[c] += w * in[c];
        }
      }
    }
  }
}

}  // namespace

void upfirdn2d(ParallelFor parallel, int threads, const FirShape& s, const float* x, const float* taps, float* y) {
  if (s.OW <= 0 || s.C <= 0) return;
  const long long perRow = static_cast<long long>(s.OW) * s.C * s.fh * s.fw;
  forChunks(parallel, threads, static_cast<long long>(s.N) * s.OH, 262144 / std::max(perRow, 1LL) + 1, [&](long long first, long long last) { rows(s, x, taps, y, first, last); });
}

}  // namespace lep
