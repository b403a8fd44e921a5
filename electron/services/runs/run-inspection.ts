// The health panel's pictures: at one checkpoint, which witnesses are near-duplicates of one
// another and which come closest to a training portrait (memorisation), measured in the same
// feature space as the engine's health metrics, plus what to try when the run is in trouble.
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { RunInspection } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../../shared/progress';
import { familyLearningRate } from '../../../shared/run-presets';
import { nearestNeighbourDistances } from '../../engine/metrics/duplicates';
import { distance, imageFeatures, median } from '../../engine/metrics/features';
import { DatasetFile, imageBytes } from '../../formats/dataset-file';
import { getDataset } from '../datasets/datasets';
import type { Project } from '../projects/project';
import { runSeries } from './run-series';
import { getRun, listCheckpoints } from './run-store';

/** How many witness ↔ training pairs the panel shows. */
const NEAREST_SHOWN = 6;

/** The witnesses of one grid as NHWC bytes with the dataset's channels. */
async function splitGrid(file: string, count: number, r: number, channels: number): Promise<Uint8Array[]> {
  const { data, info } = await sharp(file).raw().toBuffer({ resolveWithObject: true });
  const perRow = Math.ceil(Math.sqrt(count));
  return Array.from({ length: count }, (_, w) => {
    const out = new Uint8Array(r * r * channels);
    const gx = (w % perRow) * r;
    const gy = Math.floor(w / perRow) * r;
    for (let y = 0; y < r; y++)
      for (let x = 0; x < r; x++)
        for (let k = 0; k < channels; k++) out[(y * r + x) * channels + k] = data[((gy + y) * info.width + gx + x) * info.channels + Math.min(k, info.channels - 1)]!;
    return out;
  });
}

/** Groups of indices closer than `threshold`, joined transitively; single items left out. */
function clusters(features: Float32Array[], threshold: number): number[][] {
  const parent = features.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  for (let i = 0; i < features.length; i++)
    for (let j = i + 1; j < features.length; j++) if (distance(features[i]!, features[j]!) < threshold) parent[find(i)] = find(j);
  const groups = new Map<number, number[]>();
  features.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()].filter((g) => g.length > 1).sort((a, b) => b.length - a.length);
}

export async function inspectRun(project: Project, runId: number, at?: number): Promise<RunInspection> {
  const run = getRun(project, runId);
  const unit = progressUnit(run.options);
  const checkpoints = listCheckpoints(project, runId);
  const checkpoint = at === undefined ? checkpoints.at(-1) : checkpoints.find((c) => checkpointAt(unit, c) === at);
  if (!checkpoint) throw new AppError('not_found', `run "${run.name}" has no checkpoint${at === undefined ? '' : ` at ${describeAt(unit, at)}`}`);
  const dataset = getDataset(project, run.datasetId);
  const r = dataset.resolution;
  const witnesses = await splitGrid(join(project.dir, checkpoint.witnessGrid), run.options.witnesses, r, dataset.channels);
  const file = await DatasetFile.open(join(project.dir, dataset.path));
  let reals: Uint8Array;
  try {
    reals = await file.readBatch(Array.from({ length: file.meta.count }, (_, i) => i));
  } finally {
    await file.close();
  }
  const size = imageBytes(file.meta);
  const realImages = Array.from({ length: file.meta.count }, (_, i) => reals.subarray(i * size, (i + 1) * size));
  const realFeatures = imageFeatures(realImages, r, dataset.channels);
  const sampleFeatures = imageFeatures(witnesses, r, dataset.channels);
  // The same yardsticks as the engine's metrics (duplicates.ts, memorisation.ts).
  const spacing = median(nearestNeighbourDistances(realFeatures.length > 400 ? realFeatures.filter((_, i) => i % Math.ceil(realFeatures.length / 400) === 0) : realFeatures));
  const duplicateClusters = clusters(sampleFeatures, 0.1 * spacing);

  const nearestOf = sampleFeatures.map((s, witness) => {
    let best = 0;
    let bestD = Infinity;
    realFeatures.forEach((f, i) => {
      const d = distance(s, f);
      if (d < bestD) [best, bestD] = [i, d];
    });
    return { witness, position: best, ratio: spacing > 0 ? bestD / spacing : Number.NaN };
  });
  nearestOf.sort((a, b) => a.ratio - b.ratio);
  const healthDir = join(run.path, 'health');
  await mkdir(join(project.dir, healthDir), { recursive: true });
  const nearest = [];
  for (const n of nearestOf.slice(0, NEAREST_SHOWN)) {
    const rel = `${healthDir}/training-${n.position}.png`;
    if (!existsSync(join(project.dir, rel))) {
      await sharp(Buffer.from(realImages[n.position]!), { raw: { width: r, height: r, channels: dataset.channels } }).png().toFile(join(project.dir, rel));
    }
    nearest.push({ witness: n.witness, trainingImage: rel, ratio: n.ratio });
  }
  return {
    runId,
    at: checkpointAt(unit, checkpoint),
    witnessGrid: checkpoint.witnessGrid,
    witnesses: run.options.witnesses,
    resolution: r,
    duplicateClusters,
    nearest,
    advice: advise(project, runId, duplicateClusters.length > 0, nearest[0]?.ratio ?? Infinity),
  };
}

/** What to try, in the order a curator would: the cheap, certain remedies first. */
function advise(project: Project, runId: number, duplicates: boolean, closest: number): RunInspection['advice'] {
  const run = getRun(project, runId);
  const series = runSeries(project, runId, 10);
  const advice: RunInspection['advice'] = [];
  const dataset = getDataset(project, run.datasetId);
  const lr = run.options.learningRate ?? familyLearningRate(run.options.arch);
  if (run.health?.verdict === 'collapsed' && series.onsetAt !== null) {
    const before = series.checkpoints.filter((c) => c.at < series.onsetAt!).at(-1);
    if (before) {
      advice.push({
        text: `Resume from the checkpoint before the collapse (${describeAt(series.unit, before.at)}) with half the learning rate (${lr / 2}).`,
        action: { kind: 'fork', at: before.at, learningRate: lr / 2 },
      });
    }
  }
  if (run.health?.verdict === 'collapsed' || duplicates) {
    if (!dataset.xflip) advice.push({ text: 'Augment: build the dataset again with mirrored copies (x-flip), which doubles what D sees.', action: { kind: 'augment' } });
    if (dataset.imageCount < 1000) advice.push({ text: `More data: ${dataset.imageCount} portraits is few; curate more into the collection and build a new dataset.`, action: { kind: 'curate' } });
    advice.push({ text: 'Lower the learning rate, or give D fewer steps per G step.', action: null });
  }
  if (closest < 0.25) advice.push({ text: 'Some samples copy a training portrait closely (memorisation): stop earlier, or add data.', action: null });
  return advice;
}
