// The feature analysis' numbers against SciPy and scikit-learn on the same data, computed
// independently by tests/fixtures/analysis/make_reference.py: Student's and Welch's t, Levene's
// test, the normality test, LDA directions (up to sign and scale) and the classifier's probabilities.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { classify, fitLda } from '../../electron/engine/latent/lda';
import { analyzeFeature } from '../../electron/engine/latent/feature-report';
import { binomialUpperTail, qValues, testDimensions } from '../../electron/engine/latent/statistics';
import { describeClassifier } from '../../shared/feature-report';
import { repoRoot } from '../helpers';

const reference = JSON.parse(readFileSync(join(repoRoot, 'tests', 'fixtures', 'analysis', 'reference.json'), 'utf8'));

const near = (actual: number, expected: number, what: string, tolerance = 1e-8) =>
  assert.ok(Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)), `${what}: ${actual} against SciPy's ${expected}`);

test('t-tests per dimension, with the normality and equal-variance checks, agree with SciPy', () => {
  const tests = testDimensions(reference.groups.a, reference.groups.b);
  assert.equal(tests.length, 6);
  for (const [d, r] of reference.ttests.entries()) {
    const ours = tests[d]!;
    near(ours.student.t, r.student[0], `dimension ${d} Student t`);
    near(ours.student.p, r.student[1], `dimension ${d} Student p`);
    near(ours.welch.t, r.welch[0], `dimension ${d} Welch t`);
    near(ours.welch.p, r.welch[1], `dimension ${d} Welch p`, 1e-7);
    near(ours.levene.w, r.levene[0], `dimension ${d} Levene W`);
    near(ours.levene.p, r.levene[1], `dimension ${d} Levene p`, 1e-7);
    for (const g of [0, 1]) {
      near(ours.normality[g]!.k2, r.normality[g][0], `dimension ${d} group ${g} K²`, 1e-7);
      near(ours.normality[g]!.p, r.normality[g][1], `dimension ${d} group ${g} normality p`, 1e-7);
    }
    assert.equal(ours.chosen, r.levene[1] < 0.05 ? 'welch' : 'student', 'Welch where Levene rejects equal variances');
  }
  // The shifted dimension stands out; the tripled variance sends dimension 2 to Welch.
  assert.ok(tests[1]!.p < 0.01 && tests[2]!.chosen === 'welch');
  assert.ok(tests[3]!.normality[0]!.p < 0.05, 'the exponential group fails the normality check');
});

test('Benjamini–Hochberg q-values', () => {
  assert.deepEqual(
    qValues([0.01, 0.04, 0.03, 0.5]).map((q) => Math.round(q * 1e6) / 1e6),
    [0.04, 0.053333, 0.053333, 0.5],
  );
});

test('LDA directions and class probabilities agree with scikit-learn (eigen solver, with and without shrinkage)', () => {
  const { lda3, lda2 } = reference;
  const model = fitLda(lda3.x, lda3.y);
  assert.deepEqual(model.classes, ['c0', 'c1', 'c2']);
  for (const [e, expected] of lda3.directions.entries()) {
    const ours = model.directions[e]!;
    const dot = ours.reduce((s: number, x: number, j: number) => s + x * expected[j], 0);
    const cos = dot / Math.hypot(...ours) / Math.hypot(...(expected as number[]));
    assert.ok(Math.abs(Math.abs(cos) - 1) < 1e-9, `direction ${e} is scikit-learn's up to sign and scale (cos ${cos})`);
    near(model.explained[e]!, lda3.explained[e], `explained share of direction ${e}`, 1e-9);
  }
  for (const [i, p] of lda3.probe.entries()) classify(model, p).forEach((x, k) => near(x, lda3.proba[i][k], `probe ${i} class ${k}`, 1e-8));

  const shrunk = fitLda(lda2.x, lda2.y, lda2.shrinkage);
  assert.equal(shrunk.directions.length, 1);
  for (const [i, p] of lda2.probe.entries()) classify(shrunk, p).forEach((x, k) => near(x, lda2.proba[i][k], `shrunk probe ${i} class ${k}`, 1e-8));
  assert.throws(() => fitLda(lda2.x, lda2.y, 0), /within-class covariance is singular: give more labelled latents, or a shrinkage above 0/);
});

test('the binomial tail says how often guessing does as well: the exact sum of the probabilities', () => {
  const exact = (k: number, n: number, p: number) => {
    let sum = 0;
    let term = (1 - p) ** n; // P(X = 0)
    for (let i = 0; i <= n; i++) {
      if (i >= k) sum += term;
      term *= ((n - i) / (i + 1)) * (p / (1 - p));
    }
    return sum;
  };
  for (const [k, n, p] of [
    [31, 40, 0.5],
    [19, 40, 0.5],
    [3, 5, 0.6],
    [50, 59, 0.51],
  ] as const)
    near(binomialUpperTail(k, n, p), exact(k, n, p), `P(X ≥ ${k} | ${n}, ${p})`, 1e-10);
  assert.equal(binomialUpperTail(0, 10, 0.3), 1);
});

test('random answers: the fitted projection separates them, the held-out one does not, and generation waits', () => {
  let seed = 11;
  const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  const vectors = Array.from({ length: 40 }, () => Array.from({ length: 64 }, rand));
  const samples = (values: (i: number) => string) => vectors.map((vector, i) => ({ latentId: i + 1, value: values(i), vector }));
  const options = { feature: 'coin', generator: 'g', requested: [], invalid: 0 };
  const coin = analyzeFeature(
    samples(() => (rand() > 0 ? 'heads' : 'tails')),
    options,
  );
  const sideOf = (p: { value: string; position: number[] }) => Math.sign(p.position[0]!);
  const fittedSides = new Set(coin.lda.projections.map((p) => `${p.value}:${sideOf(p)}`));
  assert.equal(fittedSides.size, 2, 'fitted on every face, 64 dimensions split 40 random answers cleanly');
  assert.ok(coin.lda.projections.every((p) => p.heldOut !== null && p.heldOut.length === 1));
  assert.equal(coin.classifier.beatsChance, false, JSON.stringify(coin.classifier));
  assert.ok(coin.classifier.p! >= 0.05);
  assert.match(coin.warnings[0]!, /^64 dimensions and 40 answers: with more dimensions than answers, the fitted projection separates any labels/);
  assert.match(coin.warnings[1]!, /no better than chance \(p = [\d.]+\); generating faces with it waits until it is \(p < 0\.05\)$/);

  // The same latents answered by a real property of them: the held-out classifier finds it, surely.
  const real = analyzeFeature(
    samples((i) => (vectors[i]![0]! + vectors[i]![1]! > 0 ? 'yes' : 'no')),
    { ...options, feature: 'real', shrinkage: 0.3 },
  );
  assert.equal(real.classifier.beatsChance, true, JSON.stringify(real.classifier));
  assert.match(
    describeClassifier(real.classifier),
    /^\d+ % right on held-out faces \(5-fold\), where guessing the commonest answer gets \d+ %: beats chance \(p/,
  );
  assert.equal(real.warnings.length, 1, 'only the dimensions warning remains');
});
