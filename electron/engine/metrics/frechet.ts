// The Fréchet distance between two sets of features, each taken as a Gaussian: the squared distance
// of their means plus Tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½) — FID's formula (Heusel et al. 2017), computed as
// NVIDIA's metrics compute it (unbiased covariances), on whatever features it is given. The trace
// of (Σ₁Σ₂)^½ is the sum of the square roots of the eigenvalues of Σ₂^½ Σ₁ Σ₂^½, which is symmetric;
// for sets smaller than the features are long, of a matrix the size of the smaller set instead.
import { symmetricEigen } from '../linalg';

function meanAndCovariance(features: Float32Array[]): { mean: Float64Array; cov: number[][] } {
  const n = features.length;
  const d = features[0]!.length;
  const mean = new Float64Array(d);
  for (const f of features) for (let i = 0; i < d; i++) mean[i]! += f[i]! / n;
  const cov = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const centred = new Float64Array(d);
  for (const f of features) {
    for (let i = 0; i < d; i++) centred[i] = f[i]! - mean[i]!;
    for (let i = 0; i < d; i++) {
      const ci = centred[i]!;
      const row = cov[i]!;
      for (let j = i; j < d; j++) row[j]! += ci * centred[j]!;
    }
  }
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      cov[i]![j] = cov[i]![j]! / (n - 1);
      cov[j]![i] = cov[i]![j]!;
    }
  return { mean, cov };
}

function multiply(a: number[][], b: number[][]): number[][] {
  const n = a.length;
  return a.map((row) => {
    const out = new Array<number>(n).fill(0);
    for (let k = 0; k < n; k++) {
      const r = row[k]!;
      if (r === 0) continue;
      const bk = b[k]!;
      for (let j = 0; j < n; j++) out[j]! += r * bk[j]!;
    }
    return out;
  });
}

/** The symmetric square root of a positive semi-definite matrix (negative rounding clipped to 0). */
function sqrtPsd(a: number[][]): number[][] {
  const { values, vectors } = symmetricEigen(a);
  const n = a.length;
  const out = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  values.forEach((value, k) => {
    const s = Math.sqrt(Math.max(value, 0));
    const v = vectors[k]!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) out[i]![j]! += s * v[i]! * v[j]!;
  });
  return out;
}

/** Each feature minus the set's mean, in double precision, and the mean. */
function centred(features: Float32Array[]): { mean: Float64Array; rows: Float64Array[] } {
  const d = features[0]!.length;
  const mean = new Float64Array(d);
  for (const f of features) for (let i = 0; i < d; i++) mean[i]! += f[i]! / features.length;
  return { mean, rows: features.map((f) => Float64Array.from(f, (v, i) => v - mean[i]!)) };
}

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/**
 * Tr (Σ₁Σ₂)^½ without forming a d × d matrix, for sets smaller than the features are long (a few
 * hundred pictures' 2048 Inception features): with X₁, X₂ the centred features as rows,
 * Σ₁Σ₂ = X₁ᵀX₁X₂ᵀX₂ / ((n₁−1)(n₂−1)) has the non-zero eigenvalues of G Gᵀ / ((n₁−1)(n₂−1)), G = X₂X₁ᵀ,
 * a symmetric matrix the size of the smaller set.
 */
function traceRootFromSamples(a: Float64Array[], b: Float64Array[]): number {
  const [small, large] = a.length <= b.length ? [a, b] : [b, a];
  const g = small.map((x) => large.map((y) => dot(x, y)));
  const ggt = g.map((gi) => g.map((gj) => gi.reduce((sum, v, k) => sum + v * gj[k]!, 0)));
  const { values } = symmetricEigen(ggt);
  return values.reduce((sum, v) => sum + Math.sqrt(Math.max(v, 0)), 0) / Math.sqrt((a.length - 1) * (b.length - 1));
}

export function frechetDistance(reals: Float32Array[], fakes: Float32Array[]): number {
  if (reals.length < 2 || fakes.length < 2)
    throw new Error(`the Fréchet distance needs two features or more on each side (it has ${reals.length} and ${fakes.length})`);
  const d = reals[0]!.length;
  if (Math.min(reals.length, fakes.length) <= d) {
    const [r, f] = [centred(reals), centred(fakes)];
    let meanTerm = 0;
    for (let i = 0; i < d; i++) meanTerm += (r.mean[i]! - f.mean[i]!) ** 2;
    const trace = (rows: Float64Array[]) => rows.reduce((sum, x) => sum + dot(x, x), 0) / (rows.length - 1);
    return meanTerm + trace(r.rows) + trace(f.rows) - 2 * traceRootFromSamples(r.rows, f.rows);
  }
  const r = meanAndCovariance(reals);
  const f = meanAndCovariance(fakes);
  let meanTerm = 0;
  for (let i = 0; i < r.mean.length; i++) meanTerm += (r.mean[i]! - f.mean[i]!) ** 2;
  const root = sqrtPsd(r.cov);
  const { values } = symmetricEigen(multiply(multiply(root, f.cov), root));
  const traceRoot = values.reduce((sum, v) => sum + Math.sqrt(Math.max(v, 0)), 0);
  let trace = 0;
  for (let i = 0; i < r.cov.length; i++) trace += r.cov[i]![i]! + f.cov[i]![i]!;
  return meanTerm + trace - 2 * traceRoot;
}
