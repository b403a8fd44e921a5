// Messages between the main process and an engine process, one union each way. The engine
// runs one training job; the main process records what it reports.
import type { BackendAttempt, BackendChoice, BackendName } from './backends';
import type { CheckpointWritten, ResumePointWritten, TrainOptions, TrainResult, TrainTick } from './train/train-loop';
import type { SampleJob, SampleResult, SamplerSource } from './sampler-host';

/** A training job as it crosses the process boundary: paths instead of open files. */
export interface TrainJob extends Omit<TrainOptions, 'dataset'> {
  datasetDir: string;
  backend: BackendName | 'auto';
}

/**
 * `pause` holds training between two steps until `continue`; `stop` ends it (also from a pause).
 * `exit` answers `flush` from a utility process: everything it sent has arrived, it may end.
 */
export type ToEngine =
  | { type: 'train'; job: TrainJob }
  /** Which backends can train here, and why the others cannot. */
  | { type: 'probe' }
  /** Train a few steps of `job` (into a scratch folder) to measure the speed a run would have. */
  | { type: 'warmup'; job: TrainJob; maxSteps: number; maxSeconds: number }
  /** Load a StyleGAN2 generator and answer `sample` requests until `stop`. */
  | { type: 'sampler'; source: SamplerSource; backend: BackendName | 'auto' }
  | { type: 'sample'; id: number; job: SampleJob }
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'continue' }
  | { type: 'exit' };

export type FromEngine =
  | { type: 'backend'; choice: BackendChoice }
  | { type: 'witnesses'; vectors: number[][] }
  | { type: 'tick'; tick: TrainTick }
  | { type: 'checkpoint'; checkpoint: CheckpointWritten }
  /** A stop between checkpoints wrote the state to continue from (sent before `done`). */
  | { type: 'resume-point'; point: ResumePointWritten }
  /** Training is holding between two steps, having taken `step` of them. */
  | { type: 'paused'; step: number; imagesSeen: number }
  | { type: 'done'; result: TrainResult }
  | { type: 'probed'; attempts: BackendAttempt[] }
  /** Steady speed over the warm-up's steps after the first (which compiles kernels). */
  | { type: 'measured'; steps: number; imagesPerSecond: number; stepsPerEpoch: number }
  /** The sampler's generator is loaded; `sample` requests may come. */
  | { type: 'sampler-ready'; resolution: number; numWs: number; cDim: number }
  | { type: 'sampled'; id: number; result: SampleResult }
  | { type: 'sample-failed'; id: number; message: string }
  | { type: 'error'; message: string }
  /**
   * Sent last. A forked Node child exits once it has left; a utility process, whose postMessage
   * gives no such callback, waits for the main process to answer `exit`.
   */
  | { type: 'flush' };
