// The native CPU kernels against TensorFlow.js's own kernels: values and gradients of conv2d,
// conv2dTranspose and matMul on random shapes (odd sizes, strides 1–3, batch 1, every padding),
// the same sums whatever the number of threads, arrays too short refused before any read; and
// the kernels of our own (upfirdn2d, bias_act, Adam, transposes) against the tfjs ops they replace.
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import {
  CONV_TRANSPOSE_POST,
  installNativeKernels,
  nativeKernels,
  uninstallNativeKernels,
  type ConvTransposePostAttrs,
} from '../../electron/engine/kernels/native-kernels';
import { buildDcgan } from '../../electron/engine/models/dcgan';
import { Rng } from '../../electron/engine/nn/rng';
import { biasAct } from '../../electron/engine/nn/bias-act';
import { downsample, leaky, upsample } from '../../electron/engine/nn/equalized';
import { conv2dResample, setupFilter, upfirdn2d, type FirOptions } from '../../electron/engine/nn/upfirdn';
import { StepwiseAdam } from '../../electron/engine/train/adam';

before(async () => {
  await selectBackend('cpu');
});

/** Runs `f` with the native kernels on `backend`, then with tfjs's own; returns both outputs. */
function bothWays(backend: 'cpu' | 'wasm', f: () => tf.Tensor[]): { native: Float32Array[]; stock: Float32Array[] } {
  installNativeKernels(backend);
  const native = tf.tidy(f).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  });
  uninstallNativeKernels(backend);
  const stock = tf.tidy(f).map((t) => {
    const v = t.dataSync() as Float32Array;
    t.dispose();
    return v;
  });
  installNativeKernels(backend);
  return { native, stock };
}

function assertClose(a: Float32Array, b: Float32Array, what: string, tolerance = 2e-5): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let scale = 1;
  for (const v of b) scale = Math.max(scale, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  assert.ok(worst <= tolerance * scale, `${what}: max error ${worst} against values up to ${scale}`);
}

interface ConvCase {
  x: [number, number, number, number];
  k: [number, number];
  cout: number;
  stride: number;
  pad: 'same' | 'valid' | number;
}

function randomCases(count: number, seed: number): ConvCase[] {
  const rng = new Rng(seed);
  const pick = (n: number) => Math.floor(rng.next() * n);
  const cases: ConvCase[] = [];
  while (cases.length < count) {
    const k: [number, number] = [1 + pick(5), 1 + pick(5)];
    const stride = 1 + pick(3);
    const pads = ['same', 'valid', pick(3)] as const;
    const pad = pads[pick(3)]!;
    const x: [number, number, number, number] = [1 + pick(3), k[0] + pick(9), k[1] + pick(9), 1 + pick(19)];
    cases.push({ x, k, cout: 1 + pick(37), stride, pad });
  }
  return cases;
}

/** y = conv2d(x, w); dx and dw of Σ y·p; and conv2dTranspose(p, w) with the gradients of Σ t·x. */
function convAndGradients(c: ConvCase): tf.Tensor[] {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([c.k[0], c.k[1], c.x[3], c.cout], 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.conv2d(x, w, c.stride, c.pad);
  const p = tf.randomNormal(y.shape, 0, 1, 'float32', 3) as tf.Tensor4D;
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, c.stride, c.pad), p)))([x, w]);
  const t = tf.conv2dTranspose(p, w, c.x, c.stride, c.pad);
  const [dp, dwt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, c.x, c.stride, c.pad), x)))([
    p,
    w,
  ]);
  return [y, dx!, dw!, t, dp!, dwt!];
}

const NAMES = [
  'conv2d',
  'its input gradient',
  'its filter gradient',
  'conv2dTranspose',
  "the transposed one's input gradient",
  "the transposed one's filter gradient",
];

test('the native kernels are built and load on this machine', () => {
  const s = nativeKernels();
  assert.ok(s.ok, s.ok ? '' : s.why);
  assert.match(s.isa, /^(AVX-512|AVX2|SSE2|NEON)$/);
  assert.ok(s.threads >= 1);
});

test("native convolutions and both gradients equal tfjs-cpu's own kernels on 40 random shapes", () => {
  const cases = randomCases(40, 7);
  // The cases cover what the issue names: odd sizes, strides 1 and 2 (and 3), batch 1, each padding.
  assert.ok(cases.some((c) => c.stride === 1) && cases.some((c) => c.stride === 2) && cases.some((c) => c.x[0] === 1));
  assert.ok(cases.some((c) => c.pad === 'same') && cases.some((c) => c.pad === 'valid') && cases.some((c) => typeof c.pad === 'number'));
  for (const c of cases) {
    const { native, stock } = bothWays('cpu', () => convAndGradients(c));
    native.forEach((v, i) => assertClose(v, stock[i]!, `${NAMES[i]} of ${JSON.stringify(c)}`));
  }
});

test('DCGAN-64 and StyleGAN2 layer shapes agree too (large channels, 4×4 stride 2, 3×3 and 1×1, RGB in and out)', () => {
  const cases: ConvCase[] = [
    { x: [2, 16, 16, 64], k: [4, 4], cout: 128, stride: 2, pad: 'same' },
    { x: [1, 8, 8, 256], k: [4, 4], cout: 96, stride: 2, pad: 'same' },
    { x: [2, 9, 9, 48], k: [3, 3], cout: 40, stride: 1, pad: 1 },
    { x: [3, 8, 8, 70], k: [1, 1], cout: 33, stride: 1, pad: 'valid' },
    // Three colour channels: the transposed product for few output columns, and 12-row panels over 4 taps.
    { x: [2, 32, 32, 3], k: [4, 4], cout: 64, stride: 2, pad: 'same' },
    { x: [2, 16, 16, 64], k: [4, 4], cout: 3, stride: 2, pad: 'same' },
  ];
  for (const c of cases) {
    const { native, stock } = bothWays('cpu', () => convAndGradients(c));
    native.forEach((v, i) => assertClose(v, stock[i]!, `${NAMES[i]} of ${JSON.stringify(c)}`));
  }
});

test('native matrix products with every transposition and batch broadcasting, and their gradients', () => {
  const shapes: [number[], number[], boolean, boolean][] = [
    [[17, 33], [33, 19], false, false],
    [[33, 17], [33, 19], true, false],
    [[17, 33], [19, 33], false, true],
    [[33, 17], [19, 33], true, true],
    [[3, 5, 7], [3, 7, 2], false, false],
    [[1, 5, 7], [4, 7, 9], false, false],
    [[4, 5, 7], [7, 9], false, false],
    [[2, 3, 6, 5], [2, 3, 6, 4], true, false],
    [[1, 1], [1, 300], false, false],
  ];
  for (const [sa, sb, ta, tb] of shapes) {
    // tfjs's own gradient does not sum over broadcast batches: those are checked forward only.
    const broadcast = sa.length !== sb.length || sa.slice(0, -2).some((d, i) => d !== sb[i]);
    const { native, stock } = bothWays('cpu', () => {
      const a = tf.randomNormal(sa, 0, 1, 'float32', 4);
      const b = tf.randomNormal(sb, 0, 1, 'float32', 5);
      const c = tf.matMul(a, b, ta, tb);
      if (broadcast) return [c];
      const [da, db] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.square(tf.matMul(u, v, ta, tb))))([a, b]);
      return [c, da!, db!];
    });
    native.forEach((v, i) => assertClose(v, stock[i]!, `matMul ${JSON.stringify([sa, sb, ta, tb])} output ${i}`));
  }
});

/** Asserts that `compute` gives the same bits on 1, 2 and 5 of the native kernels' threads. */
function assertSameForAnyThreadCount(compute: () => tf.Tensor[]): void {
  const s = nativeKernels();
  assert.ok(s.ok);
  const run = (threads: number) => {
    s.kernels.setThreads(threads);
    assert.equal(s.kernels.info().threads, threads);
    return tf.tidy(compute).map((t) => Array.from(t.dataSync()));
  };
  try {
    const one = run(1);
    assert.deepEqual(run(2), one);
    assert.deepEqual(run(5), one);
  } finally {
    s.kernels.setThreads(s.threads);
  }
}

const THREADS_CASE: ConvCase = { x: [4, 20, 20, 24], k: [4, 4], cout: 40, stride: 2, pad: 'same' };

test('the sums do not depend on the number of threads: 1, 2 and 5 threads give the same bits', () => {
  assertSameForAnyThreadCount(() => convAndGradients(THREADS_CASE));
});

/** conv2dTranspose(p, w) finished by act(v·scale + shift), on the fused kernel or as tfjs ops. */
function transposedWithPost(c: ConvCase, act: ConvTransposePostAttrs['act'], fused: boolean, withScale = true): tf.Tensor {
  const x = tf.randomNormal(c.x, 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([c.k[0], c.k[1], c.x[3], c.cout], 0, 1, 'float32', 2) as tf.Tensor4D;
  const p = tf.randomNormal(tf.conv2d(x, w, c.stride, c.pad).shape, 0, 1, 'float32', 3) as tf.Tensor4D;
  const scale = withScale ? (tf.randomUniform([c.x[3]], 0.2, 2, 'float32', 4) as tf.Tensor1D) : null;
  const shift = tf.randomNormal([c.x[3]], 0, 1, 'float32', 5) as tf.Tensor1D;
  if (fused) {
    const attrs: ConvTransposePostAttrs = { strides: c.stride, pad: c.pad, dataFormat: 'NHWC', inputShape: c.x, act };
    const inputs: tf.NamedTensorMap = scale ? { x: p, filter: w, scale, shift } : { x: p, filter: w, shift };
    return tf.engine().runKernel(CONV_TRANSPOSE_POST, inputs, attrs as unknown as tf.NamedAttrMap) as tf.Tensor;
  }
  const t = tf.conv2dTranspose(p, w, c.x, c.stride, c.pad);
  const v = tf.add(scale ? tf.mul(t, scale) : t, shift);
  return act === 'relu' ? tf.relu(v) : act === 'tanh' ? tf.tanh(v) : v;
}

test('a transposed convolution finished by scale, shift and ReLU or tanh in one kernel equals conv2dTranspose and the tfjs ops after it', async () => {
  // The random shapes include strides larger than the filter (pixels no tap reaches: act(shift)),
  // and the DCGAN shapes both the blocked product and the transposed one for three colours.
  const cases = [
    ...randomCases(24, 13),
    { x: [2, 16, 16, 64], k: [4, 4], cout: 128, stride: 2, pad: 'same' },
    { x: [3, 32, 32, 3], k: [4, 4], cout: 64, stride: 2, pad: 'same' },
  ] satisfies ConvCase[];
  assert.ok(cases.some((c) => c.stride > Math.min(...c.k)) && cases.some((c) => c.x[0] === 1));
  for (const backend of ['cpu', 'wasm'] as const) {
    await selectBackend(backend);
    cases.forEach((c, i) => {
      const act = (['relu', 'tanh', 'linear'] as const)[i % 3]!;
      const fused = tf.tidy(() => transposedWithPost(c, act, true, i % 4 !== 3)).dataSync() as Float32Array;
      const plain = tf.tidy(() => transposedWithPost(c, act, false, i % 4 !== 3)).dataSync() as Float32Array;
      assertClose(fused, plain, `${backend} ${act} after ${JSON.stringify(c)}`);
    });
  }
  await selectBackend('cpu');
  assertSameForAnyThreadCount(() => [transposedWithPost(THREADS_CASE, 'tanh', true)]);
});

test("DCGAN draws the same portraits with each eval-mode batch norm, ReLU and the last tanh finishing its convolution's output, and projects through its layers", async () => {
  await selectBackend('wasm');
  const model = buildDcgan({ resolution: 32, channels: 3, zDim: 20, width: 8, maxChannels: 64 }, new Rng(1));
  // Weights large enough for contrast, running statistics and shifts away from their initial 0 and 1, as after training.
  for (const [name, v] of model.params.vars) {
    if (/^G\/.*\/w$/.test(name)) v.assign(tf.randomNormal(v.shape, 0, 0.25, 'float32', 8));
    if (/running_mean|beta/.test(name)) v.assign(tf.randomNormal(v.shape, 0, 0.5, 'float32', 6));
    if (/running_var/.test(name)) v.assign(tf.randomUniform(v.shape, 0.05, 3, 'float32', 7));
  }
  const z = model.sampleLatents(5, new Rng(3));
  const drawn = () => tf.tidy(() => model.generate(z, false).dataSync() as Float32Array);
  // Projection differentiates a drawing with respect to its latents: that goes through the layers.
  const slope = () =>
    tf.tidy(
      () =>
        tf
          .grad((latents: tf.Tensor) => tf.sum(tf.square(model.generate(latents as tf.Tensor2D, false))))(z)
          .dataSync() as Float32Array,
    );
  const fused = drawn();
  const fusedSlope = slope();
  tf.unregisterKernel(CONV_TRANSPOSE_POST, 'wasm');
  let plain: Float32Array;
  let plainSlope: Float32Array;
  try {
    plain = drawn();
    plainSlope = slope();
  } finally {
    uninstallNativeKernels('wasm');
    installNativeKernels('wasm');
  }
  assert.ok(tf.getKernel(CONV_TRANSPOSE_POST, 'wasm') !== undefined, 'the fused kernel is back');
  assertClose(fused, plain, 'DCGAN samples', 1e-5);
  assert.deepEqual(fusedSlope, plainSlope, 'the gradient with respect to the latents');
  // Not trivially equal: the portraits have contrast.
  assert.ok(Math.max(...plain) - Math.min(...plain) > 1, `range ${Math.min(...plain)}…${Math.max(...plain)}`);
  z.dispose();
  model.params.dispose();
  await selectBackend('cpu');
});

test('arrays shorter than the shape says are refused before anything is read', () => {
  const s = nativeKernels();
  assert.ok(s.ok);
  const shape = Int32Array.from([1, 8, 8, 3, 4, 4, 5, 4, 4, 2, 2, 1, 1]);
  assert.throws(() => s.kernels.conv2d(new Float32Array(10), new Float32Array(240), new Float32Array(80), shape), /x holds 10 floats, 192 needed/);
  assert.throws(() => s.kernels.conv2dBackpropFilter(new Float32Array(192), new Float32Array(80), new Float32Array(3), shape), /dw holds 3 floats/);
  assert.throws(
    () => s.kernels.matmul(new Float32Array(6), new Float32Array(6), new Float32Array(3), Int32Array.from([1, 2, 2, 3, 0, 0, 0, 0])),
    /c holds 3 floats, 4 needed/,
  );
  assert.throws(() => s.kernels.conv2d(new Float32Array(192), new Float32Array(240), new Float32Array(80), Int32Array.from([1, 2])), /Int32Array of 13/);
  // The drawing kernel's per-channel arrays and activation too (the input gradient of this shape: dx has 3 channels).
  const post = (scale: Float32Array | null, act: number) => () =>
    s.kernels.conv2dBackpropInputPost(new Float32Array(80), new Float32Array(240), new Float32Array(192), shape, scale, null, Int32Array.of(act));
  assert.throws(post(new Float32Array(2), 1), /the scale holds 2 floats, 3 needed/);
  assert.throws(post(null, 7), /the activation must be 0 \(linear\), 1 \(ReLU\) or 2 \(tanh\)/);
  assert.doesNotThrow(post(new Float32Array(3), 2));
});

test("on the wasm backend the native kernels compute on the wasm heap and agree with tfjs-cpu's own kernels", async () => {
  // Against tfjs-cpu, not tfjs-wasm: tfjs-wasm's XNNPACK Conv2D returns zeros for some of these
  // shapes (e.g. x [3, 5, 9, 4], a 4×2 filter, stride 3, 'same').
  const cases = randomCases(12, 11);
  const onWasm: Float32Array[][] = [];
  await selectBackend('wasm');
  for (const c of cases) onWasm.push(tf.tidy(() => convAndGradients(c)).map((t) => t.dataSync() as Float32Array));
  await selectBackend('cpu');
  uninstallNativeKernels('cpu');
  try {
    cases.forEach((c, k) => {
      const stock = tf.tidy(() => convAndGradients(c)).map((t) => t.dataSync() as Float32Array);
      onWasm[k]!.forEach((v, i) => assertClose(v, stock[i]!, `wasm ${NAMES[i]} of ${JSON.stringify(c)}`));
    });
  } finally {
    installNativeKernels('cpu');
  }
});

/** Max |a − b| over max |b|: the relative error of a against b. */
function relativeError(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return worst / scale;
}

test('one-pass upfirdn2d equals the tfjs-op formulation, and so do its first and second derivatives', () => {
  const f = setupFilter([1, 3, 3, 1]);
  const asymmetric = [
    [1, 2, 3],
    [0, 1, 5],
  ];
  const cases: [FirOptions, number[][]][] = [
    [{ up: 2, pad: [2, 1, 2, 1], gain: 4 }, f],
    [{ down: 2, pad: [1, 1, 1, 1] }, f],
    [{ pad: [1, 1, 1, 1] }, f],
    [{ up: 2, pad: [-1, 2, 0, 1], gain: 3, flipFilter: true }, asymmetric],
    [{ down: 2, pad: [0, 1, 1, 0] }, asymmetric],
  ];
  for (const [options, filter] of cases) {
    const { native, stock } = bothWays('cpu', () => {
      const x = tf.randomNormal([2, 7, 6, 5], 0, 1, 'float32', 1) as tf.Tensor4D;
      const y = upfirdn2d(x, filter, options);
      const p = tf.randomNormal(y.shape, 0, 1, 'float32', 2);
      const first = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(upfirdn2d(a as tf.Tensor4D, filter, options), p)))(x);
      // R1's shape: the gradient of a function of the gradient.
      const second = tf.grad((a: tf.Tensor) =>
        tf.sum(tf.square(tf.grad((b: tf.Tensor) => tf.sum(tf.square(upfirdn2d(b as tf.Tensor4D, filter, options))))(a))),
      )(x);
      return [y, first, second];
    });
    native.forEach((v, i) => assert.ok(relativeError(v, stock[i]!) < 1e-5, `${JSON.stringify(options)} output ${i}: ${relativeError(v, stock[i]!)}`));
  }
});

test("one-pass bias_act equals the tfjs-op formulation with its gradients, R1's second derivative included", () => {
  const cases: ['linear' | 'lrelu', number, number | null, number[]][] = [
    ['lrelu', Math.SQRT2, 0.8, [2, 5, 5, 7]],
    ['linear', 1, 0.5, [3, 9]],
    ['lrelu', 2, null, [2, 4, 3, 6]],
    ['linear', 1, null, [4, 3]],
  ];
  for (const [act, gain, clamp, shape] of cases) {
    const { native, stock } = bothWays('cpu', () => {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 1);
      const b = tf.randomNormal([shape.at(-1)!], 0, 1, 'float32', 2);
      const p = tf.randomNormal(shape, 0, 1, 'float32', 3);
      const s = tf.randomNormal(shape, 0, 1, 'float32', 4);
      const y = biasAct(x, b, act, gain, clamp);
      const [gx, gb] = tf.grads((u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.mul(biasAct(u, v, act, gain, clamp), p)))([x, b]);
      // Through the gradient to what scales the input, as R1 reaches D's weights.
      const second = tf.grad((u: tf.Tensor) => tf.sum(tf.square(tf.grad((w: tf.Tensor) => tf.sum(tf.mul(biasAct(tf.mul(w, u), b, act, gain, clamp), p)))(s))))(
        x,
      );
      return [y, gx!, gb!, second];
    });
    native.forEach((v, i) => assert.ok(relativeError(v, stock[i]!) < 1e-5, `${act} ${gain} ${clamp} output ${i}: ${relativeError(v, stock[i]!)}`));
  }
});

test("StyleGAN2's transposed-convolution upsampling draws what zero insertion, FIR and a 3×3 convolution draw", () => {
  const f = setupFilter([1, 3, 3, 1]);
  for (const flipWeight of [false, true]) {
    const [fast, slow] = tf.tidy(() => {
      const x = tf.randomNormal([2, 5, 5, 6], 0, 1, 'float32', 3) as tf.Tensor4D;
      const w = tf.randomNormal([4, 6, 3, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
      return [
        conv2dResample(x, w, f, { up: 2, padding: 1, flipWeight, transposed: true }).dataSync() as Float32Array,
        conv2dResample(x, w, f, { up: 2, padding: 1, flipWeight }).dataSync() as Float32Array,
      ];
    });
    assert.ok(relativeError(fast, slow) < 1e-5, `flipWeight ${flipWeight}: ${relativeError(fast, slow)}`);
  }
});

test('native transposes equal tfjs-cpu on merged, tiled and trivial permutations', () => {
  const cases: [number[], number[]][] = [
    [
      [64, 48, 3, 3],
      [2, 3, 1, 0],
    ],
    [
      [4, 9, 10, 3],
      [0, 3, 1, 2],
    ],
    [
      [5, 7],
      [1, 0],
    ],
    [
      [2, 1, 3, 4, 5],
      [4, 1, 0, 3, 2],
    ],
    [
      [3, 4, 5],
      [0, 1, 2],
    ],
    [
      [33, 65, 17],
      [2, 0, 1],
    ],
  ];
  for (const [shape, perm] of cases) {
    const { native, stock } = bothWays('cpu', () => [tf.transpose(tf.randomNormal(shape, 0, 1, 'float32', 5), perm)]);
    assert.deepEqual(Array.from(native[0]!), Array.from(stock[0]!), `${shape} by ${perm}`);
  }
});

test("the fused Adam kernel computes exactly tfjs's Adam, bit for bit, over several steps", () => {
  const { native, stock } = bothWays('cpu', () => {
    const v = tf.variable(tf.randomNormal([1000], 0, 1, 'float32', 6), true);
    const opt = new StepwiseAdam(0.003, 0.5, 0.99, 1e-8);
    for (let step = 0; step < 4; step++) {
      const g = tf.mul(tf.randomNormal([1000], 0, 1, 'float32', 7 + step), 1e-3 * (step + 1));
      opt.applyGradients({ [v.name]: g });
      g.dispose();
    }
    const out = v.clone();
    v.dispose();
    opt.dispose();
    return [out];
  });
  assert.deepEqual(Array.from(native[0]!), Array.from(stock[0]!));
});

test("the progressive GAN's resampling and leaky ReLU on the one-pass kernels equal their tfjs-op forms, WGAN-GP's second derivative included", () => {
  const { native, stock } = bothWays('cpu', () => {
    const x = tf.randomNormal([2, 8, 8, 3], 0, 1, 'float32', 8) as tf.Tensor4D;
    const w = tf.randomNormal([3, 3, 3, 4], 0, 1, 'float32', 9) as tf.Tensor4D;
    const d = (v: tf.Tensor4D) => tf.sum(tf.square(downsample(leaky(tf.conv2d(upsample(v, 4), w, 1, 'same')))));
    const up = upsample(x, 4);
    const grad = tf.grad((v: tf.Tensor) => d(v as tf.Tensor4D))(x);
    const penalty = tf.grad((k: tf.Tensor) =>
      tf.sum(tf.square(tf.grad((v: tf.Tensor) => tf.sum(tf.square(downsample(leaky(tf.conv2d(v as tf.Tensor4D, k as tf.Tensor4D, 1, 'same'))))))(x))),
    )(w);
    return [up, downsample(x), grad, penalty];
  });
  native.forEach((v, i) => assert.ok(relativeError(v, stock[i]!) < 1e-5, `output ${i}: ${relativeError(v, stock[i]!)}`));
});
