import assert from 'node:assert/strict';
import { test } from 'node:test';
import { laplacianPyramid, pyrDown, pyrUp, swd, swdResolutions, wasserstein1 } from '../../electron/engine/metrics/swd';
import { Rng } from '../../electron/engine/nn/rng';

/** Smooth "portraits": a lit oval on a graded ground, placed and tinted at random. */
function faces(count: number, r: number, seed: number): Uint8Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const cx = r * (0.4 + 0.2 * rng.next());
    const cy = r * (0.4 + 0.2 * rng.next());
    const tint = [0.8 + 0.2 * rng.next(), 0.6 + 0.2 * rng.next(), 0.5 + 0.2 * rng.next()];
    const img = new Uint8Array(r * r * 3);
    for (let y = 0; y < r; y++)
      for (let x = 0; x < r; x++) {
        const d = ((x - cx) / (0.3 * r)) ** 2 + ((y - cy) / (0.4 * r)) ** 2;
        const v = d < 1 ? 200 * (1 - 0.5 * d) : 40 + (60 * y) / r;
        for (let c = 0; c < 3; c++) img[(y * r + x) * 3 + c] = Math.round(v * tint[c]!);
      }
    return img;
  });
}

function noise(count: number, r: number, seed: number): Uint8Array[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => Uint8Array.from({ length: r * r * 3 }, () => Math.floor(rng.next() * 256)));
}

test('SWD: the Laplacian pyramid adds back up to the image, and its filters keep a flat grey flat', () => {
  const rng = new Rng(3);
  const img = Float32Array.from({ length: 32 * 32 }, () => rng.next() * 255);
  const levels = laplacianPyramid(img, 32, 2);
  const back = pyrUp(levels[1]!, 16).map((v, i) => v + levels[0]![i]!);
  for (let i = 0; i < img.length; i++) assert.ok(Math.abs(back[i]! - img[i]!) < 1e-3);
  const flat = new Float32Array(16 * 16).fill(100);
  for (const v of pyrDown(flat, 16)) assert.ok(Math.abs(v - 100) < 1e-4);
  for (const v of pyrUp(flat, 16)) assert.ok(Math.abs(v - 100) < 1e-4);
  assert.deepEqual(swdResolutions(64), [64, 32, 16]);
  assert.deepEqual(swdResolutions(256), [256, 128, 64, 32, 16]);
});

test('SWD: the 1-D distance is the mean gap of sorted samples for equal sizes, and sizes may differ', () => {
  assert.ok(Math.abs(wasserstein1(Float32Array.from([0, 1, 2]), Float32Array.from([1, 1, 5])) - 4 / 3) < 1e-6);
  assert.equal(wasserstein1(Float32Array.from([1, 2, 3]), Float32Array.from([1, 1, 2, 2, 3, 3])), 0);
  assert.ok(Math.abs(wasserstein1(Float32Array.from([0, 0]), Float32Array.from([1, 1, 1])) - 1) < 1e-6);
});

test('SWD: two sets of the same kind of picture are close, noise is far, and the seed makes it repeatable', () => {
  const reals = faces(10, 32, 1);
  const alike = faces(8, 32, 2);
  const far = noise(8, 32, 3);
  const near = swd(reals, alike, 32, 3);
  const noisy = swd(reals, far, 32, 3);
  assert.deepEqual(
    near.levels.map((l) => l.resolution),
    [32, 16],
  );
  assert.ok(noisy.average > 2.5 * near.average, `noise ${noisy.average} against alike ${near.average}`);
  for (let i = 0; i < 2; i++) assert.ok(noisy.levels[i]!.value > near.levels[i]!.value);
  assert.deepEqual(swd(reals, alike, 32, 3), near);
  assert.ok(Math.abs(near.average - (near.levels[0]!.value + near.levels[1]!.value) / 2) < 1e-9);
});
