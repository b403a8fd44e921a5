// The latent each seed gives a generator: W (the seed's z through the mapping network) for
// StyleGAN2, Z for the other families. The host stores them.
import { latentGenerator } from '../generators';
import { selectBackend, type BackendName } from '../backends';
import type { GeneratorSpec } from './generator-spec';
import type { EngineJob } from './job';

export interface LatentSeedsRequest {
  generator: GeneratorSpec;
  backend?: BackendName | 'auto';
  seeds: number[];
  /** A conditional network's class for every seed (each seed's own when absent). */
  classIndex?: number;
}

export interface LatentVectors {
  space: 'z' | 'w';
  vectors: number[][];
  backend: string;
}

export const latentSeeds: EngineJob<'latent-seeds'> = async ({ generator, seeds, backend, classIndex }) => {
  const choice = await selectBackend(backend ?? 'auto', 'sample');
  const g = await latentGenerator(generator);
  const vectors = await g.fromSeeds(seeds, classIndex);
  return { space: g.space, vectors: vectors.map((v) => Array.from(v)), backend: choice.name };
};
