// The quality metrics as the studio names and reads them: which way is better, and one line on
// what each measures. Stored under these names (the engine's metrics/quality.ts computes them).

export interface QualityName {
  label: string;
  better: 'lower' | 'higher';
  about: string;
}

export const QUALITY_NAMES: Record<string, QualityName> = {
  swd: {
    label: 'SWD ×10³',
    better: 'lower',
    about:
      "sliced Wasserstein distance between 7×7 patches of the pictures' Laplacian pyramids: texture and structure at every scale, needing no trained network",
  },
  'kid-face': {
    label: 'KID (face descriptors)',
    better: 'lower',
    about: "kernel distance between the two sets' face descriptors (face-api's recognition network): unbiased, so small sets compare fairly",
  },
  'fd-face': { label: 'FD (face descriptors)', better: 'lower', about: "FID's Fréchet distance, on face descriptors instead of Inception features" },
  'precision-face': {
    label: 'Precision (face descriptors)',
    better: 'higher',
    about: 'the share of generated faces that fall among real ones: are the pictures believable?',
  },
  'precision-image': {
    label: 'Precision (thumbnails)',
    better: 'higher',
    about: 'measured while training, on 16×16 grey thumbnails: the share of samples among real portraits',
  },
  'recall-image': {
    label: 'Recall (thumbnails)',
    better: 'higher',
    about: 'measured while training, on 16×16 grey thumbnails: the share of real portraits the samples reach; the health verdict watches it fall',
  },
  'recall-face': {
    label: 'Recall (face descriptors)',
    better: 'higher',
    about: 'the share of real faces the generated ones reach: is the collection covered? It falls when a run collapses.',
  },
};

/** The metrics a measurement can be asked for, and the names each stores. */
export const QUALITY_METRICS = { swd: ['swd'], kid: ['kid-face'], fd: ['fd-face'], pr: ['precision-face', 'recall-face'] } as const;
export type QualityMetricName = keyof typeof QUALITY_METRICS;
