import { AppError } from '../../shared/errors';
import { getLatents } from '../services/latents';
import { jobGenerator } from '../services/latent-generators';
import type { Command } from './command';
import { GENERATOR_FLAGS, GENERATOR_HELP, GENERATOR_USAGE, generatorRef } from './generator-ref';
import { print } from './output';
import { flagsOf, helpLines, parseOptions } from './options';
import { jobRequest, jobSchema, OUT_FLAGS, OUT_HELP, runJob } from './run-job';
import { withProject } from './session';

const FLAGS = flagsOf(jobSchema('project'), ['kind']);
const ALIASES = { image: 'image-id' };

export const projectImage: Command = {
  name: 'project-image',
  usage: `<project> ${GENERATOR_USAGE} --image-id ID [--steps 300] [--feature-weight 1] [--name NAME] [--out DRAWING.png]`,
  summary:
    "the latent that best redraws an image's aligned face (pixels, multi-scale SSIM and face descriptors), stored with its distances; --feature-weight 0 leaves descriptors out",
  options: () => [...GENERATOR_HELP, ...helpLines(FLAGS, ALIASES), ...OUT_HELP],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { ...GENERATOR_FLAGS, ...OUT_FLAGS }, ALIASES);
    const usage = `usage: leporello project-image ${this.usage}`;
    if (fields.imageId === undefined) throw new AppError('invalid_request', usage);
    await withProject(positionals[0], usage, async (studio, project) => {
      const ref = generatorRef(project, values, usage);
      const request = jobRequest('project', { ...fields, ref });
      const r = await runJob(studio, request, values.out === undefined ? {} : { out: values.out as string, force: values.force === true });
      const [stored] = getLatents(project, [r.latent.id]);
      print(
        out,
        { ...r, latent: { ...stored!, vector: Array.from(stored!.vector) } },
        `image #${request.imageId} projected into ${jobGenerator(project, ref).label} (${stored!.space.toUpperCase()}): latent #${stored!.id}, MS-SSIM ${r.msssim.toFixed(3)}, pixel MSE ${r.mse.toFixed(4)}${r.featureDistance === null ? '' : `, face-descriptor distance ${r.featureDistance.toFixed(3)}`}, ${r.steps} steps in ${r.seconds.toFixed(1)} s on ${r.backend}${r.file ? `; its drawing in ${r.file}` : ''}`,
      );
    });
  },
};
