// The quality metrics against reference numbers computed from the published algorithms with numpy
// and scipy (tests/fixtures/metrics/make_reference.py; this test only reads its JSON): SWD's
// Laplacian pyramid exactly, SWD itself within the spread of the reference's own random sampling,
// KID, the Fréchet distance and precision/recall to rounding. Then what each must show: identical
// sets score at the floor (0, or SWD's sampling noise), blurred or shifted sets worse and worse, a
// collapsed generator loses recall.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { frechetDistance } from '../../electron/engine/metrics/frechet';
import { kernelDistance } from '../../electron/engine/metrics/kid';
import { precisionRecall } from '../../electron/engine/metrics/precision-recall';
import { laplacianPyramid, swd } from '../../electron/engine/metrics/swd';
import { repoRoot } from '../helpers';

interface Reference {
  resolution: number;
  images: Record<'reals' | 'held_out' | 'blur1' | 'blur2' | 'shift', string>;
  pyramid: { level0: string; level1: string };
  swd: Record<string, { mean: number[]; std: number[] }>;
  features: {
    dim: number;
    real: string;
    near: string;
    collapsed: string;
    kid: { near: number; collapsed: number };
    fd: { near: number; collapsed: number; self: number };
    pr: { near: [number, number]; collapsed: [number, number] };
  };
}

const ref = JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'metrics', 'reference.json'), 'utf8')) as Reference;
const r = ref.resolution;
const bytes = (b64: string) => new Uint8Array(Buffer.from(b64, 'base64'));
const images = (b64: string) => {
  const all = bytes(b64);
  const size = r * r * 3;
  return Array.from({ length: all.length / size }, (_, i) => all.subarray(i * size, (i + 1) * size));
};
const floats = (b64: string) => new Float32Array(bytes(b64).slice().buffer);
const features = (b64: string) => {
  const all = floats(b64);
  const d = ref.features.dim;
  return Array.from({ length: all.length / d }, (_, i) => all.subarray(i * d, (i + 1) * d));
};
const close = (a: number, b: number, tolerance: number) => Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b));

test("SWD's Laplacian pyramid equals scipy's (cv2.pyrDown/pyrUp's filter, mirrored edges)", () => {
  const image = images(ref.images.reals)[0]!;
  const expected = [floats(ref.pyramid.level0), floats(ref.pyramid.level1)];
  for (let c = 0; c < 3; c++) {
    const plane = Float32Array.from({ length: r * r }, (_, i) => image[i * 3 + c]!);
    const levels = laplacianPyramid(plane, r, 2);
    levels.forEach((level, l) => {
      const side = r >> l;
      for (let i = 0; i < side * side; i++) assert.ok(Math.abs(level[i]! - expected[l]![i * 3 + c]!) < 1e-3, `level ${l}, channel ${c}, pixel ${i}`);
    });
  }
});

test("SWD agrees with the paper's algorithm in numpy, within the spread of its own random sampling", () => {
  const reals = images(ref.images.reals);
  for (const name of ['held_out', 'blur1', 'blur2', 'shift'] as const) {
    const ours = swd(reals, images(ref.images[name]), r, 3);
    const { mean, std } = ref.swd[name]!;
    ours.levels.forEach((level, i) => {
      const allowed = Math.max(4 * std[i]!, 0.15 * mean[i]!);
      assert.ok(
        Math.abs(level.value - mean[i]!) <= allowed,
        `${name} at ${level.resolution} px: ${level.value.toFixed(2)} against ${mean[i]!.toFixed(2)} ± ${std[i]!.toFixed(2)}`,
      );
    });
  }
});

test('SWD: held-out portraits of the same kind score lowest; blurring more, or shifting, scores worse', () => {
  const reals = images(ref.images.reals);
  const score = (name: keyof Reference['images']) => swd(reals, images(ref.images[name]), r, 3).average;
  const [held, blur1, blur2, shift] = [score('held_out'), score('blur1'), score('blur2'), score('shift')];
  assert.ok(held < blur1 && blur1 < blur2, `held-out ${held.toFixed(1)} < blur σ1 ${blur1.toFixed(1)} < blur σ2 ${blur2.toFixed(1)}`);
  assert.ok(held < shift, `held-out ${held.toFixed(1)} < shifted ${shift.toFixed(1)}`);
  // A set against itself: only the sampling of neighbourhoods separates the two sides, the floor
  // every comparison shares (the paper's code draws them apart too).
  const self = swd(reals, reals, r, 3).average;
  assert.ok(self <= held * 1.2 && self < blur1 / 2 && self < shift / 4, `itself ${self.toFixed(1)}, held-out ${held.toFixed(1)}`);
});

test("KID and the Fréchet distance equal numpy/scipy's on the same features", () => {
  const real = features(ref.features.real);
  for (const name of ['near', 'collapsed'] as const) {
    const fake = features(ref.features[name]);
    // All 60 features in each of 3 subsets: the same sum whatever order the subsets draw them in.
    const kid = kernelDistance(real, fake, 1, { subsets: 3, maxSubsetSize: 1000 });
    assert.ok(close(kid, ref.features.kid[name], 1e-6), `KID ${name}: ${kid} against ${ref.features.kid[name]}`);
    const fd = frechetDistance(real, fake);
    assert.ok(close(fd, ref.features.fd[name], 1e-5), `FD ${name}: ${fd} against ${ref.features.fd[name]}`);
  }
  assert.ok(Math.abs(frechetDistance(real, real)) < 1e-6 && Math.abs(ref.features.fd.self) < 1e-6, 'a set against itself is 0');
});

test("precision and recall equal numpy's; a collapsed generator keeps precision and loses recall", () => {
  const real = features(ref.features.real);
  for (const name of ['near', 'collapsed'] as const) {
    const { precision, recall } = precisionRecall(real, features(ref.features[name]));
    assert.deepEqual([precision, recall], ref.features.pr[name]);
  }
  const collapsed = precisionRecall(real, features(ref.features.collapsed));
  const near = precisionRecall(real, features(ref.features.near));
  assert.ok(collapsed.recall < 0.2 && near.recall > 0.5, `recall: collapsed ${collapsed.recall}, near ${near.recall}`);
  const self = precisionRecall(real, real);
  assert.deepEqual([self.precision, self.recall], [1, 1], 'a held-in set covers itself');
});

test('the Fréchet distance of sets smaller than their features are long (Inception: 2048) equals the covariance form', () => {
  let s = 7;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  const set = (n: number, d: number, shift: number) =>
    Array.from({ length: n }, () => Float32Array.from({ length: d }, (_, i) => rand() * (1 + i / d) + shift));
  const [a, b] = [set(20, 16, 0), set(24, 16, 0.3)];
  // Zero columns change nothing, but make the sets smaller than the features are long.
  const widen = (x: Float32Array[]) => x.map((f) => Float32Array.from({ length: 32 }, (_, i) => (i < 16 ? f[i]! : 0)));
  const covarianceForm = frechetDistance(a, b);
  const sampleForm = frechetDistance(widen(a), widen(b));
  assert.ok(covarianceForm > 1 && close(sampleForm, covarianceForm, 1e-7), `${sampleForm} against ${covarianceForm}`);
});
