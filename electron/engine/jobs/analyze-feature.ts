// The feature analysis of a generator's labelled latents (engine/latent/feature-report.ts): pure
// statistics, in the engine so that a few thousand latents never hold up the studio.
import type { RequestedOutcome } from '../../../shared/feature-report';
import { analyzeFeature, type FeatureSample } from '../latent/feature-report';
import type { EngineJob } from './job';

export interface FeatureAnalysisRequest {
  feature: string;
  /** The generator's name in the report. */
  generator: string;
  samples: FeatureSample[];
  shrinkage?: number;
  requested: RequestedOutcome[];
  invalid: number;
}

export const analyzeFeatureJob: EngineJob<'analyze-feature'> = async ({ samples, ...options }) => analyzeFeature(samples, options);
