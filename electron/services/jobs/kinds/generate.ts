// Faces the feature classifier gives a requested value: the analysis fitted again on the latents
// labelled so far, then seeds drawn until enough are accepted; stored with what was asked, so that
// the curator's answers on them give the success rate.
import { featureSamples, requestedOutcomes, storeFeatureLatents } from '../../feature-analysis';
import { jobGenerator } from '../../latent-generators';
import { latentSummary } from '../../latents';
import type { HostJob } from '../job-context';

export const generate: HostJob<'generate'> = async (request, { project, engine, signal, onProgress }) => {
  const generator = jobGenerator(project, request.ref);
  const { outcomes, invalid } = requestedOutcomes(project, generator.key, request.feature);
  const report = await engine.run(
    'analyze-feature',
    { feature: request.feature, generator: generator.key, samples: featureSamples(project, generator.key, request.feature), requested: outcomes, invalid },
    { signal },
  );
  const found = await engine.run(
    'generate-feature',
    {
      generator: generator.spec,
      backend: request.backend,
      report,
      value: request.value,
      count: request.count,
      multiplier: request.multiplier,
      startSeed: request.startSeed ?? 100000 + Math.floor(Math.random() * 1e6),
      maxAttempts: request.count * 200,
    },
    { signal, onProgress },
  );
  const latents = storeFeatureLatents(
    project,
    { key: generator.key, space: found.space },
    { feature: request.feature, value: request.value, multiplier: request.multiplier },
    found.accepted,
  );
  return { latents: latents.map(latentSummary), attempts: found.attempts, acceptance: found.acceptance, backend: found.backend };
};
