// Latents drawn side by side as one strip (a PNG written whole or not at all): the latents as
// given, or the frames of a keyframe path through them (eased, held, looping).
import { atomicWrite } from '../../formats/atomic-write';
import { framePositions, latentAt, type PathTiming } from '../../../shared/latent/keyframes';
import { selectBackend, type BackendName } from '../backends';
import { latentGenerator } from '../generators';
import { drawLatents } from '../latent/latent-images';
import { gridFigure } from '../sample-images';
import type { GeneratorSpec } from './generator-spec';
import type { EngineJob } from './job';

export interface DrawLatentsRequest {
  generator: GeneratorSpec;
  backend?: BackendName | 'auto';
  vectors: number[][];
  /** Draw the frames of a path through the vectors (keyframes) instead of the vectors. */
  path?: PathTiming;
  outFile: string;
  tmpDir: string;
}

export interface DrawnStrip {
  file: string;
  width: number;
  height: number;
  /** Pictures in the strip: the latents, or the path's frames. */
  frames: number;
  backend: string;
}

export const drawLatentsJob: EngineJob<'draw-latents'> = async ({ generator, vectors, path, outFile, tmpDir, backend }, context) => {
  const choice = await selectBackend(backend ?? 'auto', 'sample');
  const g = await latentGenerator(generator);
  const latents = path ? framePositions(vectors.length, path).map((at) => latentAt(vectors, at, g.space)) : vectors;
  context.progress(0, latents.length, `drawing ${latents.length} faces`);
  const images = await drawLatents(g, latents);
  const { width, height, png } = await gridFigure([images], g.resolution, g.channels);
  await atomicWrite(outFile, png, tmpDir);
  return { file: outFile, width, height, frames: latents.length, backend: choice.name };
};
