// Each convolution as one (or, for the input gradient, one per output phase) matrix product whose
// A operand is read straight from the image's windows (gemm.h's Windows), so no im2col matrix
// is ever written out.
#include "conv.h"

#include <cstring>
#include <vector>

namespace lep {

namespace {

/** Smallest q with q * b >= a, for any sign of a (b > 0). */
int divCeil(int a, int b) { return a >= 0 ? (a + b - 1) / b : -((-a) / b); }

/** The windows a forward convolution reads: tap (kh, kw) of output (oh, ow) is input (oh·sh + kh − top, ow·sw + kw − left). */
struct ForwardWindows {
  std::vector<int> dh, dw;
  Windows w;
  ForwardWindows(const ConvShape& s, const float* x) {
    for (int kh = 0; kh < s.KH; kh++)
      for (int kw = 0; kw < s.KW; kw++) {
        dh.push_back(kh);
        dw.push_back(kw);
      }
    w = Windows{x, s.N, s.IH, s.IW, s.CI, s.OH, s.OW, -s.top, s.SH, -s.left, s.SW, s.KH * s.KW, dh.data(), dw.data()};
  }
};

/** Rows of one phase of dx: grid position (n, gh, gw) is input pixel ((qh0 + gh)·SH + ph − top, …). */
struct PhaseRows final : CRows {
  float* dx;
  const ConvShape& s;
  int gridH, gridW, qh0, qw0, ph, pw;
  PhaseRows(float* dx, const ConvShape& s, int gridH, int gridW, int qh0, int qw0, int ph, int pw)
      : dx(dx), s(s), gridH(gridH), gridW(gridW), qh0(qh0), qw0(qw0), ph(ph), pw(pw) {}
  float* row(int m) const override {
    const int gw = m % gridW;
    const int t = m / gridW;
    const int gh = t % gridH;
    const int n = t / gridH;
    const int ih = (qh0 + gh) * s.SH + ph - s.top;
    const int iw = (qw0 + gw) * s.SW + pw - s.left;
    return dx + ((static_cast<std::ptrdiff_t>(n) * s.IH + ih) * s.IW + iw) * s.CI;
  }
};

}  // namespace

void conv2d(const Runner& run, const ConvShape& s, const float* x, const float* w, float* y) {
  ForwardWindows fw(s, x);
  WindowRowsA a(fw.w);
  StridedB b(w, s.CO, 1);
  DenseRows c(y, s.CO);
  run.gemm(Gemm{fw.w.rows(), s.CO, fw.w.cols(), &a, &b, &c, false});
}

void conv2dBackpropFilter(const Runner& run, const ConvShape& s, const float* x, const float* dy, float* dw) {
  ForwardWindows fw(s, x);
  WindowColsA a(fw.w);
  StridedB b(dy, s.CO, 1);
  DenseRows c(dw, s.CO);
  run.gemm(Gemm{fw.w.cols(), s.CO, fw.w.rows(), &a, &b, &c, false});
}

// dx[ih] = Σ dy[oh] · w[kh] over ih = oh·SH + kh − top. Input pixels of one phase
// ph = (ih + top) mod SH see only the taps kh = ph + t·SH, at oh = q − t where
// ih = q·SH + ph − top: per phase, a stride-1 convolution of dy with a sub-filter, written to
// every SH-th row of dx. Each dx pixel belongs to exactly one phase, so nothing is added twice.
void conv2dBackpropInput(const Runner& run, const ConvShape& s, const float* dy, const float* w, float* dx, const Epilogue* post) {
  for (int ph = 0; ph < s.SH; ph++) {
    for (int pw = 0; pw < s.SW; pw++) {
      const int qh0 = divCeil(s.top - ph, s.SH);
      const int qh1 = divCeil(s.IH + s.top - ph, s.SH);
      const int qw0 = divCeil(s.left - pw, s.SW);
      const int qw1 = divCeil(s.IW + s.left - pw, s.SW);
      const int gridH = qh1 - qh0;
      const int gridW = qw1 - qw0;
      if (gridH <= 0 || gridW <= 0) continue;
      std::vector<int> dh, dwv, kh, kw;
      for (int th = 0; ph + th * s.SH < s.KH; th++)
        for (int tw = 0; pw + tw * s.SW < s.KW; tw++) {
          dh.push_back(-th);
          dwv.push_back(-tw);
          kh.push_back(ph + th * s.SH);
          kw.push_back(pw + tw * s.SW);
        }
      const int taps = static_cast<int>(dh.size());
      PhaseRows c(dx, s, gridH, gridW, qh0, qw0, ph, pw);
      const int M = s.N * gridH * gridW;
      if (taps == 0) {
        // A stride larger than the filter: these pixels feed no output.
        Gemm none{M, s.CI, 0, nullptr, nullptr, &c, false, post};
        run.gemm(none);
        continue;
      }
      Windows win{dy, s.N, s.OH, s.OW, s.CO, gridH, gridW, qh0, 1, qw0, 1, taps, dh.data(), dwv.data()};
      WindowRowsA a(win);
      // B[(t, co), ci] = w[kh_t, kw_t, ci, co]: each row a strided walk over ci.
      std::vector<std::ptrdiff_t> rowOffsets(static_cast<std::size_t>(taps) * s.CO);
      for (int t = 0; t < taps; t++)
        for (int co = 0; co < s.CO; co++)
          rowOffsets[static_cast<std::size_t>(t) * s.CO + co] = (static_cast<std::ptrdiff_t>(kh[t]) * s.KW + kw[t]) * s.CI * s.CO + co;
      StridedB b(w, 0, s.CO);
      b.rowOffsets = rowOffsets.data();
      run.gemm(Gemm{M, s.CI, taps * s.CO, &a, &b, &c, false, post});
    }
  }
}

void matmul(const Runner& run, int batch, int M, int N, int K, bool transA, bool transB, bool aBatch, bool bBatch, const float* a, const float* b, float* c) {
  const std::ptrdiff_t aStride = aBatch ? static_cast<std::ptrdiff_t>(M) * K : 0;
  const std::ptrdiff_t bStride = bBatch ? static_cast<std::ptrdiff_t>(K) * N : 0;
  for (int i = 0; i < batch; i++) {
    StridedA pa(a + i * aStride, transA ? 1 : K, transA ? M : 1);
    StridedB pb(b + i * bStride, transB ? 1 : N, transB ? K : 1);
    DenseRows pc(c + static_cast<std::ptrdiff_t>(i) * M * N, N);
    run.gemm(Gemm{M, N, K, &pa, &pb, &pc, false});
  }
}

}  // namespace lep
