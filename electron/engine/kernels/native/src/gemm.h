// The interface between the packers (what a matrix product reads: a plain matrix, or the
// windows of an image that a convolution multiplies), the ISA-specific drivers (blocked GEMM
// with a register-tiled micro-kernel, compiled once per instruction set) and the thread pool.
//
// Every product is C[i, j] (+)= sum_k A[i, k] * B[k, j]. A is packed in panels of MR rows
// (k-major: panel[k * MR + r]), B in panels of NR columns (panel[k * NR + c]); C is written a
// row at a time through a row-address function, with j contiguous. Each C element is summed in
// the same k order (KC blocks in turn, k ascending within a block) whichever thread computes
// it, so results do not depend on the number of threads.
#pragma once

#include <cstddef>
#include <cstdint>

namespace lep {

/** Fills a panel of MR rows [i0, i0 + rows) by columns [k0, k0 + kc); rows past `rows` are zero. */
struct APacker {
  virtual ~APacker() = default;
  virtual void pack(int i0, int rows, int k0, int kc, int MR, float* dst) const = 0;
};

/** Fills a panel of NR columns [j0, j0 + cols) by rows [k0, k0 + kc); columns past `cols` are zero. */
struct BPacker {
  virtual ~BPacker() = default;
  virtual void pack(int k0, int kc, int j0, int cols, int NR, float* dst) const = 0;
};

/** Where row i of C starts (its j = 0 element); j runs contiguously from there. */
struct CRows {
  virtual ~CRows() = default;
  virtual float* row(int i) const = 0;
};

/**
 * What becomes of each element of C once its sum is complete, column j: c = act(c · scale[j] +
 * shift[j]). Applied to a block of rows while it is still in cache, so an eval-mode batch norm
 * and its activation after a convolution cost no pass of their own over the image.
 */
struct Epilogue {
  /** Null: 1 (and shift null: 0). */
  const float* scale;
  const float* shift;
  enum Act { kLinear = 0, kRelu = 1, kTanh = 2 } act;
};

/** Runs fn(ctx, task) for task in [0, tasks), on the pool's threads and the caller's. */
using ParallelFor = void (*)(int tasks, void (*fn)(void* ctx, int task), void* ctx);

struct Gemm {
  int M, N, K;
  const APacker* a;
  const BPacker* b;
  const CRows* c;
  /** True adds to what C holds; false overwrites it. */
  bool accumulate;
  /** Null: C is the product alone. */
  const Epilogue* post = nullptr;
};

/** The sizes of one upfirdn2d (fir.h): input N×H×W×C, output OH×OW, up/down, padding before, filter fh×fw. */
struct FirShape {
  int N, H, W, C, OH, OW, up, down, px0, py0, fh, fw;
};

/** One instruction set's kernels: the matrix product (register tile, cache blocking) and the FIR's rows. */
struct Isa {
  const char* name;
  int MR, NR, KC, MC, NC;
  void (*gemm)(const Gemm& g, ParallelFor parallel, int threads);
  /** upfirdn2d's output rows [first, last), a row being one image's output line. */
  void (*firRows)(const FirShape& s, const float* x, const float* taps, float* y, long long first, long long last);
};

const Isa* isa_avx512();
const Isa* isa_avx2();
const Isa* isa_generic();

// ---- Plain matrices -------------------------------------------------------------------------

/** A[i, k] at p[i * rs + k * cs]. */
struct StridedA final : APacker {
  const float* p;
  std::ptrdiff_t rs, cs;
  StridedA(const float* p, std::ptrdiff_t rs, std::ptrdiff_t cs) : p(p), rs(rs), cs(cs) {}
  void pack(int i0, int rows, int k0, int kc, int MR, float* dst) const override;
};

/** B[k, j] at p[rowOffset(k) + j * cs]; rowOffset(k) = k * rs unless a table is given. */
struct StridedB final : BPacker {
  const float* p;
  std::ptrdiff_t rs, cs;
  /** Optional per-row offsets (length K), for B assembled from a filter's taps. */
  const std::ptrdiff_t* rowOffsets = nullptr;
  StridedB(const float* p, std::ptrdiff_t rs, std::ptrdiff_t cs) : p(p), rs(rs), cs(cs) {}
  void pack(int k0, int kc, int j0, int cols, int NR, float* dst) const override;
};

struct DenseRows final : CRows {
  float* p;
  std::ptrdiff_t ld;
  DenseRows(float* p, std::ptrdiff_t ld) : p(p), ld(ld) {}
  float* row(int i) const override { return p + static_cast<std::ptrdiff_t>(i) * ld; }
};

// ---- Image windows (im2col without the copy) ------------------------------------------------

/**
 * The virtual matrix P[m, k] of a convolution's windows: row m is a grid position (n, gh, gw),
 * column k is (tap t, channel c) with k = t * C + c, and
 *   P[m, k] = src[n, h0 + gh * sh + dh[t], w0 + gw * sw + dw[t], c]   (0 outside the image).
 * A forward convolution multiplies P by the filter; its filter gradient multiplies P's transpose.
 */
struct Windows {
  const float* src;
  int N, H, W, C;
  int gridH, gridW;
  int h0, sh, w0, sw;
  int taps;
  const int* dh;
  const int* dw;
  int rows() const { return N * gridH * gridW; }
  int cols() const { return taps * C; }
};

/** P as A (rows are output positions): a forward convolution, or an input gradient's phase. */
struct WindowRowsA final : APacker {
  const Windows& w;
  explicit WindowRowsA(const Windows& w) : w(w) {}
  void pack(int i0, int rows, int k0, int kc, int MR, float* dst) const override;
};

/** Pᵀ as A (rows are (tap, channel)): the filter gradient Pᵀ · dy. */
struct WindowColsA final : APacker {
  const Windows& w;
  explicit WindowColsA(const Windows& w) : w(w) {}
  void pack(int i0, int rows, int k0, int kc, int MR, float* dst) const override;
};

}  // namespace lep
