// Splitting element-wise work among the pool's threads in fixed chunks: each element is computed
// by one thread in one way, so the result does not depend on how many there are.
#pragma once

#include <algorithm>

#include "gemm.h"

namespace lep {

/**
 * Runs body(begin, end) over [0, n) in about threads × 2 equal chunks, on the pool; in one chunk
 * on the calling thread when n is below `serialBelow` (waking the pool would cost more).
 */
template <class Body>
void forChunks(ParallelFor parallel, int threads, long long n, long long serialBelow, Body&& body) {
  if (n <= 0) return;
  const long long tasks = (threads <= 1 || n < serialBelow) ? 1 : threads * 2LL;
  struct Ctx {
    Body* body;
    long long n, chunk;
  } ctx{&body, n, (n + tasks - 1) / tasks};
  const int count = static_cast<int>((n + ctx.chunk - 1) / ctx.chunk);
  auto run = [](void* p, int task) {
    const Ctx& c = *static_cast<const Ctx*>(p);
    const long long begin = task * c.chunk;
    (*c.body)(begin, std::min(c.n, begin + c.chunk));
  };
  if (count <= 1)
    run(&ctx, 0);
  else
    parallel(count, run, &ctx);
}

}  // namespace lep
