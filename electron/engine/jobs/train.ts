// A training run, hosted: the backend chosen and said, the dataset opened from its folder, and the
// loop's callbacks turned into the job's events. A cancel stops it after the current step (the
// loop writes a resume point); a pause holds it between two steps.
import { DatasetFile } from '../../formats/dataset-file';
import { selectBackend } from '../backends';
import { defaultModelConfig } from '../models/registry';
import { trainLoop } from '../train/train-loop';
import type { EngineJob } from './job';

export const train: EngineJob<'train'> = async (job, context) => {
  const choice = await selectBackend(job.backend, 'train');
  context.emit({ type: 'backend', choice });
  const dataset = await DatasetFile.open(job.datasetDir);
  try {
    return await trainLoop(
      { ...job, model: defaultModelConfig(job.model.arch, job.model.resolution, job.model.channels, job.model.overrides), dataset },
      {
        onWitnesses: (vectors) => context.emit({ type: 'witnesses', vectors }),
        onTick: (tick) => context.emit({ type: 'tick', tick }),
        onCheckpoint: (checkpoint) => context.emit({ type: 'checkpoint', checkpoint }),
        onResumePoint: (point) => context.emit({ type: 'resume-point', point }),
        shouldAbort: () => context.signal.aborted,
        whilePaused: (at) => context.whilePaused(at),
      },
    );
  } finally {
    await dataset.close();
  }
};
