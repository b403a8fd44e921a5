// Health metrics by name, and the verdict they add up to. Each metric is one file; adding one is
// adding it here.
import { diversity } from './diversity';
import { largestDuplicateCluster } from './duplicates';
import { lossSignature } from './loss-signature';
import { memorisation } from './memorisation';
import { DIVERSE, type HealthReport } from '../../../shared/health';

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
  /** Recall (the share of real portraits the samples reach) now, and the best it was in this run. */
  recall?: { now: number; best: number };
}

export interface HealthMetric {
  name: string;
  measure(input: HealthInput): number;
}

export const HEALTH_METRICS: HealthMetric[] = [diversity, largestDuplicateCluster, memorisation, lossSignature];

/**
 * Collapse when the samples have lost most of the real data's diversity, or half of them are one
 * face, or the loss signature comes with diversity already falling.
 */
export function assessHealth(input: HealthInput): HealthReport {
  const metrics = Object.fromEntries(HEALTH_METRICS.map((m) => [m.name, m.measure(input)]));
  if (input.untrained) return { metrics, verdict: 'healthy', reasons: ['untrained: the generator has not learned anything yet'] };
  const reasons: string[] = [];
  const d = metrics.diversity!;
  if (input.stillLearning && !(d >= DIVERSE)) {
    return {
      metrics,
      verdict: 'healthy',
      reasons: [`still learning: the samples have not yet been diverse (${(d * 100).toFixed(0)} % of the real portraits' diversity)`],
    };
  }
  const cluster = metrics.largest_duplicate_cluster!;
  if (d < DIVERSE) reasons.push(`samples keep ${(d * 100).toFixed(0)} % of the real portraits' diversity`);
  if (cluster >= 0.5) reasons.push(`${(cluster * 100).toFixed(0)} % of the samples are near-duplicates of one another`);
  if (metrics.loss_signature === 1 && d < 0.6) reasons.push('the discriminator wins every time while the generator loss climbs');
  // Collapse as coverage lost: the samples reach far fewer of the portraits than they once did.
  if (input.recall && input.recall.best >= 0.2 && input.recall.now < 0.4 * input.recall.best) {
    reasons.push(
      `the samples reach ${(input.recall.now * 100).toFixed(0)} % of the real portraits (recall), down from ${(input.recall.best * 100).toFixed(0)} %`,
    );
  }
  if (input.recall) metrics.recall = input.recall.now;
  const verdict = reasons.length ? 'collapsed' : 'healthy';
  if (metrics.nearest_training_ratio! < 0.25) reasons.push('samples come very close to training portraits (memorisation)');
  return { metrics, verdict, reasons };
}
