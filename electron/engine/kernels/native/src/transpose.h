// Permuting a tensor's axes (StyleGAN2's OIHW weights to HWIO on every step, PyTorch's NCHW
// flatten): axes that stay together are merged first, then the copy goes in tiles, so that both
// the reads and the writes run along contiguous memory.
#pragma once

#include "gemm.h"

namespace lep {

/** out = x.permute(perm); shape and perm of `rank` axes (rank ≤ 8). */
void transpose(ParallelFor parallel, int threads, const float* x, float* out, const long long* shape, const int* perm, int rank);

}  // namespace lep
