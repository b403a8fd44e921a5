// The launcher's speed estimate: the run's first steps, trained for real into a scratch folder;
// the speed is taken from the second step on, since the first one compiles kernels.
import { DatasetFile } from '../../formats/dataset-file';
import { selectBackend } from '../backends';
import { defaultModelConfig } from '../models/registry';
import { trainLoop } from '../train/train-loop';
import type { EngineJob } from './job';

export const warmup: EngineJob<'warmup'> = async ({ job, maxSteps, maxSeconds }, context) => {
  const backend = await selectBackend(job.backend, 'train');
  const dataset = await DatasetFile.open(job.datasetDir);
  const ticks: { at: number; imagesSeen: number; stepsPerEpoch: number }[] = [];
  try {
    await trainLoop(
      { ...job, model: defaultModelConfig(job.model.arch, job.model.resolution, job.model.channels, job.model.overrides), dataset },
      {
        onTick: (t) => {
          ticks.push({ at: performance.now(), imagesSeen: t.imagesSeen, stepsPerEpoch: t.stepsPerEpoch });
          context.progress(ticks.length, maxSteps, `step ${ticks.length} of at most ${maxSteps}`);
        },
        shouldAbort: () => context.signal.aborted || ticks.length >= maxSteps || (ticks.length >= 2 && performance.now() - ticks[0]!.at > maxSeconds * 1000),
      },
    );
  } finally {
    await dataset.close();
  }
  if (ticks.length < 2) throw new Error('the warm-up was stopped before it could measure two steps');
  const first = ticks[0]!;
  const last = ticks.at(-1)!;
  const imagesPerSecond = (last.imagesSeen - first.imagesSeen) / ((last.at - first.at) / 1000);
  return { backend, steps: ticks.length - 1, imagesPerSecond, stepsPerEpoch: first.stepsPerEpoch };
};
