// Projection of a portrait into a generator: the latent whose drawing best redraws the picture's
// aligned face, stored with its distances (and, from the command line, its drawing).
import { join } from 'node:path';
import { AppError } from '../../../../shared/errors';
import { jobGenerator } from '../../latent-generators';
import { addLatents, latentSummary } from '../../latents';
import { shownPath, type HostJob } from '../job-context';

export const project: HostJob<'project'> = async (request, { project, engine, signal, onProgress, out }) => {
  const { imageId } = request;
  const row = project.db
    .prepare(
      `SELECT i.status, coalesce(f.aligned_path, i.original_path) AS file FROM images i LEFT JOIN faces f ON f.image_id = i.id AND f.status = 'kept' WHERE i.id = ? ORDER BY f.position LIMIT 1`,
    )
    .get(imageId) as { status: string; file: string | null } | undefined;
  if (!row) throw new AppError('not_found', `no image #${imageId} in project "${project.name}"`);
  if (row.status !== 'ok' || !row.file)
    throw new AppError('invalid_request', `image #${imageId} was not imported (${row.status}); it has no pixels to project`);
  const generator = jobGenerator(project, request.ref);
  const result = await engine.run(
    'project-image',
    {
      generator: generator.spec,
      backend: request.backend,
      imageFile: join(project.dir, row.file),
      imageLabel: `image #${imageId}`,
      steps: request.steps,
      featureWeight: request.featureWeight,
      drawingFile: out,
      tmpDir: project.tmpDir,
    },
    { signal, onProgress },
  );
  const [stored] = addLatents(project, generator.key, result.space, [
    {
      vector: result.latent,
      kind: 'projected',
      source: `image #${imageId} projected`,
      name: request.name ?? null,
      imageId,
      detail: {
        steps: result.steps,
        mse: result.mse,
        msssim: result.msssim,
        featureDistance: result.featureDistance,
        seconds: result.seconds,
        loss: result.loss,
      },
    },
  ]);
  return {
    latent: latentSummary(stored!),
    mse: result.mse,
    msssim: result.msssim,
    featureDistance: result.featureDistance,
    steps: result.steps,
    seconds: result.seconds,
    loss: result.loss,
    file: result.drawingFile ? shownPath(project, result.drawingFile) : null,
    backend: result.backend,
  };
};
