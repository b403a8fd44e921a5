// Curation's compute for one picture, in an engine process that keeps face-api's networks loaded
// for the next picture of the pass.
import { selectBackend } from '../backends';
import { analysePicture } from '../curation/analyse-picture';
import type { EngineJob } from './job';

export const analysePictureJob: EngineJob<'analyse-picture'> = async ({ backend, picture }) => {
  const choice = await selectBackend(backend, 'sample');
  return { faces: await analysePicture(picture), backend: choice.name };
};
