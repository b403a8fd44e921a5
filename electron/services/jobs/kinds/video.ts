// A blend video through anchors (seed:3, latent:ID, image:ID, label:key=value for a centroid, or a
// vector): the anchors resolved here, the frames drawn and encoded by an engine, the files
// recorded as renders. The studio's video never replaces an earlier one (blend-2.mp4).
import { AppError } from '../../../../shared/errors';
import { framePositions, type PathTiming } from '../../../../shared/latent/keyframes';
import { locateFfmpeg } from '../../ffmpeg';
import { resolveAnchors } from '../../latent-path';
import { jobGenerator } from '../../latent-generators';
import { recordRender } from '../../renders/render-store';
import { freeRenderFile, shownPath, type HostJob } from '../job-context';

export const video: HostJob<'video'> = async (request, { project, engine, signal, onProgress, out }) => {
  const ffmpeg = locateFfmpeg();
  if (!ffmpeg.path) throw new AppError('unavailable', ffmpeg.message);
  const generator = jobGenerator(project, request.ref);
  const anchors = resolveAnchors(project, generator.key, null, request.anchors);
  const timing: PathTiming = { fps: request.fps, seconds: request.seconds, easing: request.easing, loop: request.loop, hold: request.hold };
  try {
    framePositions(anchors.length, timing);
  } catch (err) {
    throw new AppError('invalid_request', (err as Error).message);
  }
  const file = out ?? freeRenderFile(project, 'videos', request.name, '.mp4', ['.mov']);
  const rendered = await engine.run(
    'render-video',
    {
      generator: generator.spec,
      backend: request.backend,
      keyframes: anchors.map((a) => a.keyframe),
      timing,
      format: {
        fps: request.fps,
        size: request.size ?? 0,
        prores: request.prores,
        ...(request.title ? { title: { text: request.title, seconds: request.titleSeconds } } : {}),
      },
      outFile: file,
      ffmpeg: ffmpeg.path,
    },
    { signal, onProgress },
  );
  const settings = {
    anchors: anchors.map((a) => a.describe),
    ...timing,
    size: request.size ?? null,
    title: request.title ?? null,
    prores: request.prores,
    backend: rendered.backend,
  };
  const renders = [];
  for (const f of rendered.files) renders.push((await recordRender(project, 'video', f, generator.key, settings)).id);
  return {
    files: rendered.files.map((f) => shownPath(project, f)),
    renders,
    frames: rendered.frames,
    seconds: rendered.seconds,
    elapsed: rendered.elapsed,
    framesPerSecond: rendered.framesPerSecond,
    anchors: anchors.map((a) => a.describe),
    backend: rendered.backend,
  };
};
