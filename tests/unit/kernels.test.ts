import assert from 'node:assert/strict';
import { before, test } from 'node:test';
import * as tf from '../../electron/engine/tf';
import { selectBackend } from '../../electron/engine/backends';
import { installFastCpuFilterGradient, uninstallFastCpuFilterGradient } from '../../electron/engine/kernels/conv2d-backprop-filter';

before(async () => {
  await selectBackend('cpu');
});

/** The gradient of Σ(conv · probe) with respect to the filter, for conv2d and conv2dTranspose. */
function filterGradients(xShape: [number, number, number, number], k: number, cin: number, cout: number, stride: number, pad: 'same' | 'valid'): Float32Array[] {
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
      const y = tf.conv2dTranspose(x, f as tf.Tensor4D, outShape, stride, "same");
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
