// Messages between the main process and an engine process, one union each way. The engine
// runs one training job; the main process records what it reports.
import type { BackendChoice, BackendName } from './backends';
import type { CheckpointWritten, TrainOptions, TrainResult, TrainTick } from './train/train-loop';

/** A training job as it crosses the process boundary: paths instead of open files. */
export interface TrainJob extends Omit<TrainOptions, 'dataset'> {
  datasetDir: string;
  backend: BackendName | 'auto';
}

/** `pause` holds training between two steps until `continue`; `stop` ends it (also from a pause). */
export type ToEngine = { type: 'train'; job: TrainJob } | { type: 'stop' } | { type: 'pause' } | { type: 'continue' };

export type FromEngine =
  | { type: 'backend'; choice: BackendChoice }
  | { type: 'witnesses'; vectors: number[][] }
  | { type: 'tick'; tick: TrainTick }
  | { type: 'checkpoint'; checkpoint: CheckpointWritten }
  /** Training is holding between two steps, having taken `step` of them. */
  | { type: 'paused'; step: number; imagesSeen: number }
  | { type: 'done'; result: TrainResult }
  | { type: 'error'; message: string }
  /** Carries nothing: sent last so that the process exits only once the rest has left. */
  | { type: 'flush' };
