// Memorisation: how close samples come to the training images, relative to how close real
// images come to each other. Well below 1 means samples that copy a training portrait.
import { distance, median } from './features';
import { nearestNeighbourDistances } from './duplicates';
import type { HealthMetric } from './registry';

export const memorisation: HealthMetric = {
  name: 'nearest_training_ratio',
  measure: ({ samples, reals }) => {
    const realSpacing = median(nearestNeighbourDistances(reals));
    const nearest = samples.map((s) => Math.min(...reals.map((r) => distance(s, r))));
    return realSpacing > 0 ? median(nearest) / realSpacing : Number.NaN;
  },
};
