// Convolutions and batched matrix products as blocked matrix products (gemm.h), NHWC images and
// HWIO filters as TensorFlow.js lays them out.
#pragma once

#include "gemm.h"

namespace lep {

/** One convolution's sizes, as tfjs's computeConv2DInfo gives them (no dilation). */
struct ConvShape {
  int N, IH, IW, CI, OH, OW, CO, KH, KW, SH, SW, top, left;
};

struct Runner {
  const Isa* isa;
  ParallelFor parallel;
  int threads;
  void gemm(const Gemm& g) const { isa->gemm(g, parallel, threads); }
};

/** y[N, OH, OW, CO] = x[N, IH, IW, CI] ⋆ w[KH, KW, CI, CO]. */
void conv2d(const Runner& run, const ConvShape& s, const float* x, const float* w, float* y);

/**
 * dx[N, IH, IW, CI] from dy[N, OH, OW, CO] and w: also every transposed convolution's forward
 * pass, then (post, per channel ci) an affine map and activation: a generator's eval-mode batch
 * norm and ReLU, or its output's tanh.
 */
void conv2dBackpropInput(const Runner& run, const ConvShape& s, const float* dy, const float* w, float* dx, const Epilogue* post = nullptr);

/** dw[KH, KW, CI, CO] from x and dy. */
void conv2dBackpropFilter(const Runner& run, const ConvShape& s, const float* x, const float* dy, float* dw);

/**
 * c[b] = op(a[b]) · op(b[b]) for b < batch, op transposing where asked; a or b with one matrix
 * (aBatch or bBatch false) is broadcast. Shapes as tfjs's BatchMatMul: a [M, K] (or [K, M]),
 * b [K, N] (or [N, K]), c [M, N].
 */
void matmul(const Runner& run, int batch, int M, int N, int K, bool transA, bool transB, bool aBatch, bool bBatch, const float* a, const float* b, float* c);

}  // namespace lep
