// The one door into an engine process: typed jobs, one union of messages each way (after Signal's
// worker protocol). The host sends `start` with a sequence number and a job of one kind; the engine
// answers with progress, log lines and the job's own events under that number, and ends it with
// exactly one `result` or `error`. An engine process runs its jobs one after another and lives
// until the host sends `exit`, so a generator or a face detector loaded for one job serves the next.
// Only types here: the host imports this file and nothing else of the engine.
import type { BackendAttempt, BackendChoice, BackendName } from './backends';
import type { Arch, ModelOverrides } from './models/registry';
import type { TrainingMemory } from './train/memory-limit';
import type { CheckpointWritten, ResumePointWritten, TrainOptions, TrainResult, TrainTick } from './train/train-loop';
import type { SampleJob, SampleResult } from './jobs/sample';
import type { GeneratorSpec } from './jobs/generator-spec';
import type { AnalysedFace, PictureJob } from './curation/analyse-picture';
import type { LatentSeedsRequest, LatentVectors } from './jobs/latent-seeds';
import type { DrawLatentsRequest, DrawnStrip } from './jobs/draw-latents';
import type { ProjectionRequest, ProjectionResult } from './jobs/project-image';
import type { VideoRequest, VideoResult } from './jobs/render-video';
import type { FeatureAnalysisRequest } from './jobs/analyze-feature';
import type { FeatureGenerationRequest, FeatureGenerationResult } from './jobs/generate-feature';
import type { BookRequest, BookResult } from './jobs/render-book';
import type { ContactSheetRequest, ContactSheetResult } from './jobs/contact-sheet';
import type { InspectionRequest, InspectionResult } from './jobs/inspect-run';
import type { CheckpointSamplesRequest } from './jobs/sample-checkpoint';
import type { QualityRequest, QualityResult } from './jobs/measure-quality';
import type { SnapshotReviewRequest, SnapshotReviewResult } from './jobs/review-snapshot';
import type { FeatureReport } from '../../shared/feature-report';

/**
 * A training job as it crosses the process boundary: paths instead of open files, and the network
 * as the run's settings ask for it (the engine fills in each family's defaults).
 */
export interface TrainJob extends Omit<TrainOptions, 'dataset' | 'model'> {
  datasetDir: string;
  backend: BackendName | 'auto';
  model: { arch: Arch; resolution: number; channels: 1 | 3; overrides: ModelOverrides };
}

/** What a training job reports while it runs, besides progress. */
export type TrainEvent =
  | { type: 'backend'; choice: BackendChoice }
  | { type: 'witnesses'; vectors: number[][] }
  | { type: 'tick'; tick: TrainTick }
  | { type: 'checkpoint'; checkpoint: CheckpointWritten }
  /** A stop between checkpoints wrote the state to continue from. */
  | { type: 'resume-point'; point: ResumePointWritten }
  /** Training is holding between two steps, having taken `step` of them. */
  | { type: 'paused'; step: number; imagesSeen: number };

/** Every job kind: what it is asked, what it reports on the way, and what it answers. */
export interface EngineJobs {
  /** Which backends work here for training (or drawing), and why the others do not. */
  probe: { request: { purpose: 'train' | 'sample' }; event: never; result: BackendAttempt[] };
  train: { request: TrainJob; event: TrainEvent; result: TrainResult };
  /** What a run would need of the backend's memory at its batch, and the largest batch that fits. */
  limits: { request: { job: TrainJob }; event: never; result: TrainingMemory };
  /** A few real steps of a run (into a scratch folder) to measure the speed it would have. */
  warmup: {
    request: { job: TrainJob; maxSteps: number; maxSeconds: number };
    event: never;
    result: { backend: BackendChoice; steps: number; imagesPerSecond: number; stepsPerEpoch: number };
  };
  /** A StyleGAN2 generator's pictures (faces by seed, the style-mixing figure, a path), kept loaded between jobs. */
  sample: { request: { generator: GeneratorSpec; backend: BackendName | 'auto'; job: SampleJob }; event: never; result: SampleResult & { backend: string } };
  /** Curation: one picture's faces, landmarks, descriptors and aligned crops. */
  'analyse-picture': { request: { backend: BackendName | 'auto'; picture: PictureJob }; event: never; result: { faces: AnalysedFace[]; backend: string } };
  /** The latents seeds give a generator (W for StyleGAN2, Z for the others). */
  'latent-seeds': { request: LatentSeedsRequest; event: never; result: LatentVectors };
  /** The latent of the generator's average face, for truncation. */
  'latent-average': {
    request: { generator: GeneratorSpec; backend?: BackendName | 'auto' };
    event: never;
    result: { space: 'z' | 'w'; vector: number[]; backend: string };
  };
  /** Latents, or the frames of a path through them, drawn side by side as one PNG. */
  'draw-latents': { request: DrawLatentsRequest; event: never; result: DrawnStrip };
  'project-image': { request: ProjectionRequest; event: never; result: ProjectionResult };
  'render-video': { request: VideoRequest; event: never; result: VideoResult };
  'analyze-feature': { request: FeatureAnalysisRequest; event: never; result: FeatureReport };
  'generate-feature': { request: FeatureGenerationRequest; event: never; result: FeatureGenerationResult };
  'render-book': { request: BookRequest; event: never; result: BookResult };
  'contact-sheet': { request: ContactSheetRequest; event: never; result: ContactSheetResult };
  /** How close a generator's pictures come to a dataset's: SWD, and KID, FD, precision and recall on face descriptors. */
  'measure-quality': { request: QualityRequest; event: never; result: QualityResult };
  /** New pictures from a run's generator at a checkpoint, as PNGs. */
  'sample-checkpoint': { request: CheckpointSamplesRequest; event: never; result: { files: string[]; backend: string } };
  /** A snapshot of a run trained elsewhere, written and reviewed as a checkpoint of a Leporello run. */
  'review-snapshot': { request: SnapshotReviewRequest; event: never; result: SnapshotReviewResult };
  /** An import stopped part way: the state review-snapshot kept for it is let go. */
  'release-snapshot-review': { request: { runDir: string }; event: never; result: { released: boolean } };
  /** A checkpoint's witnesses against the training portraits: near-duplicates, and the nearest portraits. */
  'inspect-run': { request: InspectionRequest; event: never; result: InspectionResult };
}

export type JobKind = keyof EngineJobs;
export type JobRequestOf<K extends JobKind> = EngineJobs[K]['request'];
export type JobEventOf<K extends JobKind> = EngineJobs[K]['event'];
export type JobResultOf<K extends JobKind> = EngineJobs[K]['result'];

/** Progress of a job: step or frame `done` of `total`, with the time left at the pace so far. */
export interface JobProgressMessage {
  done: number;
  total: number;
  secondsLeft: number | null;
  message: string;
}

/** An error as it crosses the boundary (an Error object does not survive structured cloning whole). */
export interface SerialisedError {
  name: string;
  message: string;
  stack?: string;
  /** An AppError's code (what the person asked wrongly, what is missing), kept across the boundary. */
  code?: string;
}

type StartMessage = { [K in JobKind]: { type: 'start'; seq: number; kind: K; request: JobRequestOf<K> } }[JobKind];

export type ToEngine =
  | StartMessage
  /** Stop the job: a training run after its current step (writing a resume point), anything else at once, leaving no file half-written. */
  | { type: 'cancel'; seq: number }
  /** Training only: hold between two steps until `continue` (or `cancel`). */
  | { type: 'pause'; seq: number }
  | { type: 'continue'; seq: number }
  /** Every answer has arrived: end the process. */
  | { type: 'exit' };

export type FromEngine =
  | { type: 'progress'; seq: number; progress: JobProgressMessage }
  | { type: 'log'; seq: number; message: string }
  | { type: 'event'; seq: number; event: EngineJobs[JobKind]['event'] }
  | { type: 'result'; seq: number; result: EngineJobs[JobKind]['result'] }
  | { type: 'error'; seq: number; error: SerialisedError };

/** The name a cancelled job's error carries, so the host can tell a cancel from a failure. */
export const CANCELLED = 'Cancelled';
