// Latents drawn side by side as one strip, under renders/latents/ (or where the command line says).
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { jobGenerator } from '../../latent-generators';
import { latentsOf } from '../../latents';
import { shownPath, type HostJob } from '../job-context';

export const draw: HostJob<'draw'> = async (request, { project, engine, signal, onProgress, out }) => {
  const generator = jobGenerator(project, request.ref);
  const latents = latentsOf(project, generator.key, request.ids);
  const digest = createHash('sha256').update(request.ids.join(',')).digest('hex').slice(0, 12);
  const file = out ?? join(project.dir, 'renders', 'latents', `${generator.key.replace(/:/g, '-')}-${digest}.png`);
  const strip = await engine.run(
    'draw-latents',
    { generator: generator.spec, backend: request.backend, vectors: latents.map((l) => Array.from(l.vector)), outFile: file, tmpDir: project.tmpDir },
    { signal, onProgress },
  );
  return { file: shownPath(project, strip.file), width: strip.width, height: strip.height, latents: latents.map((l) => l.id), backend: strip.backend };
};
