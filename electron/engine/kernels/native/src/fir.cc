// upfirdn2d split among the threads by output rows; the rows themselves are per instruction set
// (fir-rows.inc, compiled into each isa-*.cc).
#include "fir.h"

#include "parallel.h"

namespace lep {

void upfirdn2d(const Isa& isa, ParallelFor parallel, int threads, const FirShape& s, const float* x, const float* taps, float* y) {
  if (s.OW <= 0 || s.C <= 0) return;
  const long long perRow = static_cast<long long>(s.OW) * s.C * s.fh * s.fw;
  forChunks(parallel, threads, static_cast<long long>(s.N) * s.OH, 262144 / std::max(perRow, 1LL) + 1, [&](long long first, long long last) { isa.firRows(s, x, taps, y, first, last); });
}

}  // namespace lep
