// Smoothness: how alike neighbouring cells of the 16×16 thumbnail are (their correlation), relative
// to the real portraits'. Photographs are smooth, so about 1; pure noise, which a diverged
// generator draws, has no correlation between neighbours and scores near 0.
import { FEATURE_SIDE, median } from './features';
import type { HealthMetric } from './registry';

/** The correlation of horizontally and vertically adjacent cells of one (mean-removed, unit-length) feature. */
export function neighbourCorrelation(f: Float32Array): number {
  const s = FEATURE_SIDE;
  let sum = 0;
  let pairs = 0;
  for (let y = 0; y < s; y++)
    for (let x = 0; x < s; x++) {
      if (x + 1 < s) sum += f[y * s + x]! * f[y * s + x + 1]!;
      if (y + 1 < s) sum += f[y * s + x]! * f[(y + 1) * s + x]!;
      pairs += (x + 1 < s ? 1 : 0) + (y + 1 < s ? 1 : 0);
    }
  // The feature has unit length over s² cells: scale the mean product to a correlation.
  return (sum / pairs) * s * s;
}

export const smoothness: HealthMetric = {
  name: 'smoothness',
  measure: ({ samples, reals }) => {
    const real = median(reals.map(neighbourCorrelation));
    return real > 0 ? median(samples.map(neighbourCorrelation)) / real : Number.NaN;
  },
};
