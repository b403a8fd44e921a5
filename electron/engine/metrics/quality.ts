// How close a generator's pictures come to the real portraits, by name: SWD on the pictures
// themselves; on the 128-number descriptors of face-api's recognition network, the features that
// can be had offline, the kernel distance, the Fréchet distance, precision and recall (named for
// their features); and true FID and KID on Inception's pool features, where a curator imported them.
import { frechetDistance } from './frechet';
import { kernelDistance } from './kid';
import { precisionRecall } from './precision-recall';
import { swd } from './swd';
import type { QualityMetricName } from '../../../shared/quality';

export type QualityMetric = QualityMetricName;

export interface QualityInput {
  reals: Uint8Array[];
  fakes: Uint8Array[];
  resolution: number;
  channels: number;
  /** Face descriptors of each set, when a metric on them was asked for. */
  realFeatures?: Float32Array[];
  fakeFeatures?: Float32Array[];
  /** Inception's 2048 pool features of each set, for FID and KID. */
  realInception?: Float32Array[];
  fakeInception?: Float32Array[];
  seed: number;
}

export interface QualityValues {
  /** Values by stored name: swd, kid-face, fd-face, precision-face, recall-face. */
  values: Record<string, number>;
  /** SWD per pyramid level (resolution → ×10³ distance). */
  swdLevels?: { resolution: number; value: number }[];
}

/** Whether a metric works on face descriptors (and needs the recognition network). */
export const onFeatures = (m: QualityMetric) => m === 'kid' || m === 'fd' || m === 'pr';
/** Whether a metric works on Inception's features (and needs the imported weights). */
export const onInception = (m: QualityMetric) => m === 'fid' || m === 'kid-inception';

export function measure(metrics: readonly QualityMetric[], input: QualityInput): QualityValues {
  const out: QualityValues = { values: {} };
  for (const m of metrics) {
    if (m === 'swd') {
      const r = swd(input.reals, input.fakes, input.resolution, input.channels, input.seed);
      out.values.swd = r.average;
      out.swdLevels = r.levels;
      continue;
    }
    if (m === 'fid') {
      out.values.fid = frechetDistance(input.realInception!, input.fakeInception!);
      continue;
    }
    if (m === 'kid-inception') {
      out.values['kid-inception'] = kernelDistance(input.realInception!, input.fakeInception!, input.seed);
      continue;
    }
    const [reals, fakes] = [input.realFeatures!, input.fakeFeatures!];
    if (m === 'kid') out.values['kid-face'] = kernelDistance(reals, fakes, input.seed);
    else if (m === 'fd') out.values['fd-face'] = frechetDistance(reals, fakes);
    else {
      const pr = precisionRecall(reals, fakes);
      out.values['precision-face'] = pr.precision;
      out.values['recall-face'] = pr.recall;
    }
  }
  return out;
}
