// Leporello's native CPU kernels for TensorFlow.js: the convolutions and matrix products of the
// engine's wasm and cpu backends, on every core, in the widest vector instructions the CPU has
// (chosen when the module loads). Node-API only, so one build loads in Node and in Electron.
//
// Every function is synchronous and works on Float32Arrays the caller owns (tfjs's tensors,
// or views of the wasm heap): the engine process calls them between two JavaScript statements,
// as it calls tfjs's own kernels. Sizes are checked against the arrays before anything is read.
#include <node_api.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#if defined(_MSC_VER)
#include <intrin.h>
#endif
#define LEP_X86 1
#endif

#include "conv.h"
#include "adam.h"
#include "bias-act.h"
#include "binary.h"
#include "fir.h"
#include "reduce.h"
#include "transpose.h"

namespace {

// ---- Instruction set --------------------------------------------------------------------------

#if LEP_X86
void cpuid(int leaf, int sub, int out[4]) {
#if defined(_MSC_VER)
  __cpuidex(out, leaf, sub);
#else
  __asm__ __volatile__("cpuid" : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3]) : "a"(leaf), "c"(sub));
#endif
}

unsigned long long xgetbv0() {
#if defined(_MSC_VER)
  return _xgetbv(0);
#else
  unsigned int lo, hi;
  __asm__ __volatile__("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (static_cast<unsigned long long>(hi) << 32) | lo;
#endif
}

/** What the CPU has and the operating system saves across context switches. */
const lep::Isa* detectIsa() {
  int r[4];
  cpuid(0, 0, r);
  const int maxLeaf = r[0];
  cpuid(1, 0, r);
  const bool osxsave = (r[2] >> 27) & 1;
  const bool fma = (r[2] >> 12) & 1;
  const bool avx = (r[2] >> 28) & 1;
  if (!osxsave || !avx || maxLeaf < 7) return lep::isa_generic();
  const unsigned long long xcr0 = xgetbv0();
  const bool ymm = (xcr0 & 0x6) == 0x6;
  const bool zmm = (xcr0 & 0xe6) == 0xe6;
  cpuid(7, 0, r);
  const bool avx2 = (r[1] >> 5) & 1;
  const bool avx512f = (r[1] >> 16) & 1;
  if (avx512f && fma && zmm) return lep::isa_avx512();
  if (avx2 && fma && ymm) return lep::isa_avx2();
  return lep::isa_generic();
}
#else
const lep::Isa* detectIsa() { return lep::isa_generic(); }
#endif

const lep::Isa* chooseIsa() {
  // LEPORELLO_NATIVE_ISA=avx2|generic forces a narrower one (for tests and comparisons).
  const lep::Isa* best = detectIsa();
  const char* forced = std::getenv("LEPORELLO_NATIVE_ISA");
  if (!forced) return best;
  const std::string f(forced);
  if (f == "generic") return lep::isa_generic();
#if LEP_X86
  if (f == "avx2" && best != lep::isa_generic()) return lep::isa_avx2();
#endif
  return best;
}

/** Denormals flushed to zero while our kernels run, as PyTorch's set_flush_denormal does. */
struct FlushDenormals {
#if LEP_X86
  unsigned int saved;
  FlushDenormals() : saved(_mm_getcsr()) { _mm_setcsr(saved | 0x8040); }
  ~FlushDenormals() { _mm_setcsr(saved); }
#endif
};

// ---- Thread pool ------------------------------------------------------------------------------

/**
 * Workers that sleep on a condition variable between jobs (no spinning: the studio's other
 * processes share these cores). A job's tasks are taken from an atomic counter by the workers
 * and the calling thread alike.
 */
class Pool {
 public:
  explicit Pool(int threads) {
    for (int i = 1; i < threads; i++) workers_.emplace_back([this] { loop(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping_ = true;
    }
    wake_.notify_all();
    for (auto& t : workers_) t.join();
  }
  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  void run(int tasks, void (*fn)(void*, int), void* ctx) {
    // A second JavaScript thread calling at the same time (a worker) computes on its own.
    std::unique_lock<std::mutex> busy(busy_, std::try_to_lock);
    if (!busy.owns_lock() || workers_.empty() || tasks <= 1) {
      for (int i = 0; i < tasks; i++) fn(ctx, i);
      return;
    }
    {
      std::lock_guard<std::mutex> lock(mutex_);
      fn_ = fn;
      ctx_ = ctx;
      tasks_ = tasks;
#if LEP_X86
      // Workers compute with the caller's floating-point mode (denormals flushed or not).
      csr_ = _mm_getcsr();
#endif
      next_.store(0);
      active_ = static_cast<int>(workers_.size());
      generation_++;
    }
    wake_.notify_all();
    work();
    std::unique_lock<std::mutex> lock(mutex_);
    done_.wait(lock, [this] { return active_ == 0; });
  }

 private:
  void work() {
    for (int i = next_.fetch_add(1); i < tasks_; i = next_.fetch_add(1)) fn_(ctx_, i);
  }
  void loop() {
    std::uint64_t seen = 0;
    for (;;) {
      {
        std::unique_lock<std::mutex> lock(mutex_);
        wake_.wait(lock, [&] { return stopping_ || generation_ != seen; });
        if (stopping_) return;
        seen = generation_;
      }
#if LEP_X86
      const unsigned int own = _mm_getcsr();
      _mm_setcsr(csr_);
      work();
      _mm_setcsr(own);
#else
      work();
#endif
      std::lock_guard<std::mutex> lock(mutex_);
      if (--active_ == 0) done_.notify_one();
    }
  }

  std::vector<std::thread> workers_;
  std::mutex mutex_, busy_;
  std::condition_variable wake_, done_;
  std::uint64_t generation_ = 0;
  bool stopping_ = false;
  int active_ = 0;
  void (*fn_)(void*, int) = nullptr;
  void* ctx_ = nullptr;
  int tasks_ = 0;
  unsigned int csr_ = 0;
  std::atomic<int> next_{0};
};

const lep::Isa* g_isa = nullptr;
Pool* g_pool = nullptr;
std::mutex g_poolMutex;

void parallelFor(int tasks, void (*fn)(void*, int), void* ctx) { g_pool->run(tasks, fn, ctx); }

lep::Runner runner() { return lep::Runner{g_isa, parallelFor, g_pool->threads()}; }

// ---- Node-API glue ----------------------------------------------------------------------------

struct Args {
  napi_env env;
  std::vector<napi_value> v;
  bool ok = true;
  Args(napi_env env, napi_callback_info info, std::size_t count) : env(env), v(count) {
    std::size_t n = count;
    napi_get_cb_info(env, info, &n, v.data(), nullptr, nullptr);
    if (n < count) fail("expected " + std::to_string(count) + " arguments");
  }
  void fail(const std::string& why) {
    if (ok) napi_throw_error(env, "ERR_LEPORELLO_NATIVE", why.c_str());
    ok = false;
  }
  /** A Float32Array argument holding at least `need` floats. */
  float* floats(std::size_t i, std::size_t need, const char* what) {
    if (!ok) return nullptr;
    bool is = false;
    napi_is_typedarray(env, v[i], &is);
    if (!is) return fail(std::string(what) + " is not a Float32Array"), nullptr;
    napi_typedarray_type type;
    std::size_t length = 0;
    void* data = nullptr;
    napi_get_typedarray_info(env, v[i], &type, &length, &data, nullptr, nullptr);
    if (type != napi_float32_array) return fail(std::string(what) + " is not a Float32Array"), nullptr;
    if (length < need) return fail(std::string(what) + " holds " + std::to_string(length) + " floats, " + std::to_string(need) + " needed"), nullptr;
    return static_cast<float*>(data);
  }
  /** An Int32Array argument of exactly `count` values. */
  const std::int32_t* ints(std::size_t i, std::size_t count, const char* what) {
    if (!ok) return nullptr;
    bool is = false;
    napi_is_typedarray(env, v[i], &is);
    napi_typedarray_type type = napi_int8_array;
    std::size_t length = 0;
    void* data = nullptr;
    if (is) napi_get_typedarray_info(env, v[i], &type, &length, &data, nullptr, nullptr);
    if (!is || type != napi_int32_array || length != count) return fail(std::string(what) + " must be an Int32Array of " + std::to_string(count)), nullptr;
    return static_cast<const std::int32_t*>(data);
  }
};

/** [N, IH, IW, CI, OH, OW, CO, KH, KW, SH, SW, top, left], each checked for sense. */
bool readShape(Args& a, std::size_t i, lep::ConvShape& s) {
  const std::int32_t* p = a.ints(i, 13, "the convolution's shape");
  if (!p) return false;
  s = lep::ConvShape{p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8], p[9], p[10], p[11], p[12]};
  for (int k = 0; k < 13; k++)
    if (p[k] < 0 || (k < 11 && p[k] == 0 && k != 0)) return a.fail("the convolution's shape has an impossible size"), false;
  return true;
}

std::size_t count(std::initializer_list<int> dims) {
  std::size_t n = 1;
  for (int d : dims) n *= static_cast<std::size_t>(d);
  return n;
}

napi_value undefinedValue(napi_env env) {
  napi_value u;
  napi_get_undefined(env, &u);
  return u;
}

napi_value Conv2d(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  lep::ConvShape s{};
  if (!a.ok || !readShape(a, 3, s)) return nullptr;
  const float* x = a.floats(0, count({s.N, s.IH, s.IW, s.CI}), "x");
  const float* w = a.floats(1, count({s.KH, s.KW, s.CI, s.CO}), "the filter");
  float* y = a.floats(2, count({s.N, s.OH, s.OW, s.CO}), "y");
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::conv2d(runner(), s, x, w, y);
  return undefinedValue(env);
}

/** An input gradient's arguments: dy, the filter, dx and (argument 3) the shape, each checked against the others. */
struct InputGradient {
  lep::ConvShape s{};
  const float* dy = nullptr;
  const float* w = nullptr;
  float* dx = nullptr;
  explicit InputGradient(Args& a) {
    if (!a.ok || !readShape(a, 3, s)) return;
    dy = a.floats(0, count({s.N, s.OH, s.OW, s.CO}), "dy");
    w = a.floats(1, count({s.KH, s.KW, s.CI, s.CO}), "the filter");
    dx = a.floats(2, count({s.N, s.IH, s.IW, s.CI}), "dx");
  }
};

napi_value Conv2dBackpropInput(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  InputGradient g(a);
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::conv2dBackpropInput(runner(), g.s, g.dy, g.w, g.dx);
  return undefinedValue(env);
}

/**
 * conv2dBackpropInputPost(dy, w, dx, shape, scale | null, shift | null, [act]): the input
 * gradient (a transposed convolution's forward pass) finished per channel by act(v·scale + shift).
 */
napi_value Conv2dBackpropInputPost(napi_env env, napi_callback_info info) {
  Args a(env, info, 7);
  InputGradient g(a);
  const auto perChannel = [&](std::size_t i, const char* what) -> const float* {
    if (!a.ok) return nullptr;
    napi_valuetype t;
    napi_typeof(env, a.v[i], &t);
    return t == napi_null ? nullptr : a.floats(i, static_cast<std::size_t>(g.s.CI), what);
  };
  const float* scale = perChannel(4, "the scale");
  const float* shift = perChannel(5, "the shift");
  const std::int32_t* act = a.ints(6, 1, "the activation");
  if (!a.ok) return nullptr;
  if (act[0] < lep::Epilogue::kLinear || act[0] > lep::Epilogue::kTanh) return a.fail("the activation must be 0 (linear), 1 (ReLU) or 2 (tanh)"), nullptr;
  const lep::Epilogue post{scale, shift, static_cast<lep::Epilogue::Act>(act[0])};
  FlushDenormals ftz;
  lep::conv2dBackpropInput(runner(), g.s, g.dy, g.w, g.dx, &post);
  return undefinedValue(env);
}

napi_value Conv2dBackpropFilter(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  lep::ConvShape s{};
  if (!a.ok || !readShape(a, 3, s)) return nullptr;
  const float* x = a.floats(0, count({s.N, s.IH, s.IW, s.CI}), "x");
  const float* dy = a.floats(1, count({s.N, s.OH, s.OW, s.CO}), "dy");
  float* dw = a.floats(2, count({s.KH, s.KW, s.CI, s.CO}), "dw");
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::conv2dBackpropFilter(runner(), s, x, dy, dw);
  return undefinedValue(env);
}

/** matmul(a, b, c, [batch, M, N, K, transposeA, transposeB, aBatched, bBatched]). */
napi_value Matmul(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const std::int32_t* d = a.ints(3, 8, "the product's shape");
  if (!d) return nullptr;
  const int batch = d[0], M = d[1], N = d[2], K = d[3];
  if (batch < 1 || M < 0 || N < 0 || K < 0) return a.fail("the product's shape has an impossible size"), nullptr;
  const float* pa = a.floats(0, count({d[6] ? batch : 1, M, K}), "a");
  const float* pb = a.floats(1, count({d[7] ? batch : 1, K, N}), "b");
  float* pc = a.floats(2, count({batch, M, N}), "c");
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::matmul(runner(), batch, M, N, K, d[4] != 0, d[5] != 0, d[6] != 0, d[7] != 0, pa, pb, pc);
  return undefinedValue(env);
}

/** sumLeading(x, out, [R, C]): out[c] = Σ_r x[r·C + c]. */
napi_value SumLeading(napi_env env, napi_callback_info info) {
  Args a(env, info, 3);
  const std::int32_t* d = a.ints(2, 2, "the reduction's shape");
  if (!d) return nullptr;
  if (d[0] < 0 || d[1] < 0) return a.fail("the reduction's shape has an impossible size"), nullptr;
  const float* x = a.floats(0, count({d[0], d[1]}), "x");
  float* out = a.floats(1, static_cast<std::size_t>(d[1]), "out");
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::sumLeading(parallelFor, g_pool->threads(), x, out, d[0], d[1]);
  return undefinedValue(env);
}

/** upfirdn2d(x, taps, y, [N, H, W, C, OH, OW, up, down, px0, py0, fh, fw]): see fir.h. */
napi_value UpFirDn2d(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  const std::int32_t* d = a.ints(3, 12, "the filter's shape");
  if (!d) return nullptr;
  const lep::FirShape s{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11]};
  if (s.N < 0 || s.H < 1 || s.W < 1 || s.C < 0 || s.OH < 0 || s.OW < 0 || s.up < 1 || s.down < 1 || s.fh < 1 || s.fw < 1) {
    return a.fail("the filter's shape has an impossible size"), nullptr;
  }
  const float* x = a.floats(0, count({s.N, s.H, s.W, s.C}), "x");
  const float* taps = a.floats(1, count({s.fh, s.fw}), "the filter taps");
  float* y = a.floats(2, count({s.N, s.OH, s.OW, s.C}), "y");
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::upfirdn2d(*g_isa, parallelFor, g_pool->threads(), s, x, taps, y);
  return undefinedValue(env);
}

/** The sizes and settings of a bias_act call: [rows, C, lrelu 0/1] and [alpha, gain, clamp]. */
bool readBiasAct(Args& a, std::size_t ints, std::size_t floats, lep::BiasAct& s) {
  const std::int32_t* d = a.ints(ints, 3, "bias_act's shape");
  if (!d) return false;
  if (d[0] < 0 || d[1] < 0) return a.fail("bias_act's shape has an impossible size"), false;
  const float* f = a.floats(floats, 3, "bias_act's settings");
  if (!f) return false;
  s = lep::BiasAct{d[0], d[1], d[2] != 0, f[0], f[1], f[2]};
  return true;
}

/** biasAct(x, b | null, y, [rows, C, lrelu], [alpha, gain, clamp]). */
napi_value BiasAct(napi_env env, napi_callback_info info) {
  Args a(env, info, 5);
  lep::BiasAct s{};
  if (!a.ok || !readBiasAct(a, 3, 4, s)) return nullptr;
  napi_valuetype t;
  napi_typeof(env, a.v[1], &t);
  const std::size_t n = static_cast<std::size_t>(s.rows) * s.C;
  const float* x = a.floats(0, n, "x");
  const float* b = t == napi_null ? nullptr : a.floats(1, static_cast<std::size_t>(s.C), "the bias");
  float* y = a.floats(2, n, "y");
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::biasAct(parallelFor, g_pool->threads(), s, x, b, y);
  return undefinedValue(env);
}

/** biasActGrad(dy, y, dx, [rows, C, lrelu], [alpha, gain, clamp]). */
napi_value BiasActGrad(napi_env env, napi_callback_info info) {
  Args a(env, info, 5);
  lep::BiasAct s{};
  if (!a.ok || !readBiasAct(a, 3, 4, s)) return nullptr;
  const std::size_t n = static_cast<std::size_t>(s.rows) * s.C;
  const float* dy = a.floats(0, n, "dy");
  const float* y = a.floats(1, n, "y");
  float* dx = a.floats(2, n, "dx");
  if (!a.ok) return nullptr;
  FlushDenormals ftz;
  lep::biasActGrad(parallelFor, g_pool->threads(), s, dy, y, dx);
  return undefinedValue(env);
}

/** transpose(x, out, shape: Int32Array, perm: Int32Array). */
napi_value Transpose(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  if (!a.ok) return nullptr;
  bool is = false;
  napi_is_typedarray(env, a.v[2], &is);
  std::size_t rank = 0;
  if (is) {
    napi_typedarray_type type;
    napi_get_typedarray_info(env, a.v[2], &type, &rank, nullptr, nullptr, nullptr);
  }
  if (rank < 1 || rank > 8) return a.fail("transpose takes 1 to 8 axes"), nullptr;
  const std::int32_t* shape = a.ints(2, rank, "the shape");
  const std::int32_t* perm = a.ints(3, rank, "the permutation");
  if (!shape || !perm) return nullptr;
  long long dims[8];
  int axes[8];
  bool seen[8] = {};
  std::size_t total = 1;
  for (std::size_t d = 0; d < rank; d++) {
    if (shape[d] < 0 || perm[d] < 0 || perm[d] >= static_cast<int>(rank) || seen[perm[d]]) return a.fail("not a permutation of the axes"), nullptr;
    seen[perm[d]] = true;
    dims[d] = shape[d];
    axes[d] = perm[d];
    total *= static_cast<std::size_t>(shape[d]);
  }
  const float* x = a.floats(0, total, "x");
  float* out = a.floats(1, total, "out");
  if (!a.ok) return nullptr;
  lep::transpose(parallelFor, g_pool->threads(), x, out, dims, axes, static_cast<int>(rank));
  return undefinedValue(env);
}

/** adam(w, g, m, v, wOut, mOut, vOut, scalars: Float32Array(8)); see adam.h. */
napi_value Adam(napi_env env, napi_callback_info info) {
  Args a(env, info, 8);
  if (!a.ok) return nullptr;
  const float* sc = a.floats(7, 8, "Adam's scalars");
  const float* w = a.floats(0, 0, "w");
  if (!a.ok) return nullptr;
  napi_typedarray_type type;
  std::size_t n = 0;
  napi_get_typedarray_info(env, a.v[0], &type, &n, nullptr, nullptr, nullptr);
  const float* g = a.floats(1, n, "the gradient");
  const float* m = a.floats(2, n, "the first moment");
  const float* v = a.floats(3, n, "the second moment");
  float* wOut = a.floats(4, n, "w'");
  float* mOut = a.floats(5, n, "m'");
  float* vOut = a.floats(6, n, "v'");
  if (!a.ok) return nullptr;
  const lep::AdamScalars s{sc[0], sc[1], sc[2], sc[3], sc[4], sc[5], sc[6], sc[7]};
  lep::adam(parallelFor, g_pool->threads(), s, static_cast<long long>(n), w, g, m, v, wOut, mOut, vOut);
  return undefinedValue(env);
}

/** binary(op 0–3 add/sub/mul/div, a, b, out): out[i] = a[i mod |a|] op b[i mod |b|]. */
napi_value Binary(napi_env env, napi_callback_info info) {
  Args a(env, info, 4);
  if (!a.ok) return nullptr;
  std::int32_t op = -1;
  napi_get_value_int32(env, a.v[0], &op);
  if (op < 0 || op > 3) return a.fail("unknown element-wise operation"), nullptr;
  std::size_t sizes[3] = {};
  for (int k = 0; k < 3; k++) {
    bool is = false;
    napi_is_typedarray(env, a.v[k + 1], &is);
    napi_typedarray_type type = napi_int8_array;
    if (is) napi_get_typedarray_info(env, a.v[k + 1], &type, &sizes[k], nullptr, nullptr, nullptr);
    if (!is || type != napi_float32_array) return a.fail("element-wise operands must be Float32Arrays"), nullptr;
  }
  const std::size_t n = sizes[2];
  if (sizes[0] == 0 || sizes[1] == 0 || n % sizes[0] != 0 || n % sizes[1] != 0) return a.fail("operand sizes must divide the output's"), nullptr;
  const float* pa = a.floats(1, sizes[0], "a");
  const float* pb = a.floats(2, sizes[1], "b");
  float* out = a.floats(3, n, "out");
  if (!a.ok) return nullptr;
  lep::binary(parallelFor, g_pool->threads(), static_cast<lep::BinaryOp>(op), static_cast<long long>(n), pa, static_cast<long long>(sizes[0]), pb, static_cast<long long>(sizes[1]), out);
  return undefinedValue(env);
}

int defaultThreads() {
  if (const char* env = std::getenv("LEPORELLO_THREADS")) {
    const int n = std::atoi(env);
    if (n >= 1) return std::min(n, 256);
  }
  const unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 256u));
}

/** setThreads(n): the pool's size from now on (1 = the calling thread only). */
napi_value SetThreads(napi_env env, napi_callback_info info) {
  Args a(env, info, 1);
  if (!a.ok) return nullptr;
  std::int32_t n = 0;
  if (napi_get_value_int32(env, a.v[0], &n) != napi_ok || n < 1 || n > 256) return a.fail("threads must be a whole number from 1 to 256"), nullptr;
  std::lock_guard<std::mutex> lock(g_poolMutex);
  if (g_pool->threads() != n) {
    delete g_pool;
    g_pool = new Pool(n);
  }
  return undefinedValue(env);
}

/** info(): { isa, threads } — what the kernels run on. */
napi_value Info(napi_env env, napi_callback_info) {
  napi_value out, isa, threads;
  napi_create_object(env, &out);
  napi_create_string_utf8(env, g_isa->name, NAPI_AUTO_LENGTH, &isa);
  napi_create_int32(env, g_pool->threads(), &threads);
  napi_set_named_property(env, out, "isa", isa);
  napi_set_named_property(env, out, "threads", threads);
  return out;
}

}  // namespace

NAPI_MODULE_INIT() {
  {
    std::lock_guard<std::mutex> lock(g_poolMutex);
    if (!g_isa) g_isa = chooseIsa();
    if (!g_pool) g_pool = new Pool(defaultThreads());
  }
  const napi_property_descriptor methods[] = {
      {"conv2d", nullptr, Conv2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInput", nullptr, Conv2dBackpropInput, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropInputPost", nullptr, Conv2dBackpropInputPost, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"conv2dBackpropFilter", nullptr, Conv2dBackpropFilter, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"matmul", nullptr, Matmul, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumLeading", nullptr, SumLeading, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"upfirdn2d", nullptr, UpFirDn2d, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasAct", nullptr, BiasAct, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"transpose", nullptr, Transpose, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"binary", nullptr, Binary, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"biasActGrad", nullptr, BiasActGrad, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(methods) / sizeof(methods[0]), methods);
  return exports;
}
