// New pictures from a run's generator at a checkpoint (any family), drawn from a seed and written
// as PNGs: `${stem}-0001.png`, …
import { join } from 'node:path';
import { selectBackend } from '../backends';
import { sampleFromCheckpoint } from '../sample';
import { writePng } from '../sample-images';
import type { EngineJob } from './job';

export interface CheckpointSamplesRequest {
  file: string;
  sha256: string;
  count: number;
  seed: number;
  outDir: string;
  stem: string;
}

export const sampleCheckpoint: EngineJob<'sample-checkpoint'> = async (request, context) => {
  const choice = await selectBackend('auto', 'sample');
  const samples = await sampleFromCheckpoint(request.file, request.sha256, request.count, request.seed);
  const files: string[] = [];
  for (const [i, img] of samples.images.entries()) {
    const file = join(request.outDir, `${request.stem}-${String(i + 1).padStart(4, '0')}.png`);
    await writePng(file, img, samples.resolution, samples.channels);
    files.push(file);
    context.progress(i + 1, samples.images.length, `image ${i + 1} of ${samples.images.length}`);
  }
  return { files, backend: choice.name };
};
