// The frames of a keyframe path through latents, side by side: the pictures a blend video is made
// of, at one frame a step (holds counted in frames).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { AppError } from '../../../../shared/errors';
import { framePositions, type PathTiming } from '../../../../shared/latent/keyframes';
import { jobGenerator } from '../../latent-generators';
import { latentsOf } from '../../latents';
import { shownPath, type HostJob } from '../job-context';

export const path: HostJob<'path'> = async (request, { project, engine, signal, onProgress, out }) => {
  const generator = jobGenerator(project, request.ref);
  const keys = latentsOf(project, generator.key, request.ids);
  const timing: PathTiming = { fps: 1, seconds: request.frames, easing: request.easing, loop: request.loop, hold: request.hold };
  try {
    framePositions(keys.length, timing);
  } catch (err) {
    // Checked before any work: a path whose holds leave no frames to move in.
    throw new AppError('invalid_request', (err as Error).message.replace(/ s /g, ' frames '));
  }
  const digest = createHash('sha256').update(JSON.stringify(request)).digest('hex').slice(0, 12);
  const file = out ?? join(project.dir, 'renders', 'latents', `${generator.key.replace(/:/g, '-')}-path-${digest}.png`);
  const strip = await engine.run(
    'draw-latents',
    {
      generator: generator.spec,
      backend: request.backend,
      vectors: keys.map((k) => Array.from(k.vector)),
      path: timing,
      outFile: file,
      tmpDir: project.tmpDir,
    },
    { signal, onProgress },
  );
  return {
    file: shownPath(project, strip.file),
    width: strip.width,
    height: strip.height,
    frames: strip.frames,
    keyframes: keys.map((k) => k.id),
    loop: request.loop,
    backend: strip.backend,
  };
};
