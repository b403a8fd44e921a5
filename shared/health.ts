// What a checkpoint's health report holds, the diversity it counts as diverse, and where a
// collapse began: read by the engine that measures it and by the studio that shows and records it.

/** Samples keeping at least this share of the real portraits' diversity are diverse. */
export const DIVERSE = 0.35;

export interface HealthReport {
  metrics: Record<string, number>;
  verdict: 'healthy' | 'collapsed';
  /** Why, in words, when it is not healthy; notes (memorisation) otherwise. */
  reasons: string[];
}

/** Where the current collapse began: the first of the latest run of collapsed checkpoints. */
export function collapseOnset<T extends { imagesSeen: number; verdict: HealthReport['verdict'] }>(history: T[]): T | null {
  let onset: T | null = null;
  for (const h of [...history].sort((a, b) => a.imagesSeen - b.imagesSeen)) onset = h.verdict === 'collapsed' ? (onset ?? h) : null;
  return onset;
}
