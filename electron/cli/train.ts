import { RunRequest } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { listDatasets } from '../services/datasets/datasets';
import { findNetwork } from '../services/networks/network-store';
import type { Project } from '../services/projects/project';
import type { Command } from './command';
import { followRun } from './follow-run';
import { flagsOf, helpLines, parseOptions, validated } from './options';
import { newStudio } from './session';

const FLAGS = flagsOf(RunRequest, ['datasetId', 'network']);
/** The names these flags had before they were named after the studio's settings. */
const ALIASES = { batch: 'batch-size', lr: 'learning-rate', gamma: 'r1-gamma', target: 'ada-target', from: 'network' };

export function datasetByRef(project: Project, ref: string) {
  const all = listDatasets(project);
  const found = all.find((d) => String(d.id) === ref || d.name.toLowerCase() === ref.toLowerCase());
  if (!found)
    throw new AppError(
      'not_found',
      `no dataset "${ref}" in ${project.dir}; datasets: ${all.map((d) => d.name).join(', ') || 'none yet (leporello dataset create)'}`,
    );
  return found;
}

export const train: Command = {
  name: 'train',
  usage: '<project> --dataset D --arch dcgan|thesis|progan|stylegan2 [--epochs N | --kimg N] [options]',
  summary: 'train a GAN in an engine process (Ctrl-C stops it cleanly); --checkpoint-every counts epochs, or kimg with --kimg',
  options: () => [
    '  --dataset D\n      The dataset to train on, by its id or name.',
    "  --network N (also --from)\n      StyleGAN2: the imported network to fine-tune, by its id or name; its resolution must be the dataset's.",
    ...helpLines(FLAGS, ALIASES),
  ],
  async run(args, out) {
    const { positionals, values, fields } = parseOptions(args, FLAGS, { dataset: { type: 'string' }, network: { type: 'string' } }, ALIASES);
    if (!positionals[0] || !values.dataset || fields.arch === undefined)
      throw new AppError('invalid_request', 'train needs a project, --dataset D and --arch dcgan|thesis|progan|stylegan2');
    const studio = newStudio();
    await studio.openProject(positionals[0]);
    try {
      const project = studio.requireProject();
      const request = validated(RunRequest, {
        ...fields,
        datasetId: datasetByRef(project, values.dataset as string).id,
        ...(values.network !== undefined ? { network: findNetwork(project, values.network as string).id } : {}),
      });
      await followRun(studio, await studio.runs.start(request), out);
    } finally {
      await studio.closeProject();
    }
  },
};
