// What a checkpoint's health report holds, the verdicts it can reach, what to try for each, and
// where a collapse began: read by the engine that measures it, by the services that record it and
// by every place the studio shows it (badge, checkpoint list, runs table, notifications), so all
// of them say the same thing in the same words.
import { describeAt, type ProgressUnit } from './progress';

/** Samples keeping at least this share of the real portraits' diversity are diverse. */
export const DIVERSE = 0.35;
/** A run whose samples look like a portrait this often (precision) has learned what a portrait is. */
export const LOOKS_LEARNED = 0.5;
/** Samples closer to a training portrait than this share of the portraits' own spacing are copies. */
export const COPY_RATIO = 0.25;

/**
 * untrained: before the first step. learning: not yet diverse, or not yet like the portraits.
 * healthy: diverse and like the portraits. collapsing: diversity lost (the onset is recorded).
 * failed: the run stopped with an error, or its samples turned to noise (training diverged).
 */
export const VERDICTS = ['untrained', 'learning', 'healthy', 'collapsing', 'failed'] as const;
export type Verdict = (typeof VERDICTS)[number];

export interface HealthReport {
  metrics: Record<string, number>;
  verdict: Verdict;
  /** Why, in words: for every verdict, including healthy when something (memorisation) is worth knowing. */
  reasons: string[];
}

/** The best a run's checkpoints reached so far: a collapse or a divergence is a loss of what was there. */
export interface HealthBest {
  diversity: number;
  precision: number;
  recall: number;
}

/** A run's verdict as its badge says it: "collapsing since epoch 4". */
export function verdictLabel(h: { verdict: Verdict; onsetEpoch: number | null; onsetKimg: number | null }, unit: ProgressUnit): string {
  const onset = unit === 'epochs' ? h.onsetEpoch : h.onsetKimg;
  return `${h.verdict}${h.verdict === 'collapsing' && onset !== null ? ` since ${describeAt(unit, onset)}` : ''}`;
}

/** A verdict as a sentence's end: "Run “x” is collapsing". */
export function verdictWords(verdict: Verdict): string {
  return { untrained: 'is untrained', learning: 'is learning', healthy: 'is healthy', collapsing: 'is collapsing', failed: 'failed' }[verdict];
}

/** What to try, in words, for a verdict; none when healthy. */
export function adviceFor(verdict: Verdict): string[] {
  switch (verdict) {
    case 'untrained':
      return ['Start or resume the run: nothing has been learned yet.'];
    case 'learning':
      return [
        'Let it train: early samples are blurs and the same face for everyone, and become portraits as the run goes on.',
        'If they never do, try a wider network or a lower learning rate.',
      ];
    case 'collapsing':
      return [
        'Fork from the checkpoint before the collapse began, with half the learning rate.',
        'Mirror the dataset (x-flip) or add portraits: a small collection is easy to collapse on.',
      ];
    case 'failed':
      return ['Start again with a lower learning rate, or fork from the last checkpoint that was healthy.'];
    case 'healthy':
      return [];
  }
}

/** The memorisation ratio (a sample's distance to its closest training portrait over the portraits' own spacing), in words. */
export function describeMemorisation(ratio: number): string {
  const r = `${ratio.toFixed(2)}×`;
  if (ratio < COPY_RATIO) return `${r}: closer to a training portrait than real portraits ever come to each other — a copy, not a new face`;
  if (ratio < 0.75) return `${r}: nearer a training portrait than most portraits are to their closest neighbour — a close likeness, worth a look`;
  if (ratio < 1.25) return `${r}: as far from every training portrait as another photograph would be — not a copy`;
  return `${r}: farther from every training portrait than real portraits are from each other — no copy, nor yet much like a portrait`;
}

/** Where the current collapse began: the first of the latest run of collapsing checkpoints. */
export function collapseOnset<T extends { imagesSeen: number; verdict: Verdict }>(history: T[]): T | null {
  let onset: T | null = null;
  for (const h of [...history].sort((a, b) => a.imagesSeen - b.imagesSeen)) onset = h.verdict === 'collapsing' ? (onset ?? h) : null;
  return onset;
}
