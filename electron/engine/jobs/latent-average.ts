// The latent of a generator's average face (W's tracked mean; Z's origin), which truncation moves
// a latent toward.
import { latentGenerator } from '../generators';
import { selectBackend } from '../backends';
import type { EngineJob } from './job';

export const latentAverage: EngineJob<'latent-average'> = async ({ generator, backend }) => {
  const choice = await selectBackend(backend ?? 'auto', 'sample');
  const g = await latentGenerator(generator);
  return { space: g.space, vector: Array.from(await g.average()), backend: choice.name };
};
