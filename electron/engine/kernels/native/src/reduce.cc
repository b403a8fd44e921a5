#include "reduce.h"

#include <algorithm>
#include <vector>

namespace lep {

namespace {

struct Columns {
  const float* x;
  float* out;
  long long R, C, chunk;
};

/** Columns [c0, c1) over every row: rows are streamed in order, the sums stay in a small array. */
void sumColumns(void* ctx, int task) {
  const Columns& s = *static_cast<const Columns*>(ctx);
  const long long c0 = task * s.chunk;
  const long long c1 = std::min(s.C, c0 + s.chunk);
  const long long width = c1 - c0;
  if (width <= 0) return;
  std::vector<float> acc(static_cast<std::size_t>(width), 0.f);
  float* a = acc.data();
  for (long long r = 0; r < s.R; r++) {
    const float* row = s.x + r * s.C + c0;
    for (long long c = 0; c < width; c++) a[c] += row[c];
  }
  std::copy(acc.begin(), acc.end(), s.out + c0);
}

}  // namespace

void sumLeading(ParallelFor parallel, int threads, const float* x, float* out, long long R, long long C) {
  if (C <= 0) return;
  // Chunks of whole cache lines, at least 64 columns each; one when the tensor is small.
  const long long tasks = (R * C < (1 << 18) || threads <= 1) ? 1 : std::max(1LL, std::min<long long>(threads, C / 64));
  long long chunk = (C + tasks - 1) / tasks;
  chunk = (chunk + 15) / 16 * 16;
  Columns s{x, out, R, C, chunk};
  const int n = static_cast<int>((C + chunk - 1) / chunk);
  if (n <= 1)
    sumColumns(&s, 0);
  else
    parallel(n, sumColumns, &s);
}

}  // namespace lep
