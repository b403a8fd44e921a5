// How far a run has come, in its own unit: epochs (passes over the dataset) or kimg (thousands
// of images). One set of helpers so the CLI, the API and the studio speak of a checkpoint alike.
import type { Checkpoint, RunRequest } from './contract';

export const DEFAULT_EPOCHS = 25;

export type ProgressUnit = 'epochs' | 'kimg';

export function progressUnit(options: Pick<RunRequest, 'kimg'>): ProgressUnit {
  return options.kimg === undefined ? 'epochs' : 'kimg';
}

/** The run's length in its unit. */
export function trainingTarget(options: Pick<RunRequest, 'epochs' | 'kimg'>): number {
  return options.kimg ?? options.epochs ?? DEFAULT_EPOCHS;
}

/** A checkpoint's place in its run's unit: the epoch, or the kimg reached (to 0.1). */
export function checkpointAt(unit: ProgressUnit, c: Pick<Checkpoint, 'epoch' | 'imagesSeen'>): number {
  return unit === 'epochs' ? c.epoch : Math.round(c.imagesSeen / 100) / 10;
}

export function describeAt(unit: ProgressUnit, at: number): string {
  return unit === 'epochs' ? `epoch ${at}` : `kimg ${at}`;
}
