// Latents the feature classifier gives a requested value, drawn seed after seed from the
// generator; progress counts the accepted ones. The host stores them.
import type { FeatureReport } from '../../../shared/feature-report';
import { selectBackend, type BackendName } from '../backends';
import { latentGenerator } from '../generators';
import { latentsWithFeature, type FeatureCandidates } from '../latent/feature-report';
import type { GeneratorSpec } from './generator-spec';
import { throwIfCancelled, turn, type EngineJob } from './job';

export interface FeatureGenerationRequest {
  generator: GeneratorSpec;
  backend?: BackendName | 'auto';
  report: Pick<FeatureReport, 'feature' | 'lda'>;
  value: string;
  count: number;
  multiplier: number;
  startSeed: number;
  maxAttempts: number;
}

export type FeatureGenerationResult = FeatureCandidates & { space: 'z' | 'w'; backend: string };

export const generateFeatureJob: EngineJob<'generate-feature'> = async ({ generator, report, backend, ...request }, context) => {
  const choice = await selectBackend(backend ?? 'auto', 'sample');
  const g = await latentGenerator(generator);
  const found = await latentsWithFeature(
    (seeds) => g.fromSeeds(seeds),
    report,
    request,
    async (accepted, attempts) => {
      context.progress(accepted, request.count, `${accepted} of ${request.count} faces with ${report.feature}=${request.value} after ${attempts} drawn`);
      await turn();
      throwIfCancelled(context.signal, 'the generation');
    },
  );
  return { ...found, space: g.space, backend: choice.name };
};
