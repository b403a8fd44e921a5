// The feature analysis' report, as the CLI writes it (--json, --out) and the studio draws it.

export interface TTest {
  t: number;
  df: number;
  p: number;
}

export interface DimensionTest {
  dimension: number;
  /** The test the checks point to: Welch's when Levene's test rejects equal variances (p < 0.05). */
  chosen: 'student' | 'welch';
  t: number;
  df: number;
  p: number;
  /** Benjamini–Hochberg over all dimensions. */
  q: number;
  student: TTest;
  welch: TTest;
  levene: { w: number; p: number };
  /** Normality of each group (null where a group has fewer than 8 values). */
  normality: [{ k2: number; p: number } | null, { k2: number; p: number } | null];
  meanDifference: number;
}

export interface LdaModel {
  classes: string[];
  priors: number[];
  shrinkage: number;
  /** Discriminant directions (classes − 1 of them), in latent space, scaled to unit within-class variance. */
  directions: number[][];
  /** The share of between-class separation along each direction. */
  explained: number[];
  /** Each class's centre along the directions. */
  centres: number[][];
}

export interface ClassComparison {
  /** The value tested against the rest (or against the other value, with two). */
  value: string;
  against: string;
  /** All dimensions, most significant first. */
  dimensions: DimensionTest[];
  /** Dimensions with q < 0.05 (Benjamini–Hochberg). */
  significant: number;
}

export interface RequestedOutcome {
  requested: string;
  generated: number;
  /** Of those, answered by the curator (an "invalid" answer does not count). */
  answered: number;
  matched: number;
  successRate: number | null;
}

export interface FeatureReport {
  feature: string;
  generator: string;
  dimensions: number;
  classes: { value: string; count: number }[];
  comparisons: ClassComparison[];
  lda: LdaModel & { projections: { latentId: number; value: string; position: number[] }[] };
  /** Accuracy on held-out faces; null when a class has too few to hold any out. */
  classifier: { folds: number; accuracy: number | null };
  requested: RequestedOutcome[];
  invalid: number;
}
