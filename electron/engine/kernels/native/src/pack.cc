// Packing: copying the parts of A and B that one block of the product needs into the panel
// layout the micro-kernel streams through. Memory-bound, so compiled once for the baseline
// instruction set. The window packers are im2col done panel by panel, never materialised whole.
#include <cstring>

#include "gemm.h"

namespace lep {

void StridedA::pack(int i0, int rows, int k0, int kc, int MR, float* dst) const {
  if (rs == 1) {
    // Transposed A: each k is a contiguous run of rows.
    for (int k = 0; k < kc; k++) {
      const float* s = p + static_cast<std::ptrdiff_t>(k0 + k) * cs + i0;
      float* d = dst + k * MR;
      std::memcpy(d, s, sizeof(float) * rows);
      for (int r = rows; r < MR; r++) d[r] = 0.f;
    }
    return;
  }
  for (int r = 0; r < rows; r++) {
    const float* s = p + static_cast<std::ptrdiff_t>(i0 + r) * rs + static_cast<std::ptrdiff_t>(k0) * cs;
    float* d = dst + r;
    if (cs == 1)
      for (int k = 0; k < kc; k++) d[k * MR] = s[k];
    else
      for (int k = 0; k < kc; k++) d[k * MR] = s[k * cs];
  }
  for (int r = rows; r < MR; r++)
    for (int k = 0; k < kc; k++) dst[k * MR + r] = 0.f;
}

void StridedB::pack(int k0, int kc, int j0, int cols, int NR, float* dst) const {
  for (int k = 0; k < kc; k++) {
    const std::ptrdiff_t off = rowOffsets ? rowOffsets[k0 + k] : static_cast<std::ptrdiff_t>(k0 + k) * rs;
    const float* s = p + off + static_cast<std::ptrdiff_t>(j0) * cs;
    float* d = dst + k * NR;
    if (cs == 1)
      std::memcpy(d, s, sizeof(float) * cols);
    else
      for (int c = 0; c < cols; c++) d[c] = s[c * cs];
    for (int c = cols; c < NR; c++) d[c] = 0.f;
  }
}

namespace {

/** A grid position's place in the source image. */
struct Origin {
  int n, h, w;
};

inline Origin origin(const Windows& w, int m) {
  const int gw = m % w.gridW;
  const int t = m / w.gridW;
  const int gh = t % w.gridH;
  const int n = t / w.gridH;
  return {n, w.h0 + gh * w.sh, w.w0 + gw * w.sw};
}

/** The source pixel's channel 0 for grid origin o and tap t, or null where it lies outside. */
inline const float* pixel(const Windows& w, const Origin& o, int t) {
  const int h = o.h + w.dh[t];
  const int x = o.w + w.dw[t];
  if (h < 0 || h >= w.H || x < 0 || x >= w.W) return nullptr;
  return w.src + ((static_cast<std::ptrdiff_t>(o.n) * w.H + h) * w.W + x) * w.C;
}

/**
 * The last tap (exclusive) of the run that starts at tap t: the taps after it in the same kernel
 * row, each one pixel to the right, whose channels follow t's in memory. A forward convolution's
 * 4×4 window is four such runs of four; over 3 colour channels a run is 12 floats in a row.
 */
inline int runEnd(const Windows& w, int t) {
  int e = t + 1;
  while (e < w.taps && w.dh[e] == w.dh[t] && w.dw[e] == w.dw[e - 1] + 1) e++;
  return e;
}

/** Of `count` elements from `first` on, those [qa, qb) that lie in [0, length): the rest are padding. */
inline void inside(long long first, int count, long long length, int& qa, int& qb) {
  const long long a = first < 0 ? -first : 0;
  const long long b = length - first;
  qa = static_cast<int>(a < count ? a : count);
  qb = static_cast<int>(b < qa ? qa : (b < count ? b : count));
}

}  // namespace

void WindowRowsA::pack(int i0, int rows, int k0, int kc, int MR, float* dst) const {
  const int C = w.C;
  const int end = k0 + kc;
  for (int r = 0; r < rows; r++) {
    const Origin o = origin(w, i0 + r);
    int k = k0;
    while (k < end) {
      const int t = k / C;
      // The taps of one run are one contiguous stretch of the source row: one lookup for all of
      // them (per tap, a lookup for every C floats starved the few-channel first layer).
      const int te = runEnd(w, t);
      const int stop = te * C < end ? te * C : end;
      const int h = o.h + w.dh[t];
      float* d = dst + (k - k0) * MR + r;
      if (h < 0 || h >= w.H) {
        for (int q = 0; q < stop - k; q++) d[q * MR] = 0.f;
      } else {
        // Element k of the run is source column x0 + (k / C − t), channel k mod C.
        const int x0 = o.w + w.dw[t];
        const float* row = w.src + (static_cast<std::ptrdiff_t>(o.n) * w.H + h) * w.W * C;
        const long long first = static_cast<long long>(x0) * C + (k - t * C);
        int qa, qb;
        inside(first, stop - k, static_cast<long long>(w.W) * C, qa, qb);
        for (int q = 0; q < qa; q++) d[q * MR] = 0.f;
        const float* src = row + first;
        for (int q = qa; q < qb; q++) d[q * MR] = src[q];
        for (int q = qb; q < stop - k; q++) d[q * MR] = 0.f;
      }
      k = stop;
    }
  }
  for (int r = rows; r < MR; r++)
    for (int k = 0; k < kc; k++) dst[k * MR + r] = 0.f;
}

void WindowColsA::pack(int i0, int rows, int k0, int kc, int MR, float* dst) const {
  const int C = w.C;
  const int t0 = i0 / C;
  const int c0 = i0 - t0 * C;
  if (c0 + rows <= C) {
    // One tap, consecutive channels: each grid position is one contiguous run.
    for (int k = 0; k < kc; k++) {
      const float* s = pixel(w, origin(w, k0 + k), t0);
      float* d = dst + k * MR;
      if (s)
        std::memcpy(d, s + c0, sizeof(float) * rows);
      else
        for (int r = 0; r < rows; r++) d[r] = 0.f;
      for (int r = rows; r < MR; r++) d[r] = 0.f;
    }
    return;
  }
  int tap[64];
  int ends[64];
  for (int r = 0; r < rows; r++) {
    tap[r] = (i0 + r) / C;
    ends[r] = runEnd(w, tap[r]);
  }
  const long long rowLength = static_cast<long long>(w.W) * C;
  for (int k = 0; k < kc; k++) {
    const Origin o = origin(w, k0 + k);
    float* d = dst + k * MR;
    // Rows come in runs of taps one pixel apart in a kernel row (a panel of 12 rows over 3
    // channels is 4 taps of one row): one contiguous stretch of the source each.
    for (int r = 0; r < rows;) {
      const int t = tap[r];
      int e = r;
      while (e < rows && tap[e] < ends[r]) e++;
      const int h = o.h + w.dh[t];
      if (h < 0 || h >= w.H) {
        for (int q = r; q < e; q++) d[q] = 0.f;
      } else {
        const float* row = w.src + (static_cast<std::ptrdiff_t>(o.n) * w.H + h) * w.W * C;
        const long long first = static_cast<long long>(o.w + w.dw[t]) * C + (i0 + r - t * C);
        int qa, qb;
        inside(first, e - r, rowLength, qa, qb);
        for (int q = 0; q < qa; q++) d[r + q] = 0.f;
        if (qb > qa) std::memcpy(d + r + qa, row + first + qa, sizeof(float) * static_cast<std::size_t>(qb - qa));
        for (int q = qb; q < e - r; q++) d[r + q] = 0.f;
      }
      r = e;
    }
    for (int r = rows; r < MR; r++) d[r] = 0.f;
  }
}

}  // namespace lep
