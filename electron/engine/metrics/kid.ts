// Kernel distance between two sets of features: the unbiased estimate of the squared maximum mean
// discrepancy with the cubic polynomial kernel k(x, y) = (x·y / d + 1)³, averaged over random
// subsets of equal size — as NVIDIA's kid50k computes it (100 subsets of at most 1000). On
// Inception features it is KID; here it is computed on whatever features it is given.
import { Rng } from '../nn/rng';

export const KID_SETTINGS = { subsets: 100, maxSubsetSize: 1000 } as const;

/** `m` distinct indices of 0…n−1, in random order. */
function choose(n: number, m: number, rng: Rng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < m; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    [all[i], all[j]] = [all[j]!, all[i]!];
  }
  return all.slice(0, m);
}

function dot(a: Float32Array | Float64Array, b: Float32Array | Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function kernelDistance(
  reals: Float32Array[],
  fakes: Float32Array[],
  seed = 0x1d,
  settings: { subsets: number; maxSubsetSize: number } = KID_SETTINGS,
): number {
  const d = reals[0]!.length;
  const m = Math.min(reals.length, fakes.length, settings.maxSubsetSize);
  if (m < 2) throw new Error(`the kernel distance needs two features or more on each side (it has ${reals.length} and ${fakes.length})`);
  const rng = new Rng(seed);
  const k = (a: Float32Array, b: Float32Array) => (dot(a, b) / d + 1) ** 3;
  let t = 0;
  for (let s = 0; s < settings.subsets; s++) {
    const x = choose(fakes.length, m, rng).map((i) => fakes[i]!);
    const y = choose(reals.length, m, rng).map((i) => reals[i]!);
    // Σ over i ≠ j of k(xi, xj) + k(yi, yj), and Σ over all i, j of k(xi, yj).
    let within = 0;
    let across = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) within += 2 * (k(x[i]!, x[j]!) + k(y[i]!, y[j]!));
      for (let j = 0; j < m; j++) across += k(x[i]!, y[j]!);
    }
    t += within / (m - 1) - (across * 2) / m;
  }
  return t / settings.subsets / m;
}
