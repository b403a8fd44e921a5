// Reductions over a tensor's leading axes (batch and image positions, keeping the channels):
// what batch normalisation and every bias gradient need, and what tfjs-wasm can only do after
// transposing the whole tensor.
#pragma once

#include "gemm.h"

namespace lep {

/** out[c] = Σ_r x[r · C + c], r ascending (the same sums for any number of threads). */
void sumLeading(ParallelFor parallel, int threads, const float* x, float* out, long long R, long long C);

}  // namespace lep
