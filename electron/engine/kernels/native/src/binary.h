// Element-wise arithmetic with the broadcasts networks use (a per-channel vector against an
// NHWC tensor, a scalar), for tfjs-cpu, whose broadcasting loop converts every index to
// coordinates and back (batch norm's subtractions were a third of a DCGAN step there).
#pragma once

#include "gemm.h"

namespace lep {

enum class BinaryOp { Add = 0, Sub = 1, Mul = 2, Div = 3 };

/** out[i] = a[i mod aSize] op b[i mod bSize] for i < n; each size divides n. */
void binary(ParallelFor parallel, int threads, BinaryOp op, long long n, const float* a, long long aSize, const float* b, long long bSize, float* out);

}  // namespace lep
