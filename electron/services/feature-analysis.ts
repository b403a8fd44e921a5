// The thesis' feature analysis on one generator's labelled latents: for a feature (a label key
// such as glasses or expression), per-dimension t-tests between its values, an LDA projection and
// the classifier it gives (with its cross-validated accuracy), generation of faces with a requested
// value, and the success rate of those faces once the curator has labelled them. Answers of
// "invalid" (an unreadable face) are left out.
import type { RequestedOutcome } from '../../shared/feature-report';
import { addLatents, type StoredLatent } from './latents';
import type { Project } from './projects/project';

export const INVALID_ANSWER = 'invalid';

export interface FeatureSample {
  latentId: number;
  value: string;
  vector: number[];
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
    .map((r) => ({
      latentId: r.id,
      value: r.value!,
      vector: Array.from(new Float32Array(r.vector.buffer.slice(r.vector.byteOffset, r.vector.byteOffset + r.vector.byteLength))),
    }));
}

/** What became of earlier faces generated for each value of `feature`, once the curator answered them. */
export function requestedOutcomes(project: Project, generator: string, feature: string): { outcomes: RequestedOutcome[]; invalid: number } {
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

/** Stores the latents an engine generated with a requested value, with what was asked. */
export function storeFeatureLatents(
  project: Project,
  generator: { key: string; space: 'z' | 'w' },
  request: { feature: string; value: string; multiplier: number },
  accepted: { seed: number; vector: number[]; probability: number }[],
): StoredLatent[] {
  return addLatents(
    project,
    generator.key,
    generator.space,
    accepted.map((a) => ({
      vector: a.vector,
      kind: 'sample' as const,
      source: `seed ${a.seed}, requested ${request.feature}=${request.value}`,
      detail: { seed: a.seed, requested: { key: request.feature, value: request.value }, probability: a.probability, multiplier: request.multiplier },
    })),
  );
}
