// The training loop: a plain function driven by callbacks, with no Electron or IPC in sight; the
// engine process that hosts it is a thin adapter. It reads batches by offset from a packed
// dataset, trains k discriminator steps per generator step, reports ticks, and at every
// checkpoint writes the networks, the optimisers, the counters and the random states, and
// renders the run's fixed witness latents. A stop between checkpoints writes a resume point:
// the same state, without witnesses or health, so that no step is lost and none is shown twice.
import { join } from 'node:path';
import * as tf from '../tf';
import { type HealthReport } from '../metrics/registry';
import type { HealthBest } from '../../../shared/health';
import { buildModel, type ModelConfig } from '../models/registry';
import type { StyleModel } from '../models/style-model';
import { readNetworkFiles } from '../../formats/network-file';
import type { TrainingStage } from '../models/gan-model';
import { Rng } from '../nn/rng';
import type { DatasetFile } from '../../formats/dataset-file';
import { readCheckpoint, restoreCheckpoint, saveCheckpoint, type EpochPosition, type TrainCounters } from './checkpoint';
import { trainingSteps } from './objectives';
import { adamPair, type Optimizers } from './optimize';
import { checkTrainingFits } from './memory-limit';
import { collectStats } from './train-stats';
import { type QuickQuality } from './quick-quality';
import { CheckpointReview, shuffle, type RecentLosses } from './checkpoint-review';

export interface TrainOptions {
  runDir: string;
  tmpDir: string;
  dataset: DatasetFile;
  model: ModelConfig;
  /** How long to train: whole passes over the dataset, or thousands of images (`kimg`). */
  length: TrainingLength;
  batchSize: number;
  /** Discriminator steps per generator step. */
  dSteps: number;
  /** Adam's settings; the model family's own where absent. */
  learningRate?: number;
  beta1?: number;
  beta2?: number;
  seed: number;
  witnesses: number;
  /** A checkpoint every this many epochs or kimg, in the unit of `length`. */
  checkpointEvery: number;
  /** A pretrained network's folder (network.json + weights.bin) to start from, when not resuming. */
  initNetwork?: string;
  /** The best diversity, precision and recall earlier checkpoints of the run (or of the run it was forked from) reached. */
  healthBefore?: HealthBest;
  /** Start from this checkpoint (resume or fork); its sha256 is checked when given. */
  from?: { file: string; sha256?: string };
}

export type TrainingLength = { unit: 'epochs'; epochs: number } | { unit: 'kimg'; kimg: number };

export interface TrainTick extends TrainCounters {
  /** Epochs to train, or null when training is measured in kimg. */
  epochs: number | null;
  kimgTotal: number | null;
  imagesTotal: number;
  stepsPerEpoch: number;
  dLoss: number;
  gLoss: number;
  imagesPerSecond: number;
  etaSeconds: number | null;
  /** The resolution a growing network trains at and how far its newest block has faded in. */
  stage: TrainingStage | null;
  /** ADA's augmentation probability, for the families that augment. */
  augmentP: number | null;
  /** This step's statistics by name (train-stats.ts): R1's penalty, D's signs, ADA's p, timings. */
  stats: Record<string, number>;
}

export interface ResumePointWritten extends TrainCounters {
  file: string;
  sha256: string;
  bytes: number;
}

export interface CheckpointWritten extends ResumePointWritten {
  witnessGrid: string;
  health: HealthReport;
  /** The quick quality measurement (SWD, precision and recall) of the health samples. */
  quality: QuickQuality;
}

export interface TrainCallbacks {
  /** The run's fixed witness latents, once, before training starts. */
  onWitnesses?: (vectors: number[][]) => void;
  onTick?: (tick: TrainTick) => void;
  onCheckpoint?: (c: CheckpointWritten) => void | Promise<void>;
  /** A stop left steps after the last checkpoint: their state, to resume from, not a timeline column. */
  onResumePoint?: (c: ResumePointWritten) => void | Promise<void>;
  shouldAbort?: () => boolean;
  /** Awaited before every step: resolves at once, or when a paused run is continued. */
  whilePaused?: (at: TrainCounters) => Promise<void>;
}

export interface TrainResult extends TrainCounters {
  aborted: boolean;
}

/** Images of a batch as floats in [-1, 1], each mirrored left–right where `flip` says so. */
function toBatchTensor(bytes: Uint8Array, n: number, r: number, c: number, flip: boolean[]): tf.Tensor4D {
  const out = new Float32Array(bytes.length);
  const row = r * c;
  for (let i = 0; i < n; i++) {
    const base = i * r * row;
    for (let y = 0; y < r; y++) {
      for (let x = 0; x < r; x++) {
        const sx = flip[i] ? r - 1 - x : x;
        for (let k = 0; k < c; k++) out[base + y * row + x * c + k] = bytes[base + y * row + sx * c + k]! / 127.5 - 1;
      }
    }
  }
  return tf.tensor4d(out, [n, r, r, c]);
}

/** Classes as one-hot rows. */
function oneHot(classes: number[], count: number): tf.Tensor2D {
  const out = new Float32Array(classes.length * count);
  classes.forEach((c, i) => (out[i * count + c] = 1));
  return tf.tensor2d(out, [classes.length, count]);
}

/** The checkpoint's file stem: the epoch, or the kimg reached, so names sort in training order. */
function checkpointName(length: TrainingLength, c: TrainCounters): string {
  return length.unit === 'epochs' ? `epoch-${String(c.epoch).padStart(5, '0')}` : `kimg-${(c.imagesSeen / 1000).toFixed(3).padStart(10, '0')}`;
}

/** A resume point's file stem: the images seen, which no scheduled checkpoint's name can be. */
function resumePointName(c: TrainCounters): string {
  return `resume-${String(c.imagesSeen).padStart(10, '0')}`;
}

export async function trainLoop(options: TrainOptions, callbacks: TrainCallbacks = {}): Promise<TrainResult> {
  const meta = options.dataset.meta;
  const spec = options.model;
  const length = options.length;
  if (spec.config.resolution !== meta.resolution || spec.config.channels !== meta.channels) {
    throw new Error(`the model is ${spec.config.resolution} px × ${spec.config.channels} channels but the dataset is ${meta.resolution} px × ${meta.channels}`);
  }
  const stepsPerEpoch = Math.floor(meta.count / options.batchSize);
  if (stepsPerEpoch < 1) throw new Error(`the dataset has ${meta.count} images, fewer than one batch of ${options.batchSize}: lower the batch size`);
  // Before anything is built: a run too large for the backend's memory is refused, not failed minutes in.
  checkTrainingFits(spec, options.batchSize, tf.getBackend());
  const imagesPerEpoch = stepsPerEpoch * options.batchSize;
  const totalImages = length.unit === 'epochs' ? length.epochs * imagesPerEpoch : Math.ceil((length.kimg * 1000) / options.batchSize) * options.batchSize;
  const checkpointImages = options.checkpointEvery * 1000;

  // A conditional network trains on the dataset's classes, which must be as many as it has.
  const classCount = spec.arch === 'stylegan2' || spec.arch === 'stylegan' ? spec.config.cDim : 0;
  if (classCount > 0 && meta.classes?.length !== classCount)
    throw new Error(`the network is conditional on ${classCount} classes but the dataset has ${meta.classes ? `${meta.classes.length}` : 'no'} classes`);
  const labels = classCount > 0 ? meta.labels! : null;
  const rng = new Rng(options.seed);
  const model = buildModel(spec, new Rng(options.seed ^ 0x5eed));
  const steps = trainingSteps[model.objective];
  const opt: Optimizers = adamPair(
    options.learningRate ?? model.optimizer.learningRate,
    options.beta1 ?? model.optimizer.beta1,
    options.beta2 ?? model.optimizer.beta2,
    model.optimizer.dRegInterval,
    model.optimizer.gRegInterval,
  );
  let counters: TrainCounters = { epoch: 0, step: 0, imagesSeen: 0 };
  let position: EpochPosition | undefined;
  const review = await CheckpointReview.open(model, options.dataset, options.seed, options.witnesses, options.healthBefore);
  callbacks.onWitnesses?.((await review.witnesses.array()) as number[][]);
  const losses: RecentLosses = { recent: { d: [], g: [] }, before: { d: [], g: [] } };

  try {
    if (options.from) {
      const content = await readCheckpoint(options.from.file, options.from.sha256);
      if (content.header.arch !== model.arch) throw new Error(`${options.from.file} holds a ${content.header.arch} network, not ${model.arch}`);
      await restoreCheckpoint(content, model, opt);
      counters = { ...content.header.counters };
      position = content.header.position;
      rng.restore(content.header.rng.train);
    }
    if (!options.from && options.initNetwork) {
      if (!('loadPretrained' in model)) throw new Error(`a ${model.arch} network cannot start from a pretrained one`);
      const { weights } = await readNetworkFiles(options.initNetwork);
      (model as StyleModel).loadPretrained(weights);
    }
    await model.setProgress?.(counters.imagesSeen);

    // Images seen at the newest state written (a checkpoint, or the one resumed from).
    let savedAt = options.from ? counters.imagesSeen : -1;
    const checkpoint = async (at?: EpochPosition) => {
      savedAt = counters.imagesSeen;
      const name = checkpointName(length, counters);
      const file = join(options.runDir, 'checkpoints', `${name}.lepckpt`);
      const witnessGrid = join(options.runDir, 'witnesses', `${name}.png`);
      const written = await saveCheckpoint(file, options.tmpDir, model, spec, opt, counters, rng.state(), at);
      const { health, quality } = await review.review(counters, totalImages, witnessGrid, losses);
      losses.before = losses.recent;
      losses.recent = { d: [], g: [] };
      await callbacks.onCheckpoint?.({ ...counters, file, witnessGrid, ...written, health, quality });
    };
    if (!options.from) await checkpoint(); // the start: what the untrained generator draws

    const started = performance.now();
    let pausedMs = 0;
    const imagesAtStart = counters.imagesSeen;
    let aborted = false;
    while (counters.imagesSeen < totalImages && !aborted) {
      const order = position?.order ?? shuffle(meta.count, rng);
      for (let s = position?.nextStep ?? 0; s < stepsPerEpoch && counters.imagesSeen < totalImages; s++) {
        if (callbacks.whilePaused) {
          const pausedAt = performance.now();
          await callbacks.whilePaused(counters);
          pausedMs += performance.now() - pausedAt;
        }
        if (callbacks.shouldAbort?.()) {
          aborted = true;
          if (counters.imagesSeen > savedAt) {
            // Stopped mid-way: the state before step s, so a resume takes step s next.
            const file = join(options.runDir, 'checkpoints', `${resumePointName(counters)}.lepckpt`);
            const written = await saveCheckpoint(file, options.tmpDir, model, spec, opt, counters, rng.state(), { order, nextStep: s });
            await callbacks.onResumePoint?.({ ...counters, file, ...written });
          }
          break;
        }
        await model.setProgress?.(counters.imagesSeen);
        const positions = order.slice(s * options.batchSize, (s + 1) * options.batchSize);
        const flips = positions.map(() => meta.xflip && rng.next() < 0.5);
        const stepStarted = performance.now();
        const bytes = await options.dataset.readBatch(positions);
        const dataSeconds = (performance.now() - stepStarted) / 1000;
        const full = toBatchTensor(bytes, positions.length, meta.resolution, meta.channels, flips);
        const real = model.prepareReals ? model.prepareReals(full) : full;
        // A conditional network: the reals' classes from the dataset, the fakes' drawn as the dataset's are distributed (as NVIDIA's trainer does).
        const realLabels = labels
          ? oneHot(
              positions.map((p) => labels[p]!),
              classCount,
            )
          : null;
        const fakeClasses = () => (labels ? Array.from({ length: options.batchSize }, () => labels[Math.floor(rng.next() * labels.length)]!) : undefined);
        const zD = model.sampleLatents(options.batchSize, rng, fakeClasses());
        const dLossT = steps.discriminator(model, opt, real, zD, rng, realLabels);
        let gLossT: tf.Scalar | null = null;
        let zG: tf.Tensor2D | null = null;
        if ((counters.step + 1) % options.dSteps === 0) {
          if (!steps.generatorReusesLatents) zG = model.sampleLatents(options.batchSize, rng, fakeClasses());
          gLossT = steps.generator(model, opt, zG ?? zD);
          model.afterGeneratorStep?.(options.batchSize, counters.imagesSeen + positions.length);
        }
        const [dLoss, gLoss] = [(await dLossT.data())[0]!, gLossT ? (await gLossT.data())[0]! : Number.NaN];
        const stats = await collectStats();
        const augmentP = 'augmentP' in model ? (model as StyleModel).augmentP : null;
        if (augmentP !== null) stats['ADA/p'] = augmentP;
        stats['Timing/data_s'] = dataSeconds;
        stats['Timing/step_s'] = (performance.now() - stepStarted) / 1000;
        tf.dispose([...new Set([full, real]), zD, dLossT, ...(gLossT ? [gLossT] : []), ...(zG ? [zG] : []), ...(realLabels ? [realLabels] : [])]);
        losses.recent.d.push(dLoss);
        if (!Number.isNaN(gLoss)) losses.recent.g.push(gLoss);
        const before = counters.imagesSeen;
        counters = { ...counters, step: counters.step + 1, imagesSeen: counters.imagesSeen + positions.length };
        const seconds = (performance.now() - started - pausedMs) / 1000;
        const rate = (counters.imagesSeen - imagesAtStart) / Math.max(seconds, 1e-9);
        const remaining = totalImages - counters.imagesSeen;
        callbacks.onTick?.({
          ...counters,
          epochs: length.unit === 'epochs' ? length.epochs : null,
          kimgTotal: length.unit === 'kimg' ? length.kimg : null,
          imagesTotal: totalImages,
          stepsPerEpoch,
          dLoss,
          gLoss,
          imagesPerSecond: rate,
          etaSeconds: rate > 0 ? remaining / rate : null,
          stage: model.stage ?? null,
          augmentP,
          stats,
        });
        // Training measured in kimg checkpoints where it crosses a multiple, wherever in the epoch that falls.
        const crossed = Math.floor(counters.imagesSeen / checkpointImages) > Math.floor(before / checkpointImages);
        if (length.unit === 'kimg' && (crossed || counters.imagesSeen >= totalImages)) {
          await model.setProgress?.(counters.imagesSeen);
          await checkpoint({ order, nextStep: s + 1 });
        }
      }
      position = undefined;
      if (aborted || (counters.imagesSeen >= totalImages && length.unit === 'kimg')) break;
      counters = { ...counters, epoch: counters.epoch + 1 };
      if (length.unit === 'epochs' && (counters.epoch % options.checkpointEvery === 0 || counters.imagesSeen >= totalImages)) await checkpoint();
    }
    return { ...counters, aborted };
  } finally {
    review.dispose();
    model.params.dispose();
    opt.g.dispose();
    opt.d.dispose();
  }
}
