import { resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import { importStyleganArchive } from '../services/exchange/stylegan-archive';
import type { Command } from './command';
import { describeImport } from './import';
import { print } from './output';
import { parseOptions } from './options';
import { withProject } from './session';

export const importDataset: Command = {
  name: 'import-dataset',
  usage: '<project> FILE.zip [--collection NAME]',
  summary: 'bring a StyleGAN2-ADA dataset archive back as a collection, classes as labels',
  async run(args, out) {
    const { positionals, values } = parseOptions(args, [], { collection: { type: 'string' } });
    if (!positionals[0] || !positionals[1]) throw new AppError('invalid_request', 'import-dataset needs a project and a FILE.zip');
    await withProject(positionals[0], '', async (studio) => {
      const summary = await importStyleganArchive(studio, resolve(positionals[1]!), values.collection as string | undefined);
      print(out, summary, `${describeImport(summary)}\n${summary.labelled} images labelled with their class`);
    });
  },
};
