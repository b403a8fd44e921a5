// Projection of a portrait into a generator: the latent whose drawing best redraws its aligned
// face (pixels, multi-scale SSIM and, unless weighted 0, face descriptors), with progress and the
// time left; a cancel stops it between two steps and nothing is kept. Optionally its drawing, as a
// PNG, for comparison. The host stores the latent.
import { AppError } from '../../../shared/errors';
import { atomicWrite } from '../../formats/atomic-write';
import { packImage } from '../../formats/dataset-file';
import { selectBackend, type BackendName } from '../backends';
import { latentGenerator } from '../generators';
import { loadFaceFeatures } from '../latent/face-features';
import { drawLatents, pictureTarget } from '../latent/latent-images';
import { project } from '../latent/projection';
import { gridFigure } from '../sample-images';
import type { GeneratorSpec } from './generator-spec';
import { cancelled, turn, type EngineJob } from './job';

export interface ProjectionRequest {
  generator: GeneratorSpec;
  backend?: BackendName | 'auto';
  /** The portrait (its aligned face where curation found one), and how to name it in messages. */
  imageFile: string;
  imageLabel: string;
  steps: number;
  featureWeight: number;
  /** Where to draw the result, beside nothing else; none when not asked. */
  drawingFile?: string;
  tmpDir: string;
}

export interface ProjectionResult {
  space: 'z' | 'w';
  latent: number[];
  steps: number;
  mse: number;
  msssim: number;
  featureDistance: number | null;
  seconds: number;
  loss: string;
  drawingFile: string | null;
  backend: string;
}

export const projectImage: EngineJob<'project-image'> = async (request, context) => {
  const choice = await selectBackend(request.backend ?? 'auto', 'train');
  const generator = await latentGenerator(request.generator);
  const r = generator.resolution;
  const pixels = await packImage(request.imageFile, { resolution: r, fit: 'crop', channels: generator.channels }).catch((err: Error) => {
    throw new AppError(
      'invalid_request',
      `cannot read ${request.imageLabel} (${request.imageFile}): ${err.message}. Re-import the picture, or exclude its face in Curate and project another.`,
    );
  });
  const features = request.featureWeight > 0 ? await loadFaceFeatures() : null;
  const target = pictureTarget(pixels, r, generator.channels);
  const started = performance.now();
  try {
    const result = await project(generator, target, {
      steps: request.steps,
      learningRate: 0.05,
      perceptualWeight: 1,
      starts: 8,
      features,
      featureWeight: request.featureWeight,
      cancelled: () => context.signal.aborted,
      onProgress: async (step, total, loss) => {
        context.progress(step, total, `projecting ${request.imageLabel}: step ${step} of ${total}, loss ${loss.toFixed(4)}`);
        await turn();
      },
    });
    if (result.cancelled) throw cancelled(`the projection of ${request.imageLabel}`);
    let drawingFile: string | null = null;
    if (request.drawingFile) {
      const [image] = await drawLatents(generator, [result.latent]);
      await atomicWrite(request.drawingFile, (await gridFigure([[image!]], r, generator.channels)).png, request.tmpDir);
      drawingFile = request.drawingFile;
    }
    return {
      space: generator.space,
      latent: Array.from(result.latent),
      steps: result.steps,
      mse: result.mse,
      msssim: result.msssim,
      featureDistance: result.featureDistance,
      seconds: (performance.now() - started) / 1000,
      loss: features ? `pixel MSE + (1 − multi-scale SSIM) + ${request.featureWeight} × face-descriptor distance²` : 'pixel MSE + (1 − multi-scale SSIM)',
      drawingFile,
      backend: choice.name,
    };
  } finally {
    target.dispose();
  }
};
