// Flat samples: the share of samples with no tone at all across the thumbnail (their feature is all
// zeros, see features.ts). An untrained generator draws them, and so does one that has not yet
// left its start; after diverse samples, a flat set is a collapse onto one colour.
import type { HealthMetric } from './registry';

export const flat: HealthMetric = {
  name: 'flat',
  measure: ({ samples }) => (samples.length ? samples.filter((f) => f.every((v) => v === 0)).length / samples.length : Number.NaN),
};
