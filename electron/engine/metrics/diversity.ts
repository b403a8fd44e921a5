// Diversity: how spread the generated samples are, relative to the spread of real images in the
// same feature space. About 1 for a healthy generator; near 0 when it draws one face.
import { meanPairwiseDistance } from './features';
import type { HealthMetric } from './registry';

export const diversity: HealthMetric = {
  name: 'diversity',
  measure: ({ samples, reals }) => {
    const real = meanPairwiseDistance(reals);
    return real > 0 ? meanPairwiseDistance(samples) / real : Number.NaN;
  },
};
