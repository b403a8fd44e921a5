// `leporello render video`: a blend video along a path of anchors, drawn by a network or a run's
// checkpoint in this process and encoded by ffmpeg as it is drawn.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../shared/errors';
import { formatDuration } from '../shared/format';
import type { Out } from './cli';
import { describeGenerator, GENERATOR_OPTIONS, openGenerator } from './cli-latents';
import { generatorRef, withProject, type CliHelpers } from './cli-networks';
import { framePositions, latentAt } from './engine/latent/keyframes';
import { anchorVectors, parsePathSpec, resolveAnchors } from './services/latent-path';
import { recordRender } from './services/renders/render-store';
import { renderVideo } from './services/renders/video';

/** Frames per forward pass: about a megapixel of output, so that 1024 px draws one at a time. */
export const videoBatchSize = (resolution: number) => Math.max(1, Math.min(32, Math.floor(2 ** 20 / (resolution * resolution))));

function numberOption(text: string | undefined, name: string, fallback: number | undefined, check: (n: number) => boolean, range: string): number | undefined {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isFinite(n) || !check(n)) throw new AppError('invalid_request', `${name} ${text}: give ${range}`);
  return n;
}

async function renderVideoCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      ...GENERATOR_OPTIONS,
      path: { type: 'string' },
      seconds: { type: 'string' },
      fps: { type: 'string' },
      size: { type: 'string' },
      easing: { type: 'string' },
      loop: { type: 'boolean' },
      hold: { type: 'string' },
      title: { type: 'string' },
      'title-seconds': { type: 'string' },
      prores: { type: 'boolean' },
      out: { type: 'string' },
    },
  });
  const usage =
    'usage: leporello render video <project> (--network N | --run R [--at KIMG]) --path SPEC --seconds S [--fps 30] --out FILE.mp4\n' +
    '  [--size PX] [--easing smooth|linear] [--loop] [--hold S] [--title TEXT [--title-seconds 3]] [--prores] [--json]\n' +
    '  SPEC: anchors separated by commas — seed:3, latent:ID, label:key=value (a centroid), image:ID (a projected portrait) — or a JSON file';
  if (!values.path || !values.out) throw new AppError('invalid_request', usage);
  const spec = parsePathSpec(values.path);
  const seconds = numberOption(values.seconds, '--seconds', spec.timing.seconds, (n) => n > 0 && n <= 3600, 'a length in seconds, up to an hour');
  if (seconds === undefined) throw new AppError('invalid_request', `--seconds is missing (or give "seconds" in the path file); ${usage}`);
  const fps = numberOption(values.fps, '--fps', spec.timing.fps ?? 30, (n) => n >= 1 && n <= 120, 'frames per second from 1 to 120')!;
  const hold = numberOption(values.hold, '--hold', spec.timing.hold ?? 0, (n) => n >= 0, 'seconds to hold at each anchor, 0 or more')!;
  const easing = values.easing ?? spec.timing.easing ?? 'smooth';
  if (easing !== 'linear' && easing !== 'smooth') throw new AppError('invalid_request', '--easing is smooth (slow in and out at each anchor) or linear');
  const loop = values.loop ?? spec.timing.loop ?? false;
  const file = resolve(values.out);
  await withProject(cli, positionals[0], usage, async (studio) => {
    const project = studio.requireProject();
    const ref = generatorRef(project, values, usage);
    const { key, label } = describeGenerator(project, ref);
    const open = await openGenerator(project, values, usage);
    const { generator } = open;
    try {
      const anchors = resolveAnchors(project, key, generator.dim, spec);
      const keyframes = await anchorVectors(anchors, (seeds) => generator.fromSeeds(seeds));
      let positions;
      try {
        positions = framePositions(keyframes.length, { fps, seconds, easing, loop, hold });
      } catch (err) {
        throw new AppError('invalid_request', (err as Error).message);
      }
      const size = numberOption(values.size, '--size', generator.resolution, (n) => Number.isInteger(n) && n % 2 === 0 && n >= 16 && n <= 4096, 'an even number of pixels from 16 to 4096 (H.264 in yuv420p needs an even size)')!;
      const titleSeconds = numberOption(values['title-seconds'], '--title-seconds', 3, (n) => n > 0 && n <= 30, 'seconds from a fraction to 30')!;
      const format = { frameSize: generator.resolution, channels: generator.channels, fps, size, prores: !!values.prores, title: values.title ? { text: values.title, seconds: titleSeconds } : undefined };
      const latents = positions.map((at) => latentAt(keyframes, at, generator.space));
      const abort = new AbortController();
      const stop = () => abort.abort();
      process.once('SIGINT', stop);
      let lastReport = 0;
      // The engine's drawing loads TensorFlow.js: only once a render is asked for.
      const { drawInBatches } = await import('./engine/latent/latent-images');
      const rendered = await renderVideo(file, drawInBatches(generator, latents, videoBatchSize(generator.resolution)), latents.length, format, {
        signal: abort.signal,
        onProgress: (p) => {
          if (p.frame === p.total || performance.now() - lastReport > 1000) {
            lastReport = performance.now();
            process.stderr.write(`rendering ${file}: frame ${p.frame}/${p.total}, ${formatDuration(p.secondsLeft)} left\n`);
          }
        },
      }).finally(() => process.off('SIGINT', stop));
      const settings = { anchors: anchors.map((a) => a.describe), seconds, fps, easing, loop, hold, size, title: values.title ?? null, prores: !!values.prores, backend: open.backend };
      const records = [];
      for (const f of rendered.files) records.push(await recordRender(project, 'video', f, key, settings));
      cli.print(
        out,
        { ...rendered, renders: records.map((r) => r.id), generator: key, anchors: anchors.map((a) => a.describe) },
        `${rendered.frames} frames (${rendered.seconds.toFixed(2)} s at ${fps} fps, ${size}×${size}) through ${anchors.map((a) => a.describe).join(' → ')}${loop ? ' and back' : ''} of ${label}, in ${rendered.files.join(' and ')}; ${rendered.framesPerSecond.toFixed(1)} frames/s on ${open.backend}`,
      );
    } finally {
      generator.dispose();
    }
  });
}

export async function renderCommand(args: string[], out: Out, cli: CliHelpers): Promise<void> {
  const [kind, ...rest] = args;
  if (kind === 'video') return renderVideoCommand(rest, out, cli);
  throw new AppError('invalid_request', 'usage: leporello render video <project> … (see "leporello help")');
}
