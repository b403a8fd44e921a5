// Linear discriminant analysis of labelled latents: the directions that best separate two or more
// classes (the generalized eigenvectors of the between-class scatter against the within-class
// covariance), each latent's place along them for the studio's histogram or scatter, and the
// classifier they give (shared Gaussian covariance, class priors from the counts). With fewer
// latents than dimensions the covariance cannot be inverted; it is then shrunk toward a multiple
// of the identity by `shrinkage`, as scikit-learn's 'eigen' solver does with a fixed shrinkage.
import type { LdaModel } from '../../../shared/feature-report';
import { symmetricEigen } from '../linalg';

export type { LdaModel };

type Matrix = Float64Array[];

/** Cholesky factor L (lower) of a symmetric positive-definite matrix. */
function cholesky(a: Matrix): Matrix {
  const n = a.length;
  const l = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i]![j]!;
      const li = l[i]!;
      const lj = l[j]!;
      for (let k = 0; k < j; k++) s -= li[k]! * lj[k]!;
      if (i === j) {
        if (s <= 0) throw new Error('the within-class covariance is singular: give more labelled latents, or a shrinkage above 0');
        li[i] = Math.sqrt(s);
      } else li[j] = s / lj[j]!;
    }
  }
  return l;
}

/** Solves L y = b (forward) for lower-triangular L. */
function forward(l: Matrix, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(b.length);
  for (let i = 0; i < b.length; i++) {
    let s = b[i]!;
    const li = l[i]!;
    for (let k = 0; k < i; k++) s -= li[k]! * y[k]!;
    y[i] = s / li[i]!;
  }
  return y;
}

/** Solves Lᵀ x = y (backward). */
function backward(l: Matrix, y: ArrayLike<number>): Float64Array {
  const n = y.length;
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k]![i]! * x[k]!;
    x[i] = s / l[i]![i]!;
  }
  return x;
}

export function fitLda(vectors: ArrayLike<number>[], labels: string[], shrinkage = 0): LdaModel {
  const classes = [...new Set(labels)].sort();
  if (classes.length < 2) throw new Error(`LDA needs two classes or more; the labels hold ${classes.length}`);
  const N = vectors.length;
  const d = vectors[0]!.length;
  const members = classes.map((c) => vectors.filter((_, i) => labels[i] === c));
  const small = members.findIndex((m) => m.length < 2);
  if (small >= 0) throw new Error(`class "${classes[small]}" has ${members[small]!.length} labelled latent; each class needs two or more`);
  const means = members.map((m) => {
    const out = new Float64Array(d);
    for (const v of m) for (let j = 0; j < d; j++) out[j]! += v[j]! / m.length;
    return out;
  });
  const priors = members.map((m) => m.length / N);
  // Within-class covariance Σ = Sw / N (each class's biased covariance, weighted by its prior),
  // shrunk toward the identity scaled by its mean variance: (1 − γ) Σ + γ tr(Σ)/d I.
  const cov = Array.from({ length: d }, () => new Float64Array(d));
  members.forEach((m, k) => {
    const mk = means[k]!;
    for (const v of m) {
      for (let i = 0; i < d; i++) {
        const di = (v[i]! - mk[i]!) / N;
        const row = cov[i]!;
        for (let j = 0; j <= i; j++) row[j]! += di * (v[j]! - mk[j]!);
      }
    }
  });
  let trace = 0;
  for (let i = 0; i < d; i++) trace += cov[i]![i]!;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < i; j++) cov[i]![j] = (1 - shrinkage) * cov[i]![j]!;
    cov[i]![i] = (1 - shrinkage) * cov[i]![i]! + (shrinkage * trace) / d;
  }
  const l = cholesky(cov);
  // Between-class scatter B Bᵀ with B's columns √πₖ (mₖ − m), whitened by L: C = L⁻¹ B.
  const grand = new Float64Array(d);
  means.forEach((m, k) => m.forEach((x, j) => (grand[j]! += priors[k]! * x)));
  const c = means.map((m, k) =>
    forward(
      l,
      Float64Array.from(m, (x, j) => Math.sqrt(priors[k]!) * (x - grand[j]!)),
    ),
  );
  const K = classes.length;
  const gram = Array.from({ length: K }, (_, i) => Array.from({ length: K }, (_, j) => c[i]!.reduce((s, x, t) => s + x * c[j]![t]!, 0)));
  const { values, vectors: u } = symmetricEigen(gram);
  const kept = values.slice(0, K - 1);
  const directions = kept.map((lambda, e) => {
    // The whitened direction C u / √λ has unit length; back through Lᵀ it has unit within-class variance under Σ.
    const white = new Float64Array(d);
    for (let k = 0; k < K; k++) for (let j = 0; j < d; j++) white[j]! += (c[k]![j]! * u[e]![k]!) / Math.sqrt(lambda);
    return Array.from(backward(l, white));
  });
  const total = kept.reduce((a, b) => a + b, 0);
  const model: LdaModel = { classes, priors, shrinkage, directions, explained: kept.map((x) => x / total), centres: [] };
  model.centres = means.map((m) => projectLda(model, m));
  return model;
}

/** A latent's place along the discriminant directions. */
export function projectLda(model: Pick<LdaModel, 'directions'>, v: ArrayLike<number>): number[] {
  return model.directions.map((w) => w.reduce((s, x, j) => s + x * v[j]!, 0));
}

/** The classifier's probability for each class (in `model.classes` order). */
export function classify(model: LdaModel, v: ArrayLike<number>): number[] {
  const z = projectLda(model, v);
  const scores = model.centres.map((c, k) => -0.5 * c.reduce((s, x, j) => s + (z[j]! - x) ** 2, 0) + Math.log(model.priors[k]!));
  const top = Math.max(...scores);
  const e = scores.map((s) => Math.exp(s - top));
  const total = e.reduce((a, b) => a + b, 0);
  return e.map((x) => x / total);
}
