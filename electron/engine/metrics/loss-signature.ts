// The loss signature of a collapse: the discriminator's loss falls to about zero (it wins every
// time) while the generator's climbs. Measured over the steps since the previous checkpoint
// against the ones before: 1 when the signature is present, 0 when not.
import type { HealthMetric } from './registry';

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

export const lossSignature: HealthMetric = {
  name: 'loss_signature',
  measure: ({ losses }) => {
    if (!losses || losses.recent.d.length === 0) return 0;
    const dNow = mean(losses.recent.d);
    const gNow = mean(losses.recent.g);
    const gBefore = mean(losses.before.g);
    return dNow < 0.05 && gNow > 5 && !(gNow <= gBefore) ? 1 : 0;
  },
};
