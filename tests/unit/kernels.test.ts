// The JavaScript and XNNPACK kernels that run where the native ones are not built: this file
// turns the native kernels off (tests/unit/native-kernels.test.ts checks those).
import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { installFastCpuFilterGradient, uninstallFastCpuFilterGradient } from '../../electron/engine/kernels/conv2d-backprop-filter';
import { imageChunks } from '../../electron/engine/kernels/wasm-conv-gemm';

process.env.LEPORELLO_NATIVE = '0';

before(async () => {
  await selectBackend('cpu');
});

/** The gradient of Σ(conv · probe) with respect to the filter, for conv2d and conv2dTranspose. */
function filterGradients(
  xShape: [number, number, number, number],
  k: number,
  cin: number,
  cout: number,
  stride: number,
  pad: 'same' | 'valid',
): Float32Array[] {
  return tf.tidy(() => {
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
    const w = tf.randomNormal([k, k, cin, cout], 0, 1, 'float32', 2) as tf.Tensor4D;
    const forward = tf.grad((f: tf.Tensor) => {
      const y = tf.conv2d(x, f as tf.Tensor4D, stride, pad);
      return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 3)));
    });
    const wt = tf.randomNormal([k, k, cout, cin], 0, 1, 'float32', 4) as tf.Tensor4D;
    const outShape: [number, number, number, number] = [xShape[0], xShape[1] * stride, xShape[2] * stride, cout];
    const transposed = tf.grad((f: tf.Tensor) => {
      const y = tf.conv2dTranspose(x, f as tf.Tensor4D, outShape, stride, 'same');
      return tf.sum(tf.mul(y, tf.randomNormal(y.shape, 0, 1, 'float32', 5)));
    });
    return [forward(w).dataSync() as Float32Array, transposed(wt).dataSync() as Float32Array];
  });
}

test("the fast cpu filter gradient equals tfjs-cpu's own, for convolutions and transposed convolutions", () => {
  const cases: [[number, number, number, number], number, number, number, number, 'same' | 'valid'][] = [
    [[2, 9, 9, 3], 4, 3, 5, 2, 'same'],
    [[2, 8, 8, 4], 3, 4, 6, 1, 'same'],
    [[1, 7, 7, 2], 3, 2, 3, 2, 'valid'],
    [[3, 8, 8, 3], 4, 3, 4, 2, 'same'],
  ];
  for (const c of cases) {
    installFastCpuFilterGradient();
    const fast = filterGradients(...c);
    uninstallFastCpuFilterGradient();
    const stock = filterGradients(...c);
    installFastCpuFilterGradient();
    for (let g = 0; g < 2; g++) {
      assert.equal(fast[g]!.length, stock[g]!.length);
      let worst = 0;
      for (let i = 0; i < fast[g]!.length; i++) worst = Math.max(worst, Math.abs(fast[g]![i]! - stock[g]![i]!) / (1 + Math.abs(stock[g]![i]!)));
      assert.ok(worst < 1e-4, `${JSON.stringify(c)} ${g ? 'transposed' : 'conv'}: relative error ${worst}`);
    }
  }
});

/** Both gradients of Σ(conv2d(x, w) · probe), and conv2dTranspose's forward pass, on the current backend. */
async function convGradients(
  xShape: [number, number, number, number],
  k: number,
  cout: number,
  stride: number,
  pad: 'same' | 'valid',
): Promise<Float32Array[]> {
  const x = tf.randomNormal(xShape, 0, 1, 'float32', 1) as tf.Tensor4D;
  const w = tf.randomNormal([k, k, xShape[3], cout], 0, 1, 'float32', 2) as tf.Tensor4D;
  const y = tf.conv2d(x, w, stride, pad);
  const probe = tf.randomNormal(y.shape, 0, 1, 'float32', 3);
  const [dx, dw] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad), probe)))([x, w]);
  const transposed = tf.conv2dTranspose(probe as tf.Tensor4D, w, xShape, stride, pad);
  const out = [(await dx!.data()) as Float32Array, (await dw!.data()) as Float32Array, (await transposed.data()) as Float32Array];
  tf.dispose([x, w, y, probe, dx!, dw!, transposed]);
  return out;
}

test('large batches are done in slices of whole images that fit the scratch budget', () => {
  const layer = { batchSize: 5, outHeight: 64, outWidth: 64, filterHeight: 4, filterWidth: 4, inChannels: 64 };
  assert.deepEqual(imageChunks(layer), [
    [0, 4],
    [4, 5],
  ]);
  assert.deepEqual(
    imageChunks({ ...layer, batchSize: 2 }, 1),
    [
      [0, 1],
      [1, 2],
    ],
    'never less than one image',
  );
  assert.deepEqual(imageChunks({ ...layer, outHeight: 8, outWidth: 8 }), [[0, 5]]);
});

test("the wasm convolution gradients (im2col and XNNPACK matrix products) equal the cpu backend's", async () => {
  const cases: [[number, number, number, number], number, number, number, 'same' | 'valid'][] = [
    [[2, 9, 9, 3], 4, 5, 2, 'same'],
    [[2, 8, 8, 4], 3, 6, 1, 'same'],
    [[1, 7, 7, 2], 3, 3, 2, 'valid'],
    [[3, 8, 8, 3], 4, 4, 2, 'same'],
    [[2, 4, 4, 16], 1, 3, 1, 'same'],
    [[4, 16, 16, 8], 4, 16, 2, 'same'],
    // 4 M floats of im2col per image: done four images, then one, within the 16 M-float scratch budget.
    [[5, 64, 64, 64], 4, 8, 1, 'same'],
  ];
  for (const c of cases) {
    await selectBackend('cpu');
    const onCpu = await convGradients(...c);
    await selectBackend('wasm');
    const onWasm = await convGradients(...c);
    // float32 sums round differently in a different order: the filter gradient sums n·h·w terms.
    const terms = c[0][0] * c[0][1] * c[0][2];
    const tolerance = 1e-4 * Math.max(1, Math.sqrt(terms / 1000));
    for (const [i, name] of ['input gradient', 'filter gradient', 'transposed convolution'].entries()) {
      let worst = 0;
      for (let j = 0; j < onCpu[i]!.length; j++) worst = Math.max(worst, Math.abs(onCpu[i]![j]! - onWasm[i]![j]!) / (1 + Math.abs(onCpu[i]![j]!)));
      assert.ok(worst < tolerance, `${JSON.stringify(c)} ${name}: relative error ${worst}`);
    }
  }
  await selectBackend('cpu');
});
