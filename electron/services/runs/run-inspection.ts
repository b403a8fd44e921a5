// The health panel's pictures: at one checkpoint, which witnesses are near-duplicates of one
// another and which come closest to a training portrait (memorisation), measured in the same
// feature space as the engine's health metrics, plus what to try when the run is in trouble.
import { join } from 'node:path';
import type { RunInspection } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { checkpointAt, describeAt, progressUnit } from '../../../shared/progress';
import { familyLearningRate } from '../../../shared/run-presets';
import { adviceFor, COPY_RATIO, describeMemorisation } from '../../../shared/health';
import { asAppError, type EngineClient } from '../engine-host/engine-client';
import { getDataset } from '../datasets/datasets';
import type { Project } from '../projects/project';
import { runSeries } from './run-series';
import { getRun, listCheckpoints } from './run-store';

/** How many witness ↔ training pairs the panel shows. */
const NEAREST_SHOWN = 6;

/** What the health panel shows of a checkpoint: computed by an engine job, advised here. */
export async function inspectRun(project: Project, engine: EngineClient, runId: number, at?: number): Promise<RunInspection> {
  const run = getRun(project, runId);
  const unit = progressUnit(run.options);
  const checkpoints = listCheckpoints(project, runId);
  const checkpoint = at === undefined ? checkpoints.at(-1) : checkpoints.find((c) => checkpointAt(unit, c) === at);
  if (!checkpoint) throw new AppError('not_found', `run "${run.name}" has no checkpoint${at === undefined ? '' : ` at ${describeAt(unit, at)}`}`);
  const dataset = getDataset(project, run.datasetId);
  const { duplicateClusters, nearest } = await engine
    .run('inspect-run', {
      witnessGrid: join(project.dir, checkpoint.witnessGrid),
      witnesses: run.options.witnesses,
      datasetDir: join(project.dir, dataset.path),
      projectDir: project.dir,
      healthDir: join(run.path, 'health'),
      shown: NEAREST_SHOWN,
    })
    .catch((err: unknown) => {
      throw asAppError(err);
    });
  return {
    runId,
    at: checkpointAt(unit, checkpoint),
    witnessGrid: checkpoint.witnessGrid,
    witnesses: run.options.witnesses,
    resolution: dataset.resolution,
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
  const verdict = run.health?.verdict;
  if (verdict === 'collapsing' && series.onsetAt !== null) {
    // Only a checkpoint that kept its networks can be forked from (a run may keep every Nth).
    const before = series.checkpoints.filter((c) => c.at < series.onsetAt! && c.weightsKept).at(-1);
    if (before && before.imagesSeen === 0) {
      // Forking from the untrained start is starting again.
      advice.push({
        text: `Start again with half the learning rate (${lr / 2}): no checkpoint between the start and the collapse kept its networks (the run keeps those of one checkpoint in ${run.options.keepWeightsEvery ?? 1}).`,
        action: { kind: 'restart' },
      });
    } else if (before) {
      advice.push({
        text: `Resume from the checkpoint before the collapse (${describeAt(series.unit, before.at)}) with half the learning rate (${lr / 2}).`,
        action: { kind: 'fork', at: before.at, learningRate: lr / 2 },
      });
    }
  }
  if (verdict === 'failed') {
    const lastHealthy = series.checkpoints.filter((c) => c.verdict === 'healthy' && c.weightsKept).at(-1);
    if (lastHealthy)
      advice.push({
        text: `Resume from the last healthy checkpoint (${describeAt(series.unit, lastHealthy.at)}) with half the learning rate (${lr / 2}).`,
        action: { kind: 'fork', at: lastHealthy.at, learningRate: lr / 2 },
      });
    advice.push({
      text: `Start again with its settings, changing what failed: a lower learning rate (${lr} now), a smaller batch.`,
      action: { kind: 'restart' },
    });
  }
  if (verdict === 'learning') for (const text of adviceFor('learning')) advice.push({ text, action: null });
  if (verdict === 'collapsing' || duplicates) {
    if (!dataset.xflip)
      advice.push({ text: 'Augment: build the dataset again with mirrored copies (x-flip), which doubles what D sees.', action: { kind: 'augment' } });
    if (dataset.imageCount < 1000)
      advice.push({
        text: `More data: ${dataset.imageCount} portraits is few; curate more into the collection and build a new dataset.`,
        action: { kind: 'curate' },
      });
    advice.push({ text: 'Lower the learning rate, or give D fewer steps per G step.', action: null });
  }
  if (closest < COPY_RATIO)
    advice.push({
      text: `The closest sample copies a training portrait (${describeMemorisation(closest)}): use an earlier checkpoint, or add data.`,
      action: null,
    });
  return advice;
}
