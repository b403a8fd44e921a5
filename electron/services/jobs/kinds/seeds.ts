// Latents from seeds, stored as samples of the generator.
import { addLatents, latentSummary } from '../../latents';
import { jobGenerator } from '../../latent-generators';
import type { HostJob } from '../job-context';

export const seeds: HostJob<'seeds'> = async (request, { project, engine, signal, onProgress }) => {
  const generator = jobGenerator(project, request.ref);
  const made = await engine.run(
    'latent-seeds',
    { generator: generator.spec, seeds: request.seeds, backend: request.backend, classIndex: request.classIndex },
    { signal, onProgress },
  );
  const latents = addLatents(
    project,
    generator.key,
    made.space,
    made.vectors.map((vector, i) => ({
      vector,
      kind: 'sample',
      source: `seed ${request.seeds[i]}${request.classIndex !== undefined ? ` of class ${request.classIndex}` : ''}`,
      name: request.name ?? null,
      detail: { seed: request.seeds[i], ...(request.classIndex !== undefined ? { classIndex: request.classIndex } : {}) },
    })),
  );
  return { latents: latents.map(latentSummary), backend: made.backend };
};
