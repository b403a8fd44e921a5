// Short questions for an engine process of its own: which backends can train here, and how fast a
// run would go. Each starts a process, asks once and lets it end, so the answer is what a real
// run would see (the same process kind, the same backend choice) and nothing of it stays loaded.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { freeBytes } from '../fs/disk-use';
import { join } from 'node:path';
import type { Dataset, RunEstimate, RunLimits, RunRequest } from '../../../shared/contract';
import type { TrainJob } from '../../engine/protocol';
import { trainingTarget } from '../../../shared/progress';
import type { BackendAttempt } from '../../engine/backends';
import type { Project } from '../projects/project';
import { asAppError, EngineClient } from '../engine-host/engine-client';
import type { EngineLauncher } from '../engine-host/engine-launcher';
import { trainJobFor } from './train-job';
import { onWeightGrid } from './kept-weights';

/** Runs one job in an engine process of its own, which ends with it. */
async function once<T>(launch: EngineLauncher, work: (engine: EngineClient) => Promise<T>): Promise<T> {
  const engine = new EngineClient(launch);
  try {
    return await work(engine);
  } catch (err) {
    throw asAppError(err);
  } finally {
    await engine.close();
  }
}

export function probeInEngine(launch: EngineLauncher): Promise<BackendAttempt[]> {
  return once(launch, (engine) => engine.run('probe', { purpose: 'train' }));
}

/** What the run `job` describes would need of memory on the backend the engine would choose; throws nothing for a run too large, it says so. */
export async function limitsIn(engine: EngineClient, job: TrainJob): Promise<RunLimits> {
  try {
    const m = await engine.run('limits', { job });
    return { backend: m.backend, memoryBytes: m.bytes, memoryLimitBytes: m.limitBytes, largestBatch: m.largestBatch, batchProblem: m.problem };
  } catch (err) {
    throw asAppError(err);
  }
}

export function limitsInEngine(launch: EngineLauncher, job: TrainJob): Promise<RunLimits> {
  return once(launch, (engine) => limitsIn(engine, job));
}

/** Measures a few real training steps of the run `request` describes, in a scratch folder that is removed after. */
export async function estimateRun(
  project: Project,
  launch: EngineLauncher,
  request: RunRequest,
  dataset: Dataset,
  limits = { maxSteps: 6, maxSeconds: 12 },
): Promise<RunEstimate> {
  const scratch = await mkdtemp(join(project.tmpDir, 'warmup-'));
  try {
    const job = trainJobFor(project, { ...request, witnesses: Math.min(request.witnesses, 4) }, dataset, scratch, undefined);
    const measured = await once(launch, (engine) => engine.run('warmup', { job, ...limits }));
    const images = request.kimg !== undefined ? request.kimg * 1000 : trainingTarget(request) * measured.stepsPerEpoch * request.batchSize;
    // The warm-up wrote the run's first checkpoint (the untrained networks, their optimiser's state
    // and the witnesses' picture) as the run will write each one: its size, times how many there will be.
    const checkpointBytes = await firstFileBytes(join(scratch, 'checkpoints'));
    const witnessBytes = await firstFileBytes(join(scratch, 'witnesses'));
    const checkpoints = Math.floor(trainingTarget(request) / request.checkpointEvery + 1e-9) + 1;
    // Every checkpoint keeps its witnesses; its networks only on the keepWeightsEvery grid, and the last.
    const weightsKept = keptCount(checkpoints, request.keepWeightsEvery ?? 1);
    return {
      checkpointBytes: checkpointBytes + witnessBytes,
      checkpoints,
      weightsBytes: checkpointBytes,
      weightsKept,
      diskBytes: checkpoints * witnessBytes + weightsKept * checkpointBytes,
      freeBytes: await freeBytes(project.dir),
      backend: measured.backend.name,
      backendDetail: measured.backend.summary,
      stepsMeasured: measured.steps,
      imagesPerSecond: measured.imagesPerSecond,
      secondsPerEpoch: (measured.stepsPerEpoch * request.batchSize) / measured.imagesPerSecond,
      secondsTotal: images / measured.imagesPerSecond,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** How many of `checkpoints` keep their weights when every `every`th does, and the last. */
export function keptCount(checkpoints: number, every: number): number {
  return Array.from({ length: checkpoints }, (_, i) => i).filter((i) => onWeightGrid(i, every) || i === checkpoints - 1).length;
}

/** The size of the first file (by name) in `dir`, 0 when there is none. */
async function firstFileBytes(dir: string): Promise<number> {
  const first = (await readdir(dir).catch(() => [] as string[])).sort()[0];
  return first ? (await stat(join(dir, first))).size : 0;
}
