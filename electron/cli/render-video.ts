import { AppError } from '../../shared/errors';
import { parsePathSpec } from '../services/latent-path';
import type { Command } from './command';
import { GENERATOR_FLAGS, GENERATOR_HELP, GENERATOR_USAGE, generatorRef } from './generator-ref';
import { print } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobRequest, jobSchema, OUT_FLAGS, OUT_HELP, runJob } from './run-job';
import { withProject } from './session';

const FLAGS = flagsOf(jobSchema('video'), ['kind', 'name']);

export const renderVideo: Command = {
  name: 'render video',
  usage: `<project> ${GENERATOR_USAGE} --path SPEC --seconds S [--fps 30] --out FILE.mp4 [--size PX] [--easing smooth|linear] [--loop] [--hold S] [--title TEXT] [--prores]`,
  summary:
    'a blend video through anchors (seed:3, latent:ID, image:ID, label:key=value for a centroid, or a JSON file), H.264 MP4 and optionally ProRes, drawn and encoded together',
  options: () => [
    ...GENERATOR_HELP,
    '  --path SPEC\n      Anchors separated by commas — seed:3, latent:ID, label:key=value (a centroid), image:ID (a projected portrait) — or a JSON file {"anchors": [...], "seconds", "fps", "easing", "loop", "hold"}.',
    ...helpLines(FLAGS),
    ...OUT_HELP,
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { ...GENERATOR_FLAGS, ...OUT_FLAGS, path: { type: 'string' } });
    const usage = `usage: leporello render video ${this.usage}`;
    if (!values.path || !values.out) throw new AppError('invalid_request', usage);
    const spec = parsePathSpec(values.path as string);
    // What the path file says of the timing, unless a flag says otherwise.
    const timing = Object.fromEntries(Object.entries(spec.timing).filter(([k, v]) => v !== undefined && fields[k] === undefined));
    if (fields.seconds === undefined && timing.seconds === undefined)
      throw new AppError('invalid_request', `--seconds is missing (or give "seconds" in the path file); ${usage}`);
    await withProject(positionals[0], usage, async (studio, project) => {
      const request = jobRequest('video', { ...timing, ...fields, ref: generatorRef(project, values, usage), anchors: spec.anchors, name: 'video' });
      const r = await runJob(studio, request, { out: values.out as string, force: values.force === true });
      const size = request.size ?? "the generator's own size";
      print(
        out,
        r,
        `${r.frames} frames (${r.seconds.toFixed(2)} s at ${request.fps} fps, ${typeof size === 'number' ? `${size}×${size}` : size}) through ${r.anchors.join(' → ')}${request.loop ? ' and back' : ''}, in ${r.files.join(' and ')}; ${r.framesPerSecond.toFixed(1)} frames/s on ${r.backend}`,
      );
    });
  },
};
