// The thesis' feature analysis, computed: for a feature (a label key such as glasses or
// expression) over a generator's labelled latents, per-dimension t-tests between its values, an LDA
// projection and the classifier it gives (with its cross-validated accuracy); and generation of
// latents the classifier gives a requested value. The host gathers the labelled latents and stores
// what is generated; nothing here reads or writes the project.
import { AppError } from '../../../shared/errors';
import type { ClassComparison, FeatureReport, LdaModel, RequestedOutcome } from '../../../shared/feature-report';
import { classify, fitLda, projectLda } from './lda';
import { binomialUpperTail, testDimensions } from './statistics';

export interface FeatureSample {
  latentId: number;
  value: string;
  vector: number[];
}

/**
 * Shrinkage where the covariance cannot be inverted as it is: too few latents for the dimensions,
 * counted in a cross-validation fold (four fifths of them), so that every fit the report makes works.
 */
export const defaultShrinkage = (latents: number, classes: number, dim: number) => (Math.floor((latents * 4) / 5) - classes > dim ? 0 : 0.3);

/** The significance a classifier must reach before faces are generated with it. */
export const ALPHA = 0.05;

/**
 * The classifier on latents it was not fitted on: k folds, each class spread over them; each
 * latent's held-out prediction and its position along the fold model's directions, each direction
 * turned to agree in sign with the full model's so that the folds' projections share one axis.
 */
function crossValidate(
  samples: FeatureSample[],
  shrinkage: number,
  full: LdaModel,
): { classifier: Omit<FeatureReport['classifier'], 'chance' | 'p' | 'alpha' | 'beatsChance'> & { right: number }; heldOut: (number[] | null)[] } {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.value, (counts.get(s.value) ?? 0) + 1);
  // As many folds as leave every class two latents to fit on, at most five.
  const folds = [5, 4, 3, 2].find((k) => [...counts.values()].every((n) => n >= k && n - Math.ceil(n / k) >= 2)) ?? 0;
  const heldOut: (number[] | null)[] = samples.map(() => null);
  if (!folds) return { classifier: { folds: 0, accuracy: null, right: 0 }, heldOut };
  const seen = new Map<string, number>();
  const fold = samples.map((s) => {
    const i = seen.get(s.value) ?? 0;
    seen.set(s.value, i + 1);
    return i % folds;
  });
  let right = 0;
  for (let f = 0; f < folds; f++) {
    const train = samples.filter((_, i) => fold[i] !== f);
    const model = fitLda(
      train.map((s) => s.vector),
      train.map((s) => s.value),
      shrinkage,
    );
    const signs = model.directions.map((d, k) => (dot(d, full.directions[k] ?? d) < 0 ? -1 : 1));
    samples.forEach((s, i) => {
      if (fold[i] !== f) return;
      const p = classify(model, s.vector);
      if (model.classes[p.indexOf(Math.max(...p))] === s.value) right++;
      heldOut[i] = projectLda(model, s.vector).map((x, k) => x * signs[k]!);
    });
  }
  return { classifier: { folds, accuracy: right / samples.length, right }, heldOut };
}

const dot = (a: number[], b: number[]) => a.reduce((s, x, i) => s + x * b[i]!, 0);
const pct = (x: number) => `${Math.round(x * 100)} %`;

/** Whether the held-out accuracy beats always guessing the commonest answer, and how surely. */
function judgeClassifier(cv: ReturnType<typeof crossValidate>['classifier'], classes: { count: number }[], n: number): FeatureReport['classifier'] {
  const chance = Math.max(...classes.map((c) => c.count)) / n;
  const p = cv.accuracy === null ? null : binomialUpperTail(cv.right, n, chance);
  return { folds: cv.folds, accuracy: cv.accuracy, chance, p, alpha: ALPHA, beatsChance: p !== null && p < ALPHA };
}

/** What the answers cannot support, in the curator's words. */
function warningsFor(classifier: FeatureReport['classifier'], n: number, dim: number): string[] {
  const warnings: string[] = [];
  if (dim >= n)
    warnings.push(
      `${dim} dimensions and ${n} answers: with more dimensions than answers, the fitted projection separates any labels, even random ones — read the held-out projection and accuracy instead`,
    );
  if (classifier.accuracy === null)
    warnings.push('too few answers per value to hold any out: nothing here says the feature is in the latents yet — answer more faces');
  else if (!classifier.beatsChance)
    warnings.push(
      `the classifier is right on ${pct(classifier.accuracy)} of held-out faces where always guessing the commonest answer gets ${pct(classifier.chance)}: no better than chance (p = ${classifier.p!.toFixed(2)}); generating faces with it waits until it is (p < ${classifier.alpha})`,
    );
  return warnings;
}

/** The report on `feature` over `samples`; `requested` and `invalid` are what the host counted of earlier generations. */
export function analyzeFeature(
  samples: FeatureSample[],
  {
    feature,
    generator,
    shrinkage,
    requested,
    invalid,
  }: { feature: string; generator: string; shrinkage?: number; requested: RequestedOutcome[]; invalid: number },
): FeatureReport {
  const values = [...new Set(samples.map((s) => s.value))].sort();
  if (values.length < 2) {
    throw new AppError(
      'invalid_request',
      `the feature "${feature}" has ${values.length === 0 ? 'no answers' : `only the answer "${values[0]}"`} among ${generator}'s latents: label generated faces with two values or more (the questionnaire, or "leporello latents … label")`,
    );
  }
  const classes = values.map((value) => ({ value, count: samples.filter((s) => s.value === value).length }));
  const thin = classes.find((c) => c.count < 2);
  if (thin) throw new AppError('invalid_request', `"${feature}=${thin.value}" has ${thin.count} labelled face; each value needs two or more to be compared`);
  const dim = samples[0]!.vector.length;
  const gamma = shrinkage ?? defaultShrinkage(samples.length, values.length, dim);
  const group = (pick: (s: FeatureSample) => boolean) => samples.filter(pick).map((s) => s.vector);
  const compare = (value: string, against: string, other: (s: FeatureSample) => boolean): ClassComparison => {
    const dimensions = testDimensions(
      group((s) => s.value === value),
      group(other),
    ).sort((a, b) => a.p - b.p);
    return { value, against, dimensions, significant: dimensions.filter((d) => d.q < 0.05).length };
  };
  const comparisons =
    values.length === 2 ? [compare(values[0]!, values[1]!, (s) => s.value === values[1])] : values.map((v) => compare(v, 'the rest', (s) => s.value !== v));
  let lda: LdaModel;
  let cv: ReturnType<typeof crossValidate>;
  try {
    lda = fitLda(
      samples.map((s) => s.vector),
      samples.map((s) => s.value),
      gamma,
    );
    cv = crossValidate(samples, gamma, lda);
  } catch (err) {
    throw new AppError('invalid_request', `LDA of "${feature}" with shrinkage ${gamma}: ${(err as Error).message}`);
  }
  const classifier = judgeClassifier(cv.classifier, classes, samples.length);
  return {
    feature,
    generator,
    dimensions: dim,
    classes,
    comparisons,
    lda: {
      ...lda,
      projections: samples.map((s, i) => ({ latentId: s.latentId, value: s.value, position: projectLda(lda, s.vector), heldOut: cv.heldOut[i]! })),
    },
    classifier,
    warnings: warningsFor(classifier, samples.length, dim),
    requested,
    invalid,
  };
}

export interface FeatureCandidates {
  accepted: { seed: number; vector: number[]; probability: number }[];
  attempts: number;
  /** Share of drawn latents the classifier accepted. */
  acceptance: number;
}

/**
 * Draws latents seed after seed until `count` have the requested value's probability at least
 * `multiplier` times every other value's; the host stores them with what was asked, and the
 * curator's answers on them later give the success rate.
 */
export async function latentsWithFeature(
  fromSeeds: (seeds: number[]) => Promise<Float32Array[]>,
  report: Pick<FeatureReport, 'feature' | 'lda'>,
  request: { value: string; count: number; multiplier: number; startSeed: number; maxAttempts: number },
  onProgress?: (accepted: number, attempts: number) => Promise<void>,
): Promise<FeatureCandidates> {
  const k = report.lda.classes.indexOf(request.value);
  if (k < 0) throw new AppError('invalid_request', `"${request.value}" is not a value of ${report.feature}; its values are ${report.lda.classes.join(', ')}`);
  const accepted: { seed: number; vector: Float32Array; probability: number }[] = [];
  let seed = request.startSeed;
  while (accepted.length < request.count && seed - request.startSeed < request.maxAttempts) {
    const seeds = Array.from({ length: Math.min(64, request.maxAttempts - (seed - request.startSeed)) }, (_, i) => seed + i);
    const vectors = await fromSeeds(seeds);
    for (const [i, v] of vectors.entries()) {
      const p = classify(report.lda, v);
      const others = Math.max(...p.filter((_, j) => j !== k));
      if (p[k]! >= request.multiplier * others && accepted.length < request.count) accepted.push({ seed: seeds[i]!, vector: v, probability: p[k]! });
    }
    seed += seeds.length;
    await onProgress?.(accepted.length, seed - request.startSeed);
  }
  const attempts = seed - request.startSeed;
  if (accepted.length < request.count) {
    throw new AppError(
      'invalid_request',
      `${attempts} latents drawn, ${accepted.length} with ${report.feature}=${request.value} at ${request.multiplier}× the other values' probability: lower --multiplier, or label more faces so the classifier is surer`,
    );
  }
  return { accepted: accepted.map((a) => ({ ...a, vector: Array.from(a.vector) })), attempts, acceptance: accepted.length / attempts };
}
