// A checkpoint is one self-describing file: what network it is, where training stood (counters,
// random generator states), and every tensor — weights, running statistics, optimiser moments.
//   "LEPCKPT1" · u32 header length · header JSON · float32 data of each tensor, in header order
// Written to a temporary name, fsynced and renamed; its sha256 is returned so the run can record
// it and a damaged file is recognised on resume.
import { createHash } from 'node:crypto';
import { atomicWrite } from '../../formats/atomic-write';
import { CHECKPOINT_MAGIC, readCheckpointFile } from '../../formats/checkpoint-file';
import * as tf from '../tf';
import type { GanModel } from '../models/gan-model';
import type { RngState } from '../nn/rng';

export interface TrainCounters {
  epoch: number;
  step: number;
  imagesSeen: number;
}

export interface EpochPosition {
  /** The epoch's shuffled order of the dataset. */
  order: number[];
  /** The next batch of that order to train on. */
  nextStep: number;
}

export interface CheckpointHeader {
  format: 'leporello-checkpoint';
  version: 1;
  arch: string;
  modelConfig: unknown;
  counters: TrainCounters;
  rng: { train: RngState; noise: RngState };
  /** Where in its pass over the dataset a checkpoint taken mid-epoch (every N kimg) stood. */
  position?: EpochPosition;
  tensors: { name: string; shape: number[] }[];
}

export interface CheckpointContent {
  header: CheckpointHeader;
  tensors: Map<string, tf.Tensor>;
}

async function optimizerTensors(prefix: string, opt: tf.Optimizer): Promise<[string, tf.Tensor][]> {
  // Adam's weights are positional (iterations first, then moments in the order of the variables
  // given to minimize), so they are stored by position.
  return (await opt.getWeights()).map((w, i) => [`${prefix}${i}`, w.tensor]);
}

export async function saveCheckpoint(
  file: string,
  tmpDir: string,
  model: GanModel,
  modelConfig: unknown,
  optimizers: { g: tf.Optimizer; d: tf.Optimizer },
  counters: TrainCounters,
  trainRng: RngState,
  position?: EpochPosition,
): Promise<{ sha256: string; bytes: number }> {
  const entries: [string, tf.Tensor][] = [
    ...[...model.params.vars].map(([name, v]) => [`param:${name}`, v] as [string, tf.Tensor]),
    ...(await optimizerTensors('optG:', optimizers.g)),
    ...(await optimizerTensors('optD:', optimizers.d)),
  ];
  const header: CheckpointHeader = {
    format: 'leporello-checkpoint',
    version: 1,
    arch: model.arch,
    modelConfig,
    counters,
    rng: { train: trainRng, noise: model.noise.state() },
    ...(position ? { position } : {}),
    tensors: entries.map(([name, t]) => ({ name, shape: t.shape })),
  };
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length);
  const chunks: Buffer[] = [Buffer.from(CHECKPOINT_MAGIC, 'latin1'), length, json];
  for (const [, t] of entries) {
    const data = (await t.data()) as Float32Array | Int32Array;
    chunks.push(Buffer.from(Float32Array.from(data).buffer));
  }
  const bytes = Buffer.concat(chunks);
  await atomicWrite(file, bytes, tmpDir);
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
}

/** Reads a checkpoint, refusing it when its bytes no longer hash to what was recorded. */
export async function readCheckpoint(file: string, expectedSha256?: string): Promise<CheckpointContent> {
  const { header, tensors } = await readCheckpointFile<CheckpointHeader>(file, expectedSha256);
  return { header, tensors: new Map([...tensors].map(([name, t]) => [name, tf.tensor(t.data, t.shape)])) };
}

/** Puts a checkpoint's tensors into a model of the same architecture and its optimisers. */
export async function restoreCheckpoint(content: CheckpointContent, model: GanModel, optimizers: { g: tf.Optimizer; d: tf.Optimizer }): Promise<void> {
  for (const [name, v] of model.params.vars) {
    const t = content.tensors.get(`param:${name}`);
    if (!t && model.params.addedLater.has(name)) continue;
    if (!t) throw new Error(`the checkpoint has no ${name}: it belongs to another architecture`);
    if (t.shape.join('×') !== v.shape.join('×')) throw new Error(`${name} is ${t.shape.join('×')} in the checkpoint but ${v.shape.join('×')} in the model`);
    v.assign(t);
  }
  model.noise.restore(content.header.rng.noise);
  for (const [prefix, opt] of [
    ['optG:', optimizers.g],
    ['optD:', optimizers.d],
  ] as const) {
    const weights = [...content.tensors].filter(([n]) => n.startsWith(prefix)).map(([n, tensor]) => ({ name: n, tensor }));
    if (weights.length) await opt.setWeights(weights);
  }
  for (const t of content.tensors.values()) t.dispose();
}
