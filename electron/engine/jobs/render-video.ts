// A blend video along a keyframe path: anchors turned into latents (seeds through the generator,
// a label's members averaged into their centroid), every frame's latent on the path, frames drawn
// in batches and streamed into ffmpeg as the next batch is drawn. A cancel stops ffmpeg and leaves
// no file; the host records the render.
import { mean } from '../../../shared/latent/arithmetic';
import { framePositions, latentAt, type PathTiming } from '../../../shared/latent/keyframes';
import { selectBackend, type BackendName } from '../backends';
import { latentGenerator } from '../generators';
import { drawInBatches } from '../latent/latent-images';
import { renderVideo, type RenderedVideo, type VideoFormat } from '../render/video-encoder';
import type { GeneratorSpec } from './generator-spec';
import { turn, type EngineJob } from './job';

/** A keyframe as the host resolved it: a latent, a seed, or the members whose mean is a centroid. */
export type Keyframe = { vector: number[] } | { seed: number } | { members: number[][] };

export interface VideoRequest {
  generator: GeneratorSpec;
  backend?: BackendName | 'auto';
  keyframes: Keyframe[];
  timing: PathTiming;
  format: Omit<VideoFormat, 'frameSize' | 'channels'>;
  outFile: string;
  ffmpeg: string;
}

export type VideoResult = RenderedVideo & { backend: string };

/** Frames per forward pass: about a megapixel of output, so that 1024 px draws one at a time. */
export const videoBatchSize = (resolution: number) => Math.max(1, Math.min(32, Math.floor(2 ** 20 / (resolution * resolution))));

export const renderVideoJob: EngineJob<'render-video'> = async (request, context) => {
  const choice = await selectBackend(request.backend ?? 'auto', 'sample');
  const generator = await latentGenerator(request.generator);
  const seeds = request.keyframes.flatMap((k) => ('seed' in k ? [k.seed] : []));
  const drawn = seeds.length ? await generator.fromSeeds(seeds) : [];
  let next = 0;
  const keys = request.keyframes.map((k) => ('seed' in k ? drawn[next++]! : 'members' in k ? mean(k.members) : Float32Array.from(k.vector)));
  const latents = framePositions(keys.length, request.timing).map((at) => latentAt(keys, at, generator.space));
  // Size 0: the generator's own.
  const format: VideoFormat = {
    ...request.format,
    size: request.format.size || generator.resolution,
    frameSize: generator.resolution,
    channels: generator.channels,
  };
  async function* frames(): AsyncGenerator<Uint8Array> {
    for await (const batch of drawInBatches(generator, latents, videoBatchSize(generator.resolution))) {
      yield batch;
      await turn();
    }
  }
  const rendered = await renderVideo(request.outFile, frames(), latents.length, format, {
    ffmpeg: request.ffmpeg,
    signal: context.signal,
    onProgress: (p) => context.progress(p.frame, p.total, `frame ${p.frame} of ${p.total}`),
  });
  return { ...rendered, backend: choice.name };
};
