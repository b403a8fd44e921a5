// Faces the feature classifier gives a requested value: the analysis fitted again on the latents
// labelled so far, then seeds drawn until enough are accepted; stored with what was asked, so that
// the curator's answers on them give the success rate.
import { featureSamples, requestedOutcomes, storeFeatureLatents } from '../../feature-analysis';
import { jobGenerator } from '../../latent-generators';
import { latentSummary } from '../../latents';
import type { HostJob } from '../job-context';
import { AppError } from '../../../../shared/errors';
import { describeClassifier } from '../../../../shared/feature-report';

export const generate: HostJob<'generate'> = async (request, { project, engine, signal, onProgress }) => {
  const generator = jobGenerator(project, request.ref);
  const { outcomes, invalid } = requestedOutcomes(project, generator.key, request.feature);
  const report = await engine.run(
    'analyze-feature',
    { feature: request.feature, generator: generator.key, samples: featureSamples(project, generator.key, request.feature), requested: outcomes, invalid },
    { signal },
  );
  // Faces chosen by a classifier no better than chance would carry the feature only by chance.
  if (!report.classifier.beatsChance) {
    throw new AppError(
      'invalid_request',
      `faces with ${request.feature}=${request.value} cannot be generated yet: the classifier is ${describeClassifier(report.classifier)}. Answer more faces in the questionnaire and analyse again`,
    );
  }
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
