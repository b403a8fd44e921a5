// A snapshot of a run trained elsewhere (NVIDIA's train.py), made a checkpoint of a Leporello
// run: its networks (already converted to the studio's network files) go into the model the run's
// settings build, are written as a checkpoint as training writes one, and reviewed as training
// reviews one — the witnesses' grid, health, quick quality. The model, the witnesses and the
// review's memory (the best recall so far, whether the samples were ever diverse) are kept between
// the snapshots of one import, which come one job at a time so only one network is ever loaded.
import { join } from 'node:path';
import { DatasetFile } from '../../formats/dataset-file';
import { readNetworkFiles } from '../../formats/network-file';
import { selectBackend } from '../backends';
import { buildModel, defaultModelConfig, type ModelConfig } from '../models/registry';
import type { StyleModel } from '../models/style-model';
import { Rng } from '../nn/rng';
import type { TrainJob } from '../protocol';
import { saveCheckpoint, type TrainCounters } from '../train/checkpoint';
import { CheckpointReview } from '../train/checkpoint-review';
import { adamPair } from '../train/optimize';
import type { CheckpointWritten } from '../train/train-loop';
import * as tf from '../tf';
import type { EngineJob } from './job';

export interface SnapshotReviewRequest {
  /** The imported run's folder: the key under which one import's state is kept. */
  runDir: string;
  tmpDir: string;
  datasetDir: string;
  backend: TrainJob['backend'];
  model: TrainJob['model'];
  seed: number;
  witnesses: number;
  /** The snapshot, converted: network.json + weights.bin with G, D and G_ema. */
  networkDir: string;
  /** The checkpoint's file stem (kimg-000000.200). */
  name: string;
  counters: TrainCounters;
  totalImages: number;
  /** ADA's p at the snapshot, when the run augmented. */
  augmentP: number | null;
  /** D's and G's losses between the previous snapshot and this one (from stats.jsonl). */
  losses: { d: number[]; g: number[] };
  /** The import's last snapshot: its state is let go afterwards. */
  last: boolean;
}

export interface SnapshotReviewResult {
  checkpoint: CheckpointWritten;
  /** The run's witness latents, with the first snapshot's answer. */
  witnesses: number[][] | null;
  backend: string;
}

interface ImportState {
  runDir: string;
  spec: ModelConfig;
  model: StyleModel;
  review: CheckpointReview;
  dataset: DatasetFile;
  before: { d: number[]; g: number[] };
}

let state: ImportState | null = null;

async function release(): Promise<void> {
  if (!state) return;
  const s = state;
  state = null;
  s.review.dispose();
  s.model.params.dispose();
  await s.dataset.close();
}

export const reviewSnapshot: EngineJob<'review-snapshot'> = async (request, context) => {
  const choice = await selectBackend(request.backend, 'train');
  let witnesses: number[][] | null = null;
  if (state?.runDir !== request.runDir) {
    await release();
    const spec = defaultModelConfig(request.model.arch, request.model.resolution, request.model.channels, request.model.overrides);
    const dataset = await DatasetFile.open(request.datasetDir);
    const model = buildModel(spec, new Rng(request.seed ^ 0x5eed)) as StyleModel;
    const review = await CheckpointReview.open(model, dataset, request.seed, request.witnesses);
    state = { runDir: request.runDir, spec, model, review, dataset, before: { d: [], g: [] } };
    witnesses = (await review.witnesses.array()) as number[][];
  }
  const s = state!;
  try {
    context.progress(0, 2, `reading ${request.name}`);
    const { weights } = await readNetworkFiles(request.networkDir);
    s.model.loadPretrained(weights);
    if (request.augmentP !== null) s.model.params.vars.get('ada/p')?.assign(tf.scalar(request.augmentP));
    await s.model.setProgress?.(request.counters.imagesSeen);
    const file = join(request.runDir, 'checkpoints', `${request.name}.lepckpt`);
    const witnessGrid = join(request.runDir, 'witnesses', `${request.name}.png`);
    // Adam's moments did not come with the snapshot: a fork from it starts them afresh.
    const opt = adamPair(s.model.optimizer.learningRate, s.model.optimizer.beta1, s.model.optimizer.beta2);
    const written = await saveCheckpoint(file, request.tmpDir, s.model, s.spec, opt, request.counters, new Rng(request.seed).state());
    opt.g.dispose();
    opt.d.dispose();
    context.progress(1, 2, `reviewing ${request.name}`);
    const losses = { recent: request.losses, before: s.before };
    const { health, quality } = await s.review.review(request.counters, request.totalImages, witnessGrid, losses);
    s.before = request.losses;
    context.progress(2, 2, `reviewed ${request.name}`);
    return { checkpoint: { ...request.counters, file, witnessGrid, ...written, health, quality }, witnesses, backend: choice.name };
  } catch (err) {
    await release();
    throw err;
  } finally {
    if (request.last) await release();
  }
};

/** An import stopped part way: its model, witnesses and dataset are let go. */
export const releaseSnapshotReview: EngineJob<'release-snapshot-review'> = async ({ runDir }) => {
  const held = state?.runDir === runDir;
  if (held) await release();
  return { released: held };
};
