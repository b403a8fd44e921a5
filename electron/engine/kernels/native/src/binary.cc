// Compiled without contraction, as adam.cc: each operation rounds on its own, as tfjs's do.
#include "binary.h"

#include "parallel.h"

namespace lep {

namespace {

template <BinaryOp OP>
inline float apply(float x, float y) {
  if constexpr (OP == BinaryOp::Add) return x + y;
  if constexpr (OP == BinaryOp::Sub) return x - y;
  if constexpr (OP == BinaryOp::Mul) return x * y;
  return x / y;
}

/** Elements [i0, i1), in runs where neither operand wraps, so the inner loops are plain vector loops. */
template <BinaryOp OP>
void range(long long i0, long long i1, const float* a, long long aSize, const float* b, long long bSize, float* out) {
  long long i = i0;
  while (i < i1) {
    const long long ia = i % aSize, ib = i % bSize;
    const long long run = std::min({i1 - i, aSize - ia, bSize - ib});
    const float* pa = a + ia;
    const float* pb = b + ib;
    float* po = out + i;
    if (aSize == 1) {
      const float x = pa[0];
      for (long long k = 0; k < run; k++) po[k] = apply<OP>(x, pb[k]);
    } else if (bSize == 1) {
      const float y = pb[0];
      for (long long k = 0; k < run; k++) po[k] = apply<OP>(pa[k], y);
    } else {
      for (long long k = 0; k < run; k++) po[k] = apply<OP>(pa[k], pb[k]);
    }
    i += run;
  }
}

}  // namespace

void binary(ParallelFor parallel, int threads, BinaryOp op, long long n, const float* a, long long aSize, const float* b, long long bSize, float* out) {
  forChunks(parallel, threads, n, 1 << 16, [&](long long i0, long long i1) {
    switch (op) {
      case BinaryOp::Add: return range<BinaryOp::Add>(i0, i1, a, aSize, b, bSize, out);
      case BinaryOp::Sub: return range<BinaryOp::Sub>(i0, i1, a, aSize, b, bSize, out);
      case BinaryOp::Mul: return range<BinaryOp::Mul>(i0, i1, a, aSize, b, bSize, out);
      case BinaryOp::Div: return range<BinaryOp::Div>(i0, i1, a, aSize, b, bSize, out);
    }
  });
}

}  // namespace lep
