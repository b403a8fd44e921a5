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

/** The classifier judged on faces it was not fitted on. */
export interface Classifier {
  folds: number;
  /** Share right on held-out faces; null when a class has too few to hold any out. */
  accuracy: number | null;
  /** What always guessing the commonest answer gets right. */
  chance: number;
  /** How often guessing at that rate would do as well (one-sided binomial test); null without accuracy. */
  p: number | null;
  /** The significance the classifier must reach before faces are generated with it. */
  alpha: number;
  beatsChance: boolean;
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
  /**
   * Each face along the directions: `position` by the model fitted on every face (which separates
   * any labels once dimensions outnumber faces), `heldOut` by the fold's model that never saw it
   * (directions turned to agree in sign with the full model's); null when nothing could be held out.
   */
  lda: LdaModel & { projections: { latentId: number; value: string; position: number[]; heldOut: number[] | null }[] };
  classifier: Classifier;
  /** What the data does not support, in words: more dimensions than answers, accuracy near chance. */
  warnings: string[];
  requested: RequestedOutcome[];
  invalid: number;
}

/** The classifier's standing in one sentence, as the CLI and the studio say it. */
export function describeClassifier(c: Classifier): string {
  if (c.accuracy === null) return 'too few faces to hold any out';
  const pct = (x: number) => `${Math.round(x * 100)} %`;
  const p = c.p! < 0.001 ? 'p < 0.001' : `p = ${c.p!.toFixed(3)}`;
  return `${pct(c.accuracy)} right on held-out faces (${c.folds}-fold), where guessing the commonest answer gets ${pct(c.chance)}: ${
    c.beatsChance ? `beats chance (${p}, below ${c.alpha})` : `no better than chance (${p})`
  }`;
}
