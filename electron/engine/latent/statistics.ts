// The statistics of the thesis' feature analysis, per latent dimension: two-sample t-tests
// (Student's with pooled variance, Welch's without), with the checks that say which one to trust —
// D'Agostino and Pearson's normality test for each group and Levene's test (centred on the median,
// as Brown and Forsythe proposed) for equal variances — and Benjamini–Hochberg q-values, since
// hundreds of dimensions are tested at once. The distributions come from the regularized
// incomplete beta function.
import type { DimensionTest, TTest } from '../../../shared/feature-report';

export type { DimensionTest, TTest };

const sum = (xs: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
};
export const mean = (xs: ArrayLike<number>) => sum(xs) / xs.length;

/** Unbiased sample variance (n − 1). */
export function variance(xs: ArrayLike<number>): number {
  const m = mean(xs);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (xs[i]! - m) ** 2;
  return s / (xs.length - 1);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}

/** ln Γ(x), Lanczos' approximation (g = 7, nine terms), good to about 15 digits. */
export function lnGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012,
    9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - lnGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function, by the modified Lentz method. */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 1000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
export function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The fraction converges fast on one side of the mean; use the symmetry on the other.
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/** P(X ≥ k) for X binomial with n trials of probability p: how often chance alone does as well. */
export const binomialUpperTail = (k: number, n: number, p: number) => (k <= 0 ? 1 : k > n ? 0 : incompleteBeta(k, n - k + 1, p));

/** Two-sided p-value of Student's t with `df` degrees of freedom. */
export const tTwoSided = (t: number, df: number) => incompleteBeta(df / 2, 0.5, df / (df + t * t));

/** P(F > f) for Fisher's F with (d1, d2) degrees of freedom. */
export const fSurvival = (f: number, d1: number, d2: number) => (f <= 0 ? 1 : incompleteBeta(d2 / 2, d1 / 2, d2 / (d2 + d1 * f)));

/** Student's two-sample t-test, variances pooled. */
export function studentT(a: ArrayLike<number>, b: ArrayLike<number>): TTest {
  const [n1, n2] = [a.length, b.length];
  const pooled = ((n1 - 1) * variance(a) + (n2 - 1) * variance(b)) / (n1 + n2 - 2);
  const t = (mean(a) - mean(b)) / Math.sqrt(pooled * (1 / n1 + 1 / n2));
  const df = n1 + n2 - 2;
  return { t, df, p: tTwoSided(t, df) };
}

/** Welch's two-sample t-test, variances not assumed equal (Welch–Satterthwaite degrees of freedom). */
export function welchT(a: ArrayLike<number>, b: ArrayLike<number>): TTest {
  const [v1, v2] = [variance(a) / a.length, variance(b) / b.length];
  const t = (mean(a) - mean(b)) / Math.sqrt(v1 + v2);
  const df = (v1 + v2) ** 2 / (v1 ** 2 / (a.length - 1) + v2 ** 2 / (b.length - 1));
  return { t, df, p: tTwoSided(t, df) };
}

/** Levene's test of equal variances across groups, deviations from each group's median. */
export function levene(groups: ArrayLike<number>[]): { w: number; p: number } {
  const z = groups.map((g) => {
    const m = median(Array.from(g));
    return Array.from(g, (x) => Math.abs(x - m));
  });
  const N = sum(z.map((g) => g.length));
  const k = z.length;
  const grand = sum(z.map(sum)) / N;
  const means = z.map(mean);
  const between = sum(z.map((g, i) => g.length * (means[i]! - grand) ** 2));
  const within = sum(z.map((g, i) => sum(g.map((v) => (v - means[i]!) ** 2))));
  const w = ((N - k) / (k - 1)) * (between / within);
  return { w, p: fSurvival(w, k - 1, N - k) };
}

/** D'Agostino and Pearson's omnibus normality test (skewness and kurtosis); null below 8 values, where it is undefined. */
export function normalityTest(xs: ArrayLike<number>): { k2: number; p: number } | null {
  const n = xs.length;
  if (n < 8) return null;
  const m = mean(xs);
  let [m2, m3, m4] = [0, 0, 0];
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    m2 += d * d;
    m3 += d ** 3;
    m4 += d ** 4;
  }
  [m2, m3, m4] = [m2 / n, m3 / n, m4 / n];
  if (m2 === 0) return null;
  // Skewness, transformed to a standard normal (D'Agostino 1970).
  const b1 = m3 / m2 ** 1.5;
  let y = b1 * Math.sqrt(((n + 1) * (n + 3)) / (6 * (n - 2)));
  const beta2 = (3 * (n * n + 27 * n - 70) * (n + 1) * (n + 3)) / ((n - 2) * (n + 5) * (n + 7) * (n + 9));
  const w2 = -1 + Math.sqrt(2 * (beta2 - 1));
  const delta = 1 / Math.sqrt(0.5 * Math.log(w2));
  const alpha = Math.sqrt(2 / (w2 - 1));
  if (y === 0) y = 1;
  const zSkew = delta * Math.log(y / alpha + Math.sqrt((y / alpha) ** 2 + 1));
  // Kurtosis, by Anscombe and Glynn's transformation.
  const b2 = m4 / m2 ** 2;
  const e = (3 * (n - 1)) / (n + 1);
  const varB2 = (24 * n * (n - 2) * (n - 3)) / ((n + 1) ** 2 * (n + 3) * (n + 5));
  const x = (b2 - e) / Math.sqrt(varB2);
  const sqrtBeta1 = ((6 * (n * n - 5 * n + 2)) / ((n + 7) * (n + 9))) * Math.sqrt((6 * (n + 3) * (n + 5)) / (n * (n - 2) * (n - 3)));
  const a = 6 + (8 / sqrtBeta1) * (2 / sqrtBeta1 + Math.sqrt(1 + 4 / sqrtBeta1 ** 2));
  const denom = 1 + x * Math.sqrt(2 / (a - 4));
  if (denom === 0) return null;
  const term2 = Math.sign(denom) * Math.cbrt((1 - 2 / a) / Math.abs(denom));
  const zKurt = (1 - 2 / (9 * a) - term2) / Math.sqrt(2 / (9 * a));
  const k2 = zSkew ** 2 + zKurt ** 2;
  // χ² with two degrees of freedom.
  return { k2, p: Math.exp(-k2 / 2) };
}

/** Benjamini–Hochberg q-values for p-values tested together. */
export function qValues(ps: number[]): number[] {
  const order = ps.map((p, i) => [p, i] as const).sort((x, y) => x[0] - y[0]);
  const q = new Array<number>(ps.length);
  let running = 1;
  for (let r = order.length - 1; r >= 0; r--) {
    running = Math.min(running, (order[r]![0] * ps.length) / (r + 1));
    q[order[r]![1]] = running;
  }
  return q;
}

/** Two groups of latents compared dimension by dimension. */
export function testDimensions(a: ArrayLike<number>[], b: ArrayLike<number>[]): DimensionTest[] {
  if (a.length < 2 || b.length < 2) throw new Error(`a t-test needs at least two latents in each group (${a.length} and ${b.length} here)`);
  const dim = a[0]!.length;
  const column = (g: ArrayLike<number>[], d: number) => Float64Array.from(g, (v) => v[d]!);
  const tests = Array.from({ length: dim }, (_, d) => {
    const [x, y] = [column(a, d), column(b, d)];
    const student = studentT(x, y);
    const welch = welchT(x, y);
    const lev = levene([x, y]);
    const chosen: 'student' | 'welch' = lev.p < 0.05 ? 'welch' : 'student';
    const pick = chosen === 'welch' ? welch : student;
    return {
      dimension: d,
      chosen,
      t: pick.t,
      df: pick.df,
      p: pick.p,
      q: 0,
      student,
      welch,
      levene: lev,
      normality: [normalityTest(x), normalityTest(y)] as DimensionTest['normality'],
      meanDifference: mean(x) - mean(y),
    };
  });
  const q = qValues(tests.map((t) => t.p));
  tests.forEach((t, i) => (t.q = q[i]!));
  return tests;
}
