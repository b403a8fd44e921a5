// The thesis' feature analysis on one generator's labelled latents: for a feature (a label key
// such as glasses or expression), per-dimension t-tests between its values, an LDA projection and
// the classifier it gives (with its cross-validated accuracy), generation of faces with a requested
// value, and the success rate of those faces once the curator has labelled them. Answers of
// "invalid" (an unreadable face) are left out.
import { AppError } from '../../shared/errors';
import { classify, fitLda, projectLda, type LdaModel } from '../engine/latent/lda';
import { testDimensions } from '../engine/latent/statistics';
import type { ClassComparison, FeatureReport, RequestedOutcome } from '../../shared/feature-report';
import { addLatents, type StoredLatent } from './latents';
import type { Project } from './projects/project';

export const INVALID_ANSWER = 'invalid';

export interface FeatureSample {
  latentId: number;
  value: string;
  vector: Float32Array;
}

/** The generator's latents with an answer for `feature`: labelled samples, and projected portraits whose image carries it. */
export function featureSamples(project: Project, generator: string, feature: string): FeatureSample[] {
  const rows = project.db
    .prepare(
      `SELECT l.id, l.vector, coalesce(
          (SELECT ll.value FROM latent_labels ll JOIN label_keys k ON k.id = ll.key_id WHERE ll.latent_id = l.id AND k.name = ?),
          CASE WHEN l.kind = 'projected' THEN (SELECT il.value FROM image_labels il JOIN label_keys k ON k.id = il.key_id WHERE il.image_id = l.image_id AND k.name = ?) END) AS value
        FROM latents l WHERE l.generator = ? AND l.kind <> 'witness' ORDER BY l.id`,
    )
    .all(feature, feature, generator) as { id: number; vector: Buffer; value: string | null }[];
  return rows
    .filter((r) => r.value !== null && r.value !== INVALID_ANSWER)
    .map((r) => ({ latentId: r.id, value: r.value!, vector: new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength)) }));
}




/**
 * Shrinkage where the covariance cannot be inverted as it is: too few latents for the dimensions,
 * counted in a cross-validation fold (four fifths of them), so that every fit the report makes works.
 */
export const defaultShrinkage = (latents: number, classes: number, dim: number) => (Math.floor((latents * 4) / 5) - classes > dim ? 0 : 0.3);

/** Accuracy of the classifier on latents it was not fitted on: k folds, each class spread over them. */
function crossValidate(samples: FeatureSample[], shrinkage: number): FeatureReport['classifier'] {
  const counts = new Map<string, number>();
  for (const s of samples) counts.set(s.value, (counts.get(s.value) ?? 0) + 1);
  // As many folds as leave every class two latents to fit on, at most five.
  const folds = [5, 4, 3, 2].find((k) => [...counts.values()].every((n) => n >= k && n - Math.ceil(n / k) >= 2)) ?? 0;
  if (!folds) return { folds: 0, accuracy: null };
  const seen = new Map<string, number>();
  const fold = samples.map((s) => {
    const i = seen.get(s.value) ?? 0;
    seen.set(s.value, i + 1);
    return i % folds;
  });
  let right = 0;
  for (let f = 0; f < folds; f++) {
    const train = samples.filter((_, i) => fold[i] !== f);
    const model = fitLda(train.map((s) => s.vector), train.map((s) => s.value), shrinkage);
    samples.forEach((s, i) => {
      if (fold[i] !== f) return;
      const p = classify(model, s.vector);
      if (model.classes[p.indexOf(Math.max(...p))] === s.value) right++;
    });
  }
  return { folds, accuracy: right / samples.length };
}

function requestedOutcomes(project: Project, generator: string, feature: string): { outcomes: RequestedOutcome[]; invalid: number } {
  const rows = project.db
    .prepare(
      `SELECT json_extract(l.detail, '$.requested.value') AS requested,
              (SELECT ll.value FROM latent_labels ll JOIN label_keys k ON k.id = ll.key_id WHERE ll.latent_id = l.id AND k.name = ?) AS answer
         FROM latents l WHERE l.generator = ? AND json_extract(l.detail, '$.requested.key') = ?`,
    )
    .all(feature, generator, feature) as { requested: string; answer: string | null }[];
  const byValue = new Map<string, RequestedOutcome>();
  let invalid = 0;
  for (const r of rows) {
    const o = byValue.get(r.requested) ?? { requested: r.requested, generated: 0, answered: 0, matched: 0, successRate: null };
    o.generated++;
    if (r.answer === INVALID_ANSWER) invalid++;
    else if (r.answer !== null) {
      o.answered++;
      if (r.answer === r.requested) o.matched++;
    }
    o.successRate = o.answered ? o.matched / o.answered : null;
    byValue.set(r.requested, o);
  }
  return { outcomes: [...byValue.values()], invalid };
}

export function analyzeFeature(project: Project, generator: string, feature: string, shrinkage?: number): FeatureReport {
  const samples = featureSamples(project, generator, feature);
  const values = [...new Set(samples.map((s) => s.value))].sort();
  if (values.length < 2) {
    throw new AppError('invalid_request', `the feature "${feature}" has ${values.length === 0 ? 'no answers' : `only the answer "${values[0]}"`} among ${generator}'s latents: label generated faces with two values or more (the questionnaire, or "leporello latents … label")`);
  }
  const classes = values.map((value) => ({ value, count: samples.filter((s) => s.value === value).length }));
  const thin = classes.find((c) => c.count < 2);
  if (thin) throw new AppError('invalid_request', `"${feature}=${thin.value}" has ${thin.count} labelled face; each value needs two or more to be compared`);
  const dim = samples[0]!.vector.length;
  const gamma = shrinkage ?? defaultShrinkage(samples.length, values.length, dim);
  const group = (pick: (s: FeatureSample) => boolean) => samples.filter(pick).map((s) => s.vector);
  const compare = (value: string, against: string, other: (s: FeatureSample) => boolean): ClassComparison => {
    const dimensions = testDimensions(group((s) => s.value === value), group(other)).sort((a, b) => a.p - b.p);
    return { value, against, dimensions, significant: dimensions.filter((d) => d.q < 0.05).length };
  };
  const comparisons = values.length === 2 ? [compare(values[0]!, values[1]!, (s) => s.value === values[1])] : values.map((v) => compare(v, 'the rest', (s) => s.value !== v));
  let lda: LdaModel;
  let classifier: FeatureReport['classifier'];
  try {
    lda = fitLda(samples.map((s) => s.vector), samples.map((s) => s.value), gamma);
    classifier = crossValidate(samples, gamma);
  } catch (err) {
    throw new AppError('invalid_request', `LDA of "${feature}" with shrinkage ${gamma}: ${(err as Error).message}`);
  }
  const { outcomes, invalid } = requestedOutcomes(project, generator, feature);
  return {
    feature,
    generator,
    dimensions: dim,
    classes,
    comparisons,
    lda: { ...lda, projections: samples.map((s) => ({ latentId: s.latentId, value: s.value, position: projectLda(lda, s.vector) })) },
    classifier,
    requested: outcomes,
    invalid,
  };
}

export interface GenerationResult {
  latents: StoredLatent[];
  attempts: number;
  /** Share of drawn latents the classifier accepted. */
  acceptance: number;
}

/**
 * Draws latents seed after seed until `count` have the requested value's probability at least
 * `multiplier` times every other value's, and stores them with what was asked; the curator's
 * answers on them later give the success rate.
 */
export async function generateWithFeature(
  project: Project,
  generator: { key: string; space: 'z' | 'w'; fromSeeds: (seeds: number[]) => Promise<Float32Array[]> },
  report: Pick<FeatureReport, 'feature' | 'lda'>,
  request: { value: string; count: number; multiplier: number; startSeed: number; maxAttempts: number },
): Promise<GenerationResult> {
  const k = report.lda.classes.indexOf(request.value);
  if (k < 0) throw new AppError('invalid_request', `"${request.value}" is not a value of ${report.feature}; its values are ${report.lda.classes.join(', ')}`);
  const accepted: { seed: number; vector: Float32Array; probability: number }[] = [];
  let seed = request.startSeed;
  while (accepted.length < request.count && seed - request.startSeed < request.maxAttempts) {
    const seeds = Array.from({ length: Math.min(64, request.maxAttempts - (seed - request.startSeed)) }, (_, i) => seed + i);
    const vectors = await generator.fromSeeds(seeds);
    for (const [i, v] of vectors.entries()) {
      const p = classify(report.lda, v);
      const others = Math.max(...p.filter((_, j) => j !== k));
      if (p[k]! >= request.multiplier * others && accepted.length < request.count) accepted.push({ seed: seeds[i]!, vector: v, probability: p[k]! });
    }
    seed += seeds.length;
  }
  const attempts = seed - request.startSeed;
  if (accepted.length < request.count) {
    throw new AppError('invalid_request', `${attempts} latents drawn, ${accepted.length} with ${report.feature}=${request.value} at ${request.multiplier}× the other values' probability: lower --multiplier, or label more faces so the classifier is surer`);
  }
  const latents = addLatents(
    project,
    generator.key,
    generator.space,
    accepted.map((a) => ({
      vector: a.vector,
      kind: 'sample' as const,
      source: `seed ${a.seed}, requested ${report.feature}=${request.value}`,
      detail: { seed: a.seed, requested: { key: report.feature, value: request.value }, probability: a.probability, multiplier: request.multiplier },
    })),
  );
  return { latents, attempts, acceptance: accepted.length / attempts };
}
