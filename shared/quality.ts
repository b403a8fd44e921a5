// The quality metrics as the studio names and reads them: which way is better, and one line on
// what each measures. Stored under these names (the engine's metrics/quality.ts computes them).

export interface QualityName {
  label: string;
  /** A few words, where several are listed together. */
  short: string;
  better: 'lower' | 'higher';
  about: string;
}

export const QUALITY_NAMES: Record<string, QualityName> = {
  swd: {
    label: 'SWD ×10³',
    short: 'SWD',
    better: 'lower',
    about:
      "sliced Wasserstein distance between 7×7 patches of the pictures' Laplacian pyramids: texture and structure at every scale, needing no trained network",
  },
  'kid-face': {
    label: 'KID (face descriptors)',
    short: 'KID (faces)',
    better: 'lower',
    about: "kernel distance between the two sets' face descriptors (face-api's recognition network): unbiased, so small sets compare fairly",
  },
  'fd-face': {
    label: 'FD (face descriptors)',
    short: 'FD',
    better: 'lower',
    about: "FID's Fréchet distance, on face descriptors instead of Inception features",
  },
  'precision-face': {
    label: 'Precision (face descriptors)',
    short: 'precision',
    better: 'higher',
    about: 'the share of generated faces that fall among real ones: are the pictures believable?',
  },
  'precision-image': {
    label: 'Precision (thumbnails)',
    short: 'thumbnail precision',
    better: 'higher',
    about: 'measured while training, on 16×16 grey thumbnails: the share of samples among real portraits',
  },
  'recall-image': {
    label: 'Recall (thumbnails)',
    short: 'thumbnail recall',
    better: 'higher',
    about: 'measured while training, on 16×16 grey thumbnails: the share of real portraits the samples reach; the health verdict watches it fall',
  },
  fid: {
    label: 'FID',
    short: 'FID',
    better: 'lower',
    about:
      "Fréchet Inception distance: FID's formula on the pool features of TensorFlow's 2015-12-05 Inception, comparable with published FIDs of as many pictures",
  },
  'kid-inception': {
    label: 'KID',
    short: 'KID',
    better: 'lower',
    about: 'kernel Inception distance (as NVIDIA reports it): unbiased, so it compares fairly on small sets',
  },
  'recall-face': {
    label: 'Recall (face descriptors)',
    short: 'recall',
    better: 'higher',
    about: 'the share of real faces the generated ones reach: is the collection covered? It falls when a run collapses.',
  },
};

/** The metrics a measurement can be asked for, and the names each stores. */
export const QUALITY_METRICS = {
  swd: ['swd'],
  kid: ['kid-face'],
  fd: ['fd-face'],
  pr: ['precision-face', 'recall-face'],
  fid: ['fid'],
  'kid-inception': ['kid-inception'],
} as const;
/** Those that need the Inception weights a curator imports (leporello inception FILE). */
export const INCEPTION_METRICS = ['fid', 'kid-inception'] as const;
/** Measured when none are named, with INCEPTION_METRICS added where the weights are installed. */
export const DEFAULT_QUALITY_METRICS = ['swd', 'kid', 'fd', 'pr'] as const;
export type QualityMetricName = keyof typeof QUALITY_METRICS;

/** A checkpoint's measured values, as `runs.quality` returns them. */
export interface ScoredCheckpoint {
  checkpointId: number;
  at: number;
  values: Record<string, number>;
}

/**
 * What can be drawn from in place of `chosen`: itself when it kept its networks, else the nearest
 * checkpoint that did (the later on a tie: it trained longer), or null when none did.
 */
export function nearestWithWeights<C extends { at: number; weightsKept: boolean }>(checkpoints: C[], chosen: C): C | null {
  if (chosen.weightsKept) return chosen;
  return checkpoints
    .filter((c) => c.weightsKept)
    .reduce<C | null>((near, c) => (near === null || Math.abs(c.at - chosen.at) <= Math.abs(near.at - chosen.at) ? c : near), null);
}

/**
 * The best checkpoint by one metric, or null when none was measured with it. On a tie the later
 * checkpoint wins: it trained longer for the same score.
 */
export function bestCheckpoint<C extends ScoredCheckpoint>(checkpoints: C[], name: string): C | null {
  const metric = QUALITY_NAMES[name];
  const scored = checkpoints.filter((c) => c.values[name] !== undefined);
  if (!metric || !scored.length) return null;
  const sign = metric.better === 'lower' ? 1 : -1;
  return scored.reduce((a, b) => (sign * b.values[name]! <= sign * a.values[name]! ? b : a));
}
