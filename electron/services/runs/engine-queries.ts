// Short questions for an engine process of its own: which backends can train here, and how fast a
// run would go. Each starts a process, asks once and lets it end, so the answer is what a real
// run would see (the same process kind, the same backend choice) and nothing of it stays loaded.
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Dataset, RunEstimate, RunRequest } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { trainingTarget } from '../../../shared/progress';
import type { BackendAttempt, BackendChoice } from '../../engine/backends';
import type { FromEngine, ToEngine } from '../../engine/protocol';
import type { Project } from '../projects/project';
import type { EngineLauncher } from './engine-launcher';
import { trainJobFor } from './train-job';

/** Sends one message and collects what comes back until the process ends. */
function ask(launch: EngineLauncher, message: ToEngine): Promise<FromEngine[]> {
  const engine = launch();
  const replies: FromEngine[] = [];
  return new Promise((resolve, reject) => {
    engine.onMessage((m) => replies.push(m));
    engine.onExit((code, signal) => {
      const error = replies.find((m) => m.type === 'error');
      if (error) reject(new AppError('unavailable', error.message));
      else if (code !== 0) reject(new AppError('internal', `the engine process ended unexpectedly (${signal ?? `exit code ${code}`}): ${engine.stderrTail().trim().split('\n').at(-1) ?? ''}`));
      else resolve(replies);
    });
    engine.send(message);
  });
}

export async function probeInEngine(launch: EngineLauncher): Promise<BackendAttempt[]> {
  const replies = await ask(launch, { type: 'probe' });
  const probed = replies.find((m) => m.type === 'probed');
  if (!probed) throw new AppError('internal', 'the engine did not say which backends it has');
  return probed.attempts;
}

/** Measures a few real training steps of the run `request` describes, in a scratch folder that is removed after. */
export async function estimateRun(project: Project, launch: EngineLauncher, request: RunRequest, dataset: Dataset, limits = { maxSteps: 6, maxSeconds: 12 }): Promise<RunEstimate> {
  const scratch = await mkdtemp(join(project.tmpDir, 'warmup-'));
  try {
    const job = trainJobFor(project, { ...request, witnesses: Math.min(request.witnesses, 4) }, dataset, scratch, undefined);
    const replies = await ask(launch, { type: 'warmup', job, ...limits });
    const backend = replies.find((m): m is { type: 'backend'; choice: BackendChoice } => m.type === 'backend');
    const measured = replies.find((m) => m.type === 'measured');
    if (!backend || !measured) throw new AppError('internal', 'the warm-up ended without a measurement');
    const images = request.kimg !== undefined ? request.kimg * 1000 : trainingTarget(request) * measured.stepsPerEpoch * request.batchSize;
    return {
      backend: backend.choice.name,
      backendDetail: backend.choice.summary,
      stepsMeasured: measured.steps,
      imagesPerSecond: measured.imagesPerSecond,
      secondsPerEpoch: (measured.stepsPerEpoch * request.batchSize) / measured.imagesPerSecond,
      secondsTotal: images / measured.imagesPerSecond,
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
