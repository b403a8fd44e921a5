// What a run would need of the backend's memory: asked before the run exists (the launcher as the
// batch is typed, and the studio before it records a run), on the backend this process would train on.
import { selectBackend } from '../backends';
import { defaultModelConfig } from '../models/registry';
import { trainingMemory } from '../train/memory-limit';
import type { EngineJob } from './job';

export const limits: EngineJob<'limits'> = async ({ job }) => {
  const backend = await selectBackend(job.backend, 'train');
  const spec = defaultModelConfig(job.model.arch, job.model.resolution, job.model.channels, job.model.overrides);
  return trainingMemory(spec, job.batchSize, backend.name);
};
