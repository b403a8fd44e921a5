// Near-duplicate clusters: samples closer to each other than real portraits almost ever are
// (a tenth of the reals' median nearest-neighbour distance) are joined; the measure is the
// share of samples in the largest cluster — 1/N when all differ, 1 when all are one face.
import { distance, median } from './features';
import type { HealthMetric } from './registry';

export function nearestNeighbourDistances(set: Float32Array[]): number[] {
  return set.map((a, i) => Math.min(...set.filter((_, j) => j !== i).map((b) => distance(a, b))));
}

export const largestDuplicateCluster: HealthMetric = {
  name: 'largest_duplicate_cluster',
  measure: ({ samples, reals }) => {
    const threshold = 0.1 * median(nearestNeighbourDistances(reals));
    const parent = samples.map((_, i) => i);
    const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
    for (let i = 0; i < samples.length; i++)
      for (let j = i + 1; j < samples.length; j++) if (distance(samples[i]!, samples[j]!) < threshold) parent[find(i)] = find(j);
    const sizes = new Map<number, number>();
    for (let i = 0; i < samples.length; i++) sizes.set(find(i), (sizes.get(find(i)) ?? 0) + 1);
    return Math.max(...sizes.values()) / samples.length;
  },
};
