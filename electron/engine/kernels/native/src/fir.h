// StyleGAN2's resampling filter (NVIDIA's upfirdn2d) on NHWC images in one pass: upsample by
// zero insertion, pad or crop, correlate every channel with a small 2-D filter, keep every
// down-th pixel — without materialising the zero-inserted or padded image.
#pragma once

#include "gemm.h"

namespace lep {

/** y[n, oy, ox, c] = Σ_{ky,kx} taps[ky·fw + kx] · P[oy·down + ky, ox·down + kx] for the upsampled, padded P. */
void upfirdn2d(const Isa& isa, ParallelFor parallel, int threads, const FirShape& s, const float* x, const float* taps, float* y);

}  // namespace lep
