// Health metrics by name, and the verdict they add up to. Each metric is one file; adding one is
// adding it here.
import { diversity } from './diversity';
import { flat } from './flat';
import { largestDuplicateCluster } from './duplicates';
import { lossSignature } from './loss-signature';
import { memorisation } from './memorisation';
import { smoothness } from './smoothness';
import { COPY_RATIO, describeMemorisation, DIVERSE, LOOKS_LEARNED, type HealthBest, type HealthReport } from '../../../shared/health';

export { collapseOnset, DIVERSE, type HealthReport } from '../../../shared/health';

export interface HealthInput {
  /** Features of generated images (see features.ts). */
  samples: Float32Array[];
  /** Features of real images from the dataset. */
  reals: Float32Array[];
  /** Losses since the last checkpoint, and before it. */
  losses?: { recent: { d: number[]; g: number[] }; before: { d: number[]; g: number[] } };
  /** Before the first step: a fresh generator draws near-uniform grey, which is no collapse. */
  untrained?: boolean;
  /**
   * Early in a run whose samples have never yet been diverse: a generator still learning draws
   * much the same blur for everything, which is no collapse either (a collapse loses diversity it had).
   */
  stillLearning?: boolean;
  /** Precision (the share of samples that look like a portrait) and recall (the share of portraits they reach) now. */
  quality?: { precision: number; recall: number };
  /** How many real portraits recall was counted over: a loss of fewer than five of them is noise, not collapse. */
  qualityReals?: number;
  /** The best the run's earlier checkpoints reached: a collapse or a divergence is a loss of what was there. */
  best?: HealthBest;
}

export interface HealthMetric {
  name: string;
  measure(input: HealthInput): number;
}

export const HEALTH_METRICS: HealthMetric[] = [diversity, largestDuplicateCluster, memorisation, lossSignature, smoothness, flat];

const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** Why the samples are collapsing, if they are: each reason in words. */
function collapseReasons(input: HealthInput, m: Record<string, number>): string[] {
  const reasons: string[] = [];
  const d = m.diversity!;
  const best = input.best;
  const lossSignature = m.loss_signature === 1;
  // Early, still the flat grey of the start and never yet diverse: it has not begun, which is no collapse.
  if (input.stillLearning && m.flat! >= 0.5) return reasons;
  if (input.stillLearning && !(d >= DIVERSE)) {
    // Not yet diverse, early: only a fall from what the run had, or the loss signature, is a collapse.
    if (best && best.diversity >= 0.2 && d < 0.5 * best.diversity)
      reasons.push(`the samples' diversity fell to ${pct(d)} of the real portraits', from ${pct(best.diversity)}`);
    if (lossSignature) reasons.push('the discriminator wins every time while the generator loss climbs');
    return reasons;
  }
  const cluster = m.largest_duplicate_cluster!;
  if (d < DIVERSE) reasons.push(`samples keep ${pct(d)} of the real portraits' diversity (below ${pct(DIVERSE)} is collapse)`);
  if (cluster >= 0.5) reasons.push(`${pct(cluster)} of the samples are near-duplicates of one another`);
  if (lossSignature && d < 0.6) reasons.push('the discriminator wins every time while the generator loss climbs');
  // Collapse as coverage lost: the samples reach far fewer of the portraits than they once did.
  const portraitsLost = input.quality && best ? (best.recall - input.quality.recall) * (input.qualityReals ?? Infinity) : 0;
  if (input.quality && best && best.recall >= 0.2 && input.quality.recall < 0.4 * best.recall && portraitsLost >= 5)
    reasons.push(`the samples reach ${pct(input.quality.recall)} of the real portraits (recall), down from ${pct(best.recall)}`);
  return reasons;
}

/**
 * One verdict per checkpoint, with its reasons: untrained before the first step; failed when the
 * losses are no longer numbers or samples that once looked like portraits turned to noise;
 * collapsing when diversity or coverage is lost; learning while the samples are not yet diverse
 * or not yet like the portraits; healthy otherwise.
 */
export function assessHealth(input: HealthInput): HealthReport {
  const metrics = Object.fromEntries(HEALTH_METRICS.map((m) => [m.name, m.measure(input)]));
  if (input.quality) Object.assign(metrics, input.quality);
  if (input.untrained) return { metrics, verdict: 'untrained', reasons: ['untrained: the generator has not taken a step; what it draws is where it starts'] };
  const memorised =
    metrics.nearest_training_ratio! < COPY_RATIO
      ? [`samples come very close to training portraits (memorisation): ${describeMemorisation(metrics.nearest_training_ratio!)}`]
      : [];
  const losses = input.losses ? [...input.losses.recent.d, ...input.losses.recent.g] : [];
  if (losses.some((l) => !Number.isFinite(l)))
    return { metrics, verdict: 'failed', reasons: ['the losses are no longer numbers (NaN or infinite): training diverged'] };
  const precision = input.quality?.precision;
  if (precision !== undefined && precision < 0.1 && metrics.smoothness! < 0.3 && (input.best?.precision ?? 0) >= LOOKS_LEARNED) {
    return {
      metrics,
      verdict: 'failed',
      reasons: [
        `the samples turned to noise: ${pct(precision)} look like a portrait, down from ${pct(input.best!.precision)}, and neighbouring pixels are ${pct(Math.max(0, metrics.smoothness!))} as alike as in the portraits — training diverged`,
      ],
    };
  }
  // Noise after portraits is a divergence, not a collapse, though it too loses the recall it had.
  const collapse = collapseReasons(input, metrics);
  if (collapse.length) return { metrics, verdict: 'collapsing', reasons: [...collapse, ...memorised] };
  const learning: string[] = [];
  if (input.stillLearning && metrics.flat! >= 0.5)
    learning.push(`still learning: ${pct(metrics.flat!)} of the samples are still flat, as the untrained generator draws them`);
  else if (input.stillLearning && !(metrics.diversity! >= DIVERSE))
    learning.push(
      `still learning: the samples are not yet diverse (${pct(metrics.diversity!)} of the real portraits' diversity; ${pct(DIVERSE)} counts as diverse)`,
    );
  if (precision !== undefined && precision < LOOKS_LEARNED)
    learning.push(`still learning: ${pct(precision)} of the samples look like a portrait yet (precision; healthy from ${pct(LOOKS_LEARNED)})`);
  if (learning.length) return { metrics, verdict: 'learning', reasons: [...learning, ...memorised] };
  return { metrics, verdict: 'healthy', reasons: memorised };
}
