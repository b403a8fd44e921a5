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

}  // namespace

void WindowRowsA::pack(int i0, int rows, int k0, int kc, int MR, float* dst) const {
  const int C = w.C;
  for (int r = 0; r < rows; r++) {
    const Origin o = origin(w, i0 + r);
    int k = k0;
    const int end = k0 + kc;
    while (k < end) {
      const int t = k / C;
      const int c = k - t * C;
      const int len = (C - c < end - k) ? C - c : end - k;
      const float* s = pixel(w, o, t);
      float* d = dst + (k - k0) * MR + r;
      if (s)
        for (int q = 0; q < len; q++) d[q * MR] = s[c + q];
      else
        for (int q = 0; q < len; q++) d[q * MR] = 0.f;
      k += len;
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
  int chan[64];
  for (int r = 0; r < rows; r++) {
    tap[r] = (i0 + r) / C;
    chan[r] = (i0 + r) - tap[r] * C;
  }
  for (int k = 0; k < kc; k++) {
    const Origin o = origin(w, k0 + k);
    float* d = dst + k * MR;
    // Rows come in runs of one tap (a panel of 12 rows over 3 channels is 4 taps): one lookup each.
    for (int r = 0; r < rows;) {
      const int t = tap[r];
      const float* s = pixel(w, o, t);
      int e = r;
      while (e < rows && tap[e] == t) e++;
      if (s)
        for (int q = r; q < e; q++) d[q] = s[chan[q]];
      else
        for (int q = r; q < e; q++) d[q] = 0.f;
      r = e;
    }
    for (int r = rows; r < MR; r++) d[r] = 0.f;
  }
}

}  // namespace lep
