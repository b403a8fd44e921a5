#include "transpose.h"

#include <algorithm>
#include <cstring>

namespace lep {

namespace {

constexpr int TILE = 32;

struct Plan {
  const float* x;
  float* out;
  int rank;
  // Merged axes, in output order: size, input stride, output stride.
  long long size[8], inStride[8], outStride[8];
  // The output's innermost axis (a, contiguous writes) and the input's (b, contiguous reads).
  int b;
  long long outer;  // product of the sizes of every other axis
  long long tilesA, tilesB;
};

/** One (outer index, tile) pair: a TILE × TILE block between axes a (last) and b. */
void block(const Plan& p, long long outerIndex, long long ta, long long tb) {
  const int a = p.rank - 1;
  // Offsets of the outer axes, decoded from outerIndex (every axis but a and b).
  long long in = 0, out = 0, rest = outerIndex;
  for (int d = p.rank - 1; d >= 0; d--) {
    if (d == a || d == p.b) continue;
    const long long i = rest % p.size[d];
    rest /= p.size[d];
    in += i * p.inStride[d];
    out += i * p.outStride[d];
  }
  const long long a0 = ta * TILE, a1 = std::min(p.size[a], a0 + TILE);
  if (p.b == a) {
    std::memcpy(p.out + out + a0, p.x + in + a0, sizeof(float) * static_cast<std::size_t>(a1 - a0));
    return;
  }
  const long long b0 = tb * TILE, b1 = std::min(p.size[p.b], b0 + TILE);
  const long long inA = p.inStride[a], outB = p.outStride[p.b];
  float tile[TILE][TILE];
  for (long long j = b0; j < b1; j++)
    for (long long i = a0; i < a1; i++) tile[j - b0][i - a0] = p.x[in + j + i * inA];  // read along b (inStride[b] == 1)
  for (long long j = b0; j < b1; j++) {
    float* o = p.out + out + j * outB;
    for (long long i = a0; i < a1; i++) o[i] = tile[j - b0][i - a0];  // write along a
  }
}

void task(void* ctx, int t) {
  const Plan& p = *static_cast<const Plan*>(ctx);
  const long long perOuter = p.tilesA * p.tilesB;
  const long long total = p.outer * perOuter;
  // Tasks take equal runs of (outer, tileB, tileA) blocks.
  const long long chunk = (total + 63) / 64;
  const long long first = t * chunk, last = std::min(total, first + chunk);
  for (long long k = first; k < last; k++) {
    const long long o = k / perOuter;
    const long long r = k - o * perOuter;
    block(p, o, r % p.tilesA, r / p.tilesA);
  }
}

}  // namespace

void transpose(ParallelFor parallel, int threads, const float* x, float* out, const long long* shape, const int* perm, int rank) {
  long long inStride[8];
  long long total = 1;
  for (int d = rank - 1; d >= 0; d--) {
    inStride[d] = total;
    total *= shape[d];
  }
  if (total == 0) return;
  Plan p{};
  p.x = x;
  p.out = out;
  // Output axes in order, with their input strides; size-1 axes dropped, runs that stay
  // adjacent and in order in the input merged into one.
  int n = 0;
  for (int d = 0; d < rank; d++) {
    const long long s = shape[perm[d]];
    if (s == 1) continue;
    const long long st = inStride[perm[d]];
    if (n > 0 && p.inStride[n - 1] == st * s) {
      p.size[n - 1] *= s;
      p.inStride[n - 1] = st;
    } else {
      p.size[n] = s;
      p.inStride[n] = st;
      n++;
    }
  }
  if (n == 0) {
    out[0] = x[0];
    return;
  }
  p.rank = n;
  long long o = 1;
  for (int d = n - 1; d >= 0; d--) {
    p.outStride[d] = o;
    o *= p.size[d];
  }
  p.b = 0;
  for (int d = 0; d < n; d++)
    if (p.inStride[d] == 1) p.b = d;
  const int a = n - 1;
  p.tilesA = (p.size[a] + TILE - 1) / TILE;
  p.tilesB = p.b == a ? 1 : (p.size[p.b] + TILE - 1) / TILE;
  p.outer = 1;
  for (int d = 0; d < n; d++)
    if (d != a && d != p.b) p.outer *= p.size[d];
  if (threads <= 1 || total < (1 << 16)) {
    for (int t = 0; t < 64; t++) task(&p, t);
  } else {
    parallel(64, task, &p);
  }
}

}  // namespace lep
